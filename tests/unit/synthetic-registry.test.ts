import { describe, expect, it } from 'vitest';
import { DEMO_CITIZENS, PROVINCES, syntheticCitizen, syntheticPreviousIdCards } from '../../edge/registries/synthetic';
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
  it('keeps earlier ID cards: a CMND for most born before 2000, an earlier CCCD (the same number) for some, oldest first, before the chip card', () => {
    let before2000 = 0;
    let withCmnd = 0;
    let withCccd = 0;
    for (let i = 0; i < 3000; i++) {
      const c = syntheticCitizen(i);
      const cards = syntheticPreviousIdCards(c);
      expect(syntheticPreviousIdCards(c)).toEqual(cards); // deterministic
      const born2000 = c.birthDate >= '2000-01-01';
      if (!born2000) before2000++;
      const cmnd = cards.filter((k) => k.kind === 'CMND');
      const cccd = cards.filter((k) => k.kind === 'CCCD');
      if (born2000) expect(cmnd).toEqual([]);
      expect(cmnd.length).toBeLessThanOrEqual(1);
      expect(cccd.length).toBeLessThanOrEqual(1);
      if (cmnd.length) withCmnd++;
      if (cccd.length) withCccd++;
      for (const k of cmnd) expect(k.number).toMatch(/^\d{9}$/);
      for (const k of cccd) expect(k.number).toBe(c.idNumber);
      const dates = cards.map((k) => k.issueDate!);
      expect(dates).toEqual([...dates].sort());
      for (const d of dates) {
        expect(d >= '1976-01-01' && d < c.cardIssued).toBe(true);
        // Issued at 14 or older.
        expect(Number(d.slice(0, 4)) - Number(c.birthDate.slice(0, 4))).toBeGreaterThanOrEqual(14);
      }
      for (const k of cccd) expect(k.issueDate! >= '2016-01-01' && k.issueDate! < '2021-01-01').toBe(true);
    }
    expect(withCmnd / before2000).toBeGreaterThan(0.8);
    expect(withCccd / 3000).toBeGreaterThan(0.1);
    expect(withCccd / 3000).toBeLessThan(0.4);
  });
  it('gives the demo citizen Nguyễn Văn An a CMND and the CCCD his chip card replaced; the youngest demo citizens none', () => {
    const [an, , khang, , bao] = DEMO_CITIZENS;
    expect(syntheticPreviousIdCards(an!)).toEqual([
      { number: '013125697', kind: 'CMND', issueDate: '2006-08-15' },
      { number: '001090012345', kind: 'CCCD', issueDate: '2017-09-15' },
    ]);
    expect(syntheticPreviousIdCards(khang!)).toEqual([]);
    expect(syntheticPreviousIdCards(bao!)).toEqual([]);
  });
  it('matches names as a clerk would: case and spacing, not diacritics', () => {
    expect(sameName('Nguyễn Văn An', ' nguyễn  VĂN an')).toBe(true);
    expect(sameName('Nguyễn Văn An', 'Nguyen Van An')).toBe(false);
  });
});
