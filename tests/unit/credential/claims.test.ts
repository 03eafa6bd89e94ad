import { describe, expect, it } from 'vitest';
import {
  dateToDays,
  daysToDate,
  decodeDigits,
  DOC_TYPE_NAMES,
  DOCUMENT_TYPES,
  encodeDigits,
  projectView,
  viewFields,
} from '../../../shared/credential';
import { decodeDocumentData, encodeDocumentData } from '../../../shared/credential/claims';
import { EID_CARD, SAMPLE_DOCUMENTS, T0 } from './fixtures';

describe('digits (packed BCD)', () => {
  it('keeps leading zeros and packs two digits a byte', () => {
    expect(encodeDigits('079203001234')).toEqual(new Uint8Array([0x07, 0x92, 0x03, 0x00, 0x12, 0x34]));
    expect(decodeDigits(new Uint8Array([0x07, 0x92, 0x03, 0x00, 0x12, 0x34]))).toBe('079203001234');
  });
  it('pads an odd count with a final 0xF nibble (9-digit CMND)', () => {
    expect(encodeDigits('025123456')).toEqual(new Uint8Array([0x02, 0x51, 0x23, 0x45, 0x6f]));
    expect(decodeDigits(new Uint8Array([0x02, 0x51, 0x23, 0x45, 0x6f]))).toBe('025123456');
  });
  it('refuses non-digits and misplaced or invalid nibbles', () => {
    expect(encodeDigits('12a')).toBeNull();
    expect(encodeDigits('')).toBeNull();
    expect(decodeDigits(new Uint8Array([0x1a]))).toBeNull();
    expect(decodeDigits(new Uint8Array([0xf1]))).toBeNull();
    expect(decodeDigits(new Uint8Array([0x1f, 0x23]))).toBeNull(); // pad before the end
    expect(decodeDigits(new Uint8Array([]))).toBeNull();
  });
});

describe('dates (days since 1970-01-01)', () => {
  it('maps dates both ways, before 1970 too', () => {
    expect(dateToDays('1970-01-01')).toBe(0);
    expect(dateToDays('2003-08-15')).toBe(12_279);
    expect(dateToDays('1945-09-02')).toBe(-8_887);
    expect(daysToDate(-8_887)).toBe('1945-09-02');
    expect(daysToDate(dateToDays('2024-02-29')!)).toBe('2024-02-29');
  });
  it('refuses impossible dates', () => {
    expect(dateToDays('2023-02-29')).toBeNull();
    expect(dateToDays('2024-13-01')).toBeNull();
    expect(dateToDays('24-01-01')).toBeNull();
    expect(dateToDays('0000-01-01')).toBeNull();
    expect(daysToDate(1.5)).toBeNull();
    expect(daysToDate(10_000_000)).toBeNull();
  });
});

describe('document types and views', () => {
  it('has unique codes and, within each type, unique one-byte keys', () => {
    const codes = DOC_TYPE_NAMES.map((name) => DOCUMENT_TYPES[name].code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const name of DOC_TYPE_NAMES) {
      const keys = Object.values(DOCUMENT_TYPES[name].fields).map((f) => f.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const key of keys) expect(key).toBeLessThan(24); // one-byte CBOR uint
    }
  });

  it('defines basic as ID number, name, date of birth and sex only', () => {
    expect(viewFields('eid_card', 'basic')).toEqual(['idNumber', 'fullName', 'birthDate', 'sex']);
    expect(viewFields('eid_card', 'age_over_18')).toEqual(['ageOver18']);
    expect(viewFields('eid_card', 'full')).not.toContain('ageOver18');
    expect(viewFields('driving_licence', 'basic')).toEqual([]);
  });

  it('projects age_over_18 from the date of birth at iat, 18th birthday inclusive', () => {
    const birthday18 = Date.UTC(2021, 7, 15);
    expect(projectView('eid_card', 'age_over_18', EID_CARD, birthday18)).toEqual({ ageOver18: true });
    expect(projectView('eid_card', 'age_over_18', EID_CARD, birthday18 - 1)).toEqual({ ageOver18: false });
    expect(projectView('eid_card', 'age_over_18', { birthDate: '2004-02-29' }, Date.UTC(2022, 2, 1))).toEqual({ ageOver18: true });
    expect(projectView('eid_card', 'age_over_18', { birthDate: '2004-02-29' }, Date.UTC(2022, 1, 28))).toEqual({ ageOver18: false });
    expect(() => projectView('driving_licence', 'basic', {}, T0)).toThrow(RangeError);
  });

  it('round-trips the full data of every sample document', () => {
    for (const docType of DOC_TYPE_NAMES) {
      const data = SAMPLE_DOCUMENTS[docType] as Record<string, unknown>;
      const encoded = encodeDocumentData(docType, 'full', data);
      expect(decodeDocumentData(docType, 'full', encoded)).toEqual(data);
    }
  });

  it('refuses at issuance what a verifier would refuse', () => {
    expect(() => encodeDocumentData('eid_card', 'full', { nickname: 'x' })).toThrow(/unknown field/);
    expect(() => encodeDocumentData('eid_card', 'basic', { permanentAddress: 'x', fullName: 'A' })).toThrow(/not in the view/);
    expect(() => encodeDocumentData('eid_card', 'basic', { idNumber: '0792' })).toThrow(/fullName is required/);
    expect(() => encodeDocumentData('eid_card', 'full', { idNumber: '07920300123A' })).toThrow(/invalid digits/);
    expect(() => encodeDocumentData('eid_card', 'full', { birthDate: '2003-02-30' })).toThrow(/invalid date/);
    expect(() => encodeDocumentData('eid_card', 'full', { sex: 'M' })).toThrow(/invalid enum/);
    expect(() => encodeDocumentData('eid_card', 'full', { fullName: 'a\uD800b' })).toThrow(/invalid text/);
    expect(() =>
      encodeDocumentData('eid_card', 'full', { previousIds: [{ number: '1', kind: 'CMND', colour: 'x' }] }),
    ).toThrow(/unknown element/);
  });

  it('decodes only what the declared view allows and ignores unknown keys', () => {
    const basic = encodeDocumentData('eid_card', 'basic', { fullName: 'A', idNumber: '079303001234' });
    expect(decodeDocumentData('eid_card', 'basic', new Map([...basic, [20, 'future field']]))).toEqual({
      fullName: 'A',
      idNumber: '079303001234',
    });
    // A known field outside the view (address in a basic view) is refused, not dropped.
    expect(decodeDocumentData('eid_card', 'basic', new Map([...basic, [7, 'Số 1']]))).toBeNull();
    expect(decodeDocumentData('eid_card', 'age_over_18', new Map([[18, 1]]))).toBeNull();
    expect(decodeDocumentData('eid_card', 'age_over_18', new Map())).toBeNull();
    expect(decodeDocumentData('eid_card', 'full', new Map([[3, 'x']]))).toBeNull();
    expect(decodeDocumentData('eid_card', 'full', new Map([['1', 'x']]))).toBeNull();
  });

  it('chooses packed text only where it is shorter than UTF-8', () => {
    const encoded = encodeDocumentData('vehicle_registration', 'full', { fullName: 'Nguyễn Thị Minh Khai', plate: '59X3-123.45' });
    expect(encoded.get(2)).toBeInstanceOf(Uint8Array);
    expect(encoded.get(8)).toBe('59X3-123.45');
  });
});
