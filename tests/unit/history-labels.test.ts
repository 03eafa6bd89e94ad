/**
 * Every audit action the edge can record for a citizen (shared/audit.ts, the union the
 * edge's audit store takes) has a label in the security history, in both languages, so no
 * event shows as "other event (…)".
 */
import { describe, expect, it } from 'vitest';
import { CITIZEN_AUDIT_ACTIONS, OTHER_AUDIT_ACTIONS } from '../../shared/audit';
import { accountsEn } from '../../web/i18n/accounts-en';
import { accountsVi } from '../../web/i18n/accounts-vi';
import { officerEn } from '../../web/i18n/officer-en';
import { officerVi } from '../../web/i18n/officer-vi';

describe('security history labels', () => {
  it.each(CITIZEN_AUDIT_ACTIONS)('%s has a Vietnamese and an English label', (action) => {
    const key = `hist.action.${action}`;
    const vi = (accountsVi as Record<string, string>)[key];
    const en = (accountsEn as Record<string, string>)[key];
    expect(vi, `accountsVi['${key}']`).toBeTruthy();
    expect(en, `accountsEn['${key}']`).toBeTruthy();
    expect(vi).not.toContain('{action}');
  });

  it('labels nothing else: every hist.action key is a citizen action (no stale labels)', () => {
    const labelled = Object.keys(accountsVi).filter((k) => k.startsWith('hist.action.')).map((k) => k.slice('hist.action.'.length));
    expect(labelled.sort()).toEqual([...CITIZEN_AUDIT_ACTIONS].sort());
  });

  it('the two lists are disjoint and have no duplicates', () => {
    const all = [...CITIZEN_AUDIT_ACTIONS, ...OTHER_AUDIT_ACTIONS];
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('officer audit panel labels', () => {
  it.each([...CITIZEN_AUDIT_ACTIONS, ...OTHER_AUDIT_ACTIONS])('%s has a Vietnamese and an English label in the console', (action) => {
    const key = `desk.action.${action}`;
    expect((officerVi as Record<string, string>)[key], `officerVi['${key}']`).toBeTruthy();
    expect((officerEn as Record<string, string>)[key], `officerEn['${key}']`).toBeTruthy();
  });
});
