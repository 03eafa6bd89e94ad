/**
 * The CBOR layer reads only the deterministic encoding FORMAT.md §2 prescribes (RFC 8949
 * §4.2.1): each value has one byte form, so every verifier built from the document agrees on
 * what a signed payload says.
 */
import { decode, encode, rfc8949EncodeOptions } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor, isDeterministicCbor } from '../../../shared/credential/cbor';

const hex = (text: string) => new Uint8Array((text.replace(/\s+/g, '').match(/../g) ?? []).map((b) => parseInt(b, 16)));
const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The values the format's payloads are made of. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.maxSafeInteger(),
    fc.integer({ min: -30, max: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.startsWith('\uFEFF')),
    fc.uint8Array({ maxLength: 30 }),
    fc.constantFrom(true, false, null),
    fc.array(tie('item'), { maxLength: 4 }),
    fc
      .uniqueArray(fc.tuple(fc.oneof(fc.integer({ min: -70_000, max: 70_000 }), fc.string({ maxLength: 4 })), tie('item')), {
        maxLength: 5,
        selector: ([key]) => key,
      })
      .map((entries) => new Map(entries)),
  ),
})).item;

/** Whether every map key in a decoded value is a number or a string (FORMAT.md §2, rule 9). */
function keysAreIntegersOrText(value: unknown): boolean {
  if (value instanceof Map) return [...value].every(([k, v]) => (typeof k === 'number' || typeof k === 'string') && keysAreIntegersOrText(v));
  if (Array.isArray(value)) return value.every(keysAreIntegersOrText);
  return true;
}

/**
 * The reading the check must match: decode with cborg's strict options (shortest forms, no
 * tags, no undefined, no big integers), keys only integers or text, and demand that
 * re-encoding gives back the same bytes. That catches unsorted keys, floats (an integral one
 * decodes to an integer and re-encodes as one) and text cborg changes on decoding (invalid
 * UTF-8, a leading byte-order mark).
 */
function referenceIsDeterministic(bytes: Uint8Array): boolean {
  let decoded: unknown;
  try {
    decoded = decode(bytes, { strict: true, allowIndefinite: false, allowUndefined: false, allowBigInt: false, rejectDuplicateMapKeys: true, useMaps: true, tags: [] });
    if (!keysAreIntegersOrText(decoded)) return false;
    return toHex(encodeCbor(decoded)) === toHex(bytes);
  } catch {
    return false;
  }
}

describe('deterministic CBOR', () => {
  it('property: whatever the encoder writes is deterministic and decodes back to the same value', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCbor(v);
        expect(isDeterministicCbor(bytes)).toBe(true);
        expect(encodeCbor(decodeCbor(bytes))).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: on mutated, truncated and extended encodings it accepts exactly what the decode-and-re-encode reading accepts', () => {
    fc.assert(
      fc.property(
        value,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.integer({ min: -2, max: 2 }),
        (v, edits, resize) => {
          let bytes = encodeCbor(v);
          for (const [at, b] of edits) bytes[at % bytes.length] = b;
          if (resize < 0) bytes = bytes.subarray(0, Math.max(0, bytes.length + resize));
          if (resize > 0) bytes = new Uint8Array([...bytes, ...new Uint8Array(resize)]);
          expect(isDeterministicCbor(bytes)).toBe(referenceIsDeterministic(bytes));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('accepts the boundaries: each head size at its smallest value, ±(2^53 − 1), false/true/null, empty containers', () => {
    for (const text of ['17', '1818', '18ff', '190100', '1a00010000', '1b0000000100000000', '1b001fffffffffffff', '3b001ffffffffffffe', '37', '3818', 'f4', 'f5', 'f6', '80', 'a0', '40', '60', '5818' + '00'.repeat(24)]) {
      expect(isDeterministicCbor(hex(text)), text).toBe(true);
    }
  });

  const refused: [string, string][] = [
    ['map keys out of order: {2: 0, 1: 0}', 'a2 02 00 01 00'],
    ['map keys in length-first (RFC 7049 canonical) instead of bytewise order: {-1: 0, 24: 0}', 'a2 20 00 1818 00'],
    ['text keys out of bytewise order: {"b": 0, "a": 0}', 'a2 6162 00 6161 00'],
    ['a duplicate map key: {1: 0, 1: 1}', 'a2 01 00 01 01'],
    ['an integer written in a longer head: 5 as 18 05', '1805'],
    ['an integer in 2 bytes that fits 1: 19 00 ff', '1900ff'],
    ['an integer in 8 bytes that fits 4: 1b 00000000 ffffffff', '1b00000000ffffffff'],
    ['a length in a longer head: bstr(1) as 58 01', '580100'],
    ['an integral float64 time: 1740816000.0', 'fb41d9f0afa0000000'],
    ['a float16 zero', 'f90000'],
    ['a float32', 'fa3f800000'],
    ['NaN', 'f97e00'],
    ['undefined', 'f7'],
    ['a simple value other than false/true/null', 'f0'],
    ['a one-byte simple value', 'f820'],
    ['a bare break', 'ff'],
    ['an indefinite-length byte string', '5f4101ff'],
    ['an indefinite-length array', '9f01ff'],
    ['an indefinite-length map', 'bf0101ff'],
    ['a tag (1, epoch time) on an integer', 'c11a67c2bf80'],
    ['a tag (18, COSE_Sign1) on an array', 'd28400'],
    ['a reserved additional information value', '1c'],
    ['2^53 (beyond the safe integers)', '1b0020000000000000'],
    ['−2^53', '3b001fffffffffffff'],
    ['text that is not UTF-8 (a lone continuation byte)', '6180'],
    ['text with an overlong encoding of "/"', '62c0af'],
    ['text with a UTF-16 surrogate', '63eda080'],
    ['text cut inside a character', '62e1bb'],
    ['text starting with a byte-order mark', '64efbbbf61'],
    ['trailing bytes after the item', '0100'],
    ['two items', '0101'],
    ['nothing', ''],
    ['an array whose count exceeds the bytes left', '9affffffff00'],
    ['a map cut after a key', 'a101'],
    ['a byte-string key (rule 9)', 'a1 4101 00'],
    ['an array key', 'a1 8101 00'],
    ['a map key that is a map (found by the property test: cborg cannot even re-encode it)', 'a2 39 0100 44 63202020 a1 190100 f5 00'],
  ];

  it.each(refused)('refuses %s', (_name, text) => {
    const bytes = hex(text);
    expect(isDeterministicCbor(bytes)).toBe(false);
    expect(decodeCbor(bytes)).toBeUndefined();
  });

  it('refuses the float time the audit found, which cborg alone decodes to the same integer', () => {
    const float = new Uint8Array(9);
    float[0] = 0xfb;
    new DataView(float.buffer).setFloat64(1, 1_740_816_000);
    const payload = new Uint8Array([0xa1, 0x02, ...float]);
    expect(decode(payload, { strict: true, useMaps: true })).toEqual(new Map([[2, 1_740_816_000]]));
    expect(decodeCbor(payload)).toBeUndefined();
  });

  it('nests deeply without recursion: 100,000 arrays deep is one answer, not a stack overflow', () => {
    const deep = new Uint8Array(100_001).fill(0x81);
    deep[100_000] = 0x00;
    expect(isDeterministicCbor(deep)).toBe(true);
    expect(isDeterministicCbor(deep.subarray(0, 100_000))).toBe(false);
  });

  it('the encoder sorts map keys bytewise (RFC 8949), which is what the check demands', () => {
    const bytes = encode(new Map<unknown, unknown>([[24, 0], [-1, 0], ['b', 0], ['a', 0]]), rfc8949EncodeOptions);
    expect(toHex(bytes)).toBe('a4' + '181800' + '2000' + '616100' + '616200');
    expect(isDeterministicCbor(bytes)).toBe(true);
  });
});
