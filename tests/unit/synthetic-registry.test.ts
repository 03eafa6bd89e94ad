import { describe, expect, it } from 'vitest';
import { DEMO_CITIZENS, PROVINCES, syntheticCitizen } from '../../edge/registries/synthetic';
import { sameName } from '../../edge/domain/enrolment';

describe('the synthetic population registry', () => {
  it('is deterministic: the same index gives the same citizen', () => {
    expect(syntheticCitizen(1234)).toEqual(syntheticCitizen(1234));
    expect(syntheticCitizen(1234)).not.toEqual(syntheticCitizen(1235));
  });
  it('lays out ID numbers as the CCCD does: province ‖ century-and-sex ‖ year ‖ serial', () => {
    const codes = new Set(PROVINCES.map(([c]) => c));
    for (let i = 0; i < 2000; i++) {
      const c = syntheticCitizen(i);
      expect(c.idNumber).toMatch(/^\d{12}$/);
      expect(codes.has(c.idNumber.slice(0, 3))).toBe(true);
      const year = Number(c.birthDate.slice(0, 4));
      const centurySex = Number(c.idNumber[3]);
      expect(centurySex).toBe((year >= 2000 ? 2 : 0) + (c.sex === 'F' ? 1 : 0));
      expect(c.idNumber.slice(4, 6)).toBe(c.birthDate.slice(2, 4));
      expect(c.fullName.split(' ').length).toBeGreaterThanOrEqual(3);
      if (c.phone) expect(c.phone).toMatch(/^\+84[35789]\d{8}$/);
    }
  });
  it('never repeats an ID number across a large population', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(syntheticCitizen(i).idNumber);
    expect(seen.size).toBe(100_000);
  });
  it('has demo citizens whose ID numbers follow the same layout', () => {
    for (const c of DEMO_CITIZENS) {
      expect(Number(c.idNumber[3])).toBe((Number(c.birthDate.slice(0, 4)) >= 2000 ? 2 : 0) + (c.sex === 'F' ? 1 : 0));
    }
  });
  it('matches names as a clerk would: case and spacing, not diacritics', () => {
    expect(sameName('Nguyễn Văn An', ' nguyễn  VĂN an')).toBe(true);
    expect(sameName('Nguyễn Văn An', 'Nguyen Van An')).toBe(false);
  });
});
