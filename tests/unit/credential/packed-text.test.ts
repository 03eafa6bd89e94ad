import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { PACKED_TEXT_TABLE, packText, unpackText } from '../../../shared/credential/packed-text';
import { SAMPLE_DOCUMENTS } from './fixtures';

describe('packed text (static Huffman, FORMAT.md §Packed text)', () => {
  it('is a complete prefix code: Kraft sum exactly 1, no duplicate symbols, one ESC', () => {
    let kraft = 0;
    const seen = new Set<string | null>();
    for (const [length, symbols] of PACKED_TEXT_TABLE) {
      for (const symbol of symbols) {
        expect(seen.has(symbol)).toBe(false);
        seen.add(symbol);
        kraft += 2 ** -length;
      }
    }
    expect(kraft).toBe(1);
    expect(seen.has(null)).toBe(true);
    // Padding is a prefix of the all-ones code: it must be longer than 7 bits.
    expect(PACKED_TEXT_TABLE.at(-1)![0]).toBeGreaterThanOrEqual(8);
  });

  it('packs realistic Vietnamese text to about a third of UTF-8', () => {
    const cases = [
      'Nguyễn Thị Minh Khai',
      'Số 12 Đường Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
      'Xã Tân Phú Trung, Huyện Củ Chi, TP. Hồ Chí Minh',
    ];
    let packed = 0;
    let plain = 0;
    for (const text of cases) {
      const bytes = packText(text);
      expect(unpackText(bytes)).toBe(text);
      packed += bytes.length;
      plain += utf8(text).length;
    }
    expect(packed / plain).toBeLessThan(0.4);
  });

  it('round-trips every text of the sample documents', () => {
    const texts = JSON.stringify(SAMPLE_DOCUMENTS).match(/"[^"]*"/g)!.map((s) => JSON.parse(s) as string);
    for (const text of texts) expect(unpackText(packText(text))).toBe(text);
  });

  it('round-trips any string through ESC, astral characters included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        expect(unpackText(packText(text))).toBe(text);
      }),
    );
    expect(unpackText(packText('Ñandú 😀 \n\u0000'))).toBe('Ñandú 😀 \n\u0000');
  });

  it('writes the padding as 1-bits and refuses any other padding', () => {
    const bytes = packText('a'); // 'a' has a 5-bit code: 3 bits of padding
    expect(bytes.length).toBe(1);
    expect(bytes[0]! & 0b111).toBe(0b111);
    const twoSpaces = packText('  '); // ' ' has the 3-bit code 000: 6 bits, then 2 bits of padding
    expect(twoSpaces).toEqual(new Uint8Array([0b000000_11]));
    expect(unpackText(new Uint8Array([0b000000_00]))).toBeNull(); // 0-bits are not padding
    expect(unpackText(new Uint8Array([0b000000_11]))).toBe('  ');
    expect(unpackText(new Uint8Array([0xff]))).toBeNull(); // 8 bits of padding
    expect(unpackText(new Uint8Array([]))).toBe('');
  });

  it('refuses an ESC without its 21 bits or with a surrogate', () => {
    // Find the ESC code and write it followed by a surrogate code point.
    const escLength = PACKED_TEXT_TABLE.find(([, symbols]) => symbols.includes(null))![0];
    const text = packText('\u{E000}'); // private use: not in the table, so ESC + 21 bits
    expect(text.length).toBe(Math.ceil((escLength + 21) / 8));
    expect(unpackText(text)).toBe('\u{E000}');
    expect(unpackText(text.subarray(0, 2))).toBeNull();
    // Same ESC, code point D800 (a surrogate) instead of E000: bits escLength.. are 0x0E000 → 0x0D800.
    const bits = [...text].flatMap((b) => [7, 6, 5, 4, 3, 2, 1, 0].map((k) => (b >> k) & 1));
    const cp = 0xd800;
    for (let k = 0; k < 21; k++) bits[escLength + k] = (cp >> (20 - k)) & 1;
    const surrogate = new Uint8Array(text.length).map((_, i) => bits.slice(i * 8, i * 8 + 8).reduce((a, b) => (a << 1) | b, 0));
    expect(unpackText(surrogate)).toBeNull();
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = unpackText(bytes);
        if (text !== null) expect(typeof text).toBe('string');
      }),
    );
  });
});
