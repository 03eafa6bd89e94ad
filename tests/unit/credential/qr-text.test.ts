import { describe, expect, it } from 'vitest';
import { deflate, inflate } from '../../../shared/credential/deflate';
import { encodeBase45 } from '../../../shared/credential/base45';
import {
  decodeQrText,
  encodeQrText,
  MAX_INFLATED_LENGTH,
  qrAlphanumericCapacity,
  qrVersionFor,
} from '../../../shared/credential/qr-text';

describe('QR text layer', () => {
  it('keeps incompressible bytes plain and compresses repetitive ones', async () => {
    const random = crypto.getRandomValues(new Uint8Array(300));
    const plain = await encodeQrText(random);
    expect(plain.startsWith('VN1:')).toBe(true);
    expect(await decodeQrText(plain)).toEqual(random);

    const repetitive = new Uint8Array(300).fill(7);
    const packed = await encodeQrText(repetitive);
    expect(packed.startsWith('VN1Z:')).toBe(true);
    expect(packed.length).toBeLessThan((await encodeQrText(repetitive, 'never')).length);
    expect(await decodeQrText(packed)).toEqual(repetitive);
  });

  it('refuses other prefixes, bad Base45, bad zlib and oversized text', async () => {
    expect(await decodeQrText('HC1:BB8')).toBeNull();
    expect(await decodeQrText('vn1:BB8')).toBeNull();
    expect(await decodeQrText('VN1:BB8A')).toBeNull();
    expect(await decodeQrText('VN1Z:BB8')).toBeNull(); // "AB" is not zlib
    expect(await decodeQrText('VN1:' + '0'.repeat(5000))).toBeNull();
    expect(await decodeQrText(42)).toBeNull();
    const z = await deflate(new Uint8Array(100).fill(1));
    z[z.length - 1]! ^= 1; // Adler-32
    expect(await decodeQrText('VN1Z:' + encodeBase45(z))).toBeNull();
    const truncated = (await deflate(new Uint8Array(100).fill(1))).subarray(0, 5);
    expect(await decodeQrText('VN1Z:' + encodeBase45(truncated))).toBeNull();
  });

  it('refuses zlib with data after its end, cut short anywhere, or a wrong Adler-32, though Node\'s DecompressionStream alone keeps data after the end', async () => {
    const presentation = new Uint8Array(200).map((_, i) => (i * 31) % 7);
    const z = await deflate(presentation);
    const text = (bytes: Uint8Array) => 'VN1Z:' + encodeBase45(bytes);
    expect(await decodeQrText(text(z))).toEqual(presentation);
    // Trailing junk; one zero byte; the Adler-32 written twice (the stream then still ends with
    // its own checksum); a second whole stream.
    for (const tail of [[0xde, 0xad], [0x00], [...z.subarray(-4)], [...z]]) {
      expect(await decodeQrText(text(new Uint8Array([...z, ...tail]))), `tail ${tail.length}`).toBeNull();
      expect(await inflate(new Uint8Array([...z, ...tail]), 1 << 20)).toBeNull();
    }
    for (let cut = 0; cut < z.length; cut++) expect(await inflate(z.slice(0, cut), 1 << 20), `cut at ${cut}`).toBeNull();
    for (let i = 1; i <= 4; i++) {
      const bad = z.slice();
      bad[bad.length - i]! ^= 0x10;
      expect(await decodeQrText(text(bad)), `Adler-32 byte ${i} from the end`).toBeNull();
    }
  });

  it('stops inflating a decompression bomb at the limit', async () => {
    const bomb = await deflate(new Uint8Array(MAX_INFLATED_LENGTH * 64));
    const text = 'VN1Z:' + encodeBase45(bomb);
    expect(text.length).toBeLessThan(4296);
    expect(await decodeQrText(text)).toBeNull();
  });

  it('knows the alphanumeric capacities at ECC M (ISO/IEC 18004 Table 7)', () => {
    expect(qrVersionFor(20, 'M')).toBe(1);
    expect(qrVersionFor(21, 'M')).toBe(2);
    expect(qrVersionFor(450, 'M')).toBe(13);
    expect(qrVersionFor(483, 'M')).toBe(13);
    expect(qrVersionFor(484, 'M')).toBe(14);
    expect(qrVersionFor(600, 'M')).toBe(15);
    expect(qrVersionFor(3391, 'M')).toBe(40);
    expect(qrVersionFor(3392, 'M')).toBeNull();
    // Cross-check the table against the data codewords: 4-bit mode, count indicator, 11 bits a pair.
    const dataCodewords: Record<number, [number, number]> = { 1: [16, 9], 13: [334, 11], 15: [415, 11], 27: [1128, 13], 40: [2334, 13] };
    for (const [version, [codewords, countBits]] of Object.entries(dataCodewords)) {
      const bits = codewords * 8 - 4 - countBits;
      const capacity = Math.floor(bits / 11) * 2 + (bits % 11 >= 6 ? 1 : 0);
      expect(qrAlphanumericCapacity(Number(version), 'M')).toBe(capacity);
    }
  });
});
