import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { EnrolStartRequest, FullName, IsoDate, maskIdNumber, maskPhone, Phone } from '../../shared/api';

describe('shared request schemas', () => {
  it('normalises Vietnamese mobile numbers to +84 in every common spelling', () => {
    for (const input of ['0912345678', '+84912345678', '84912345678', '091 234 5678', '091.234.5678', '091-234-5678']) {
      expect(v.parse(Phone, input)).toBe('+84912345678');
    }
  });
  it('refuses numbers that are not Vietnamese mobiles', () => {
    for (const input of ['0212345678', '091234567', '+1 415 555 0100', '', 'abc']) {
      expect(v.safeParse(Phone, input).success).toBe(false);
    }
  });
  it('keeps Vietnamese names (NFC, collapsed spaces) and refuses markup', () => {
    expect(v.parse(FullName, '  Trần   Thị Bích Ngọc ')).toBe('Trần Thị Bích Ngọc');
    // decomposed input (NFD, as some keyboards send) becomes NFC
    expect(v.parse(FullName, 'Nguyễn'.normalize('NFD') + ' An')).toBe('Nguyễn An');
    expect(v.safeParse(FullName, '<b>An</b>').success).toBe(false);
    expect(v.safeParse(FullName, 'A').success).toBe(false);
  });
  it('accepts only calendar dates that exist', () => {
    expect(v.safeParse(IsoDate, '2004-02-29').success).toBe(true);
    expect(v.safeParse(IsoDate, '2003-02-29').success).toBe(false);
    expect(v.safeParse(IsoDate, '1990-13-01').success).toBe(false);
    expect(v.safeParse(IsoDate, '12/05/1990').success).toBe(false);
  });
  it('validates a whole registration request and reports the field at fault', () => {
    const result = v.safeParse(EnrolStartRequest, { idNumber: '00109001234', fullName: 'Nguyễn Văn An', birthDate: '1990-05-12', phone: '0912345678' });
    expect(result.success).toBe(false);
    expect(result.success ? null : v.getDotPath(result.issues[0]!)).toBe('idNumber');
  });
  it('masks phone and ID numbers for display', () => {
    expect(maskPhone('+84912345678')).toBe('+84 9•• ••• 678');
    expect(maskIdNumber('079185004321')).toBe('0791•••••321');
  });
});
