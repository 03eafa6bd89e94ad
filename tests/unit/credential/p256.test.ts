import { describe, expect, it } from 'vitest';
import { compressP256, decompressP256, importCompressedP256, importsCompressedP256 } from '../../../shared/credential/p256';
import { generateKeyPair, rawPublicKey } from './fixtures';

describe('P-256 point compression (SEC 1 §2.3.3–2.3.4)', () => {
  it('round-trips 200 random WebCrypto keys, both y parities', async () => {
    const parities = new Set<boolean>();
    for (let i = 0; i < 200; i++) {
      const raw = await rawPublicKey((await generateKeyPair()).publicKey);
      const compressed = compressP256(raw);
      expect(compressed).not.toBeNull();
      expect(compressed!.x).toEqual(raw.subarray(1, 33));
      expect(compressed!.yOdd).toBe((raw[64]! & 1) === 1);
      parities.add(compressed!.yOdd);
      expect(decompressP256(compressed!.x, compressed!.yOdd)).toEqual(raw);
    }
    expect(parities.size).toBe(2);
  });

  it('recovers the generator G from its x-coordinate (FIPS 186-4 D.1.2.3)', () => {
    const gx = hex('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296');
    const gy = hex('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5');
    const g = decompressP256(gx, (gy[31]! & 1) === 1)!;
    expect(g.subarray(33)).toEqual(gy);
    // The other parity is the negated point: p − y.
    expect(decompressP256(gx, (gy[31]! & 1) === 0)!.subarray(33)).not.toEqual(gy);
  });

  it('decompressed keys import into WebCrypto', async () => {
    const raw = await rawPublicKey((await generateKeyPair()).publicKey);
    const c = compressP256(raw)!;
    const key = await crypto.subtle.importKey('raw', decompressP256(c.x, c.yOdd)!, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    expect(new Uint8Array((await crypto.subtle.exportKey('raw', key)) as ArrayBuffer)).toEqual(raw);
  });

  it('refuses x-coordinates with no point and values outside the field', () => {
    // x = 0: 0 − 0 + b is not a square mod p... check a few small x until one has no root.
    let refused = 0;
    for (let i = 0; i < 20; i++) {
      const x = new Uint8Array(32);
      x[31] = i;
      if (decompressP256(x, false) === null) refused++;
    }
    expect(refused).toBeGreaterThan(3); // about half of all x have no point
    expect(decompressP256(new Uint8Array(32).fill(0xff), false)).toBeNull(); // x ≥ p
    expect(decompressP256(new Uint8Array(31), false)).toBeNull();
  });

  it('refuses to compress what is not an uncompressed point on the curve', async () => {
    const raw = await rawPublicKey((await generateKeyPair()).publicKey);
    const offCurve = raw.slice();
    offCurve[64]! ^= 1;
    expect(compressP256(offCurve)).toBeNull();
    expect(compressP256(raw.subarray(0, 64))).toBeNull();
    const wrongPrefix = raw.slice();
    wrongPrefix[0] = 0x02;
    expect(compressP256(wrongPrefix)).toBeNull();
  });
});

describe('importing a compressed point for verifying', () => {
  const data = new Uint8Array([1, 2, 3]);
  const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const;

  it('Node imports SEC 1 compressed points itself, so the verifier skips the square root on BigInt', async () => {
    expect(await importsCompressedP256()).toBe(true);
  });

  it('the platform path and the BigInt path give the same key for 100 random points, both parities', async () => {
    for (let i = 0; i < 100; i++) {
      const pair = await generateKeyPair();
      const c = compressP256(await rawPublicKey(pair.publicKey))!;
      const signature = await crypto.subtle.sign(ECDSA, pair.privateKey, data);
      for (const native of [true, false]) {
        // Not extractable: the point is proved by a signature it verifies.
        const key = await importCompressedP256(c.x, c.yOdd, native);
        expect(key).not.toBeNull();
        expect(await crypto.subtle.verify(ECDSA, key!, signature, data)).toBe(true);
        // The other parity is the negated point: another key, and the signature fails.
        const negated = await importCompressedP256(c.x, !c.yOdd, native);
        expect(await crypto.subtle.verify(ECDSA, negated!, signature, data)).toBe(false);
      }
    }
  });

  it('both paths refuse the same x: no point, x ≥ p (a second encoding of a point), wrong length', async () => {
    const p = hex('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const x = new Uint8Array(32);
      x[30] = i;
      x[31] = 0x5b;
      const expected = decompressP256(x, false) === null;
      if (expected) refused++;
      expect((await importCompressedP256(x, false, true)) === null).toBe(expected);
      expect((await importCompressedP256(x, false, false)) === null).toBe(expected);
    }
    expect(refused).toBeGreaterThan(5);
    // p + 5 ≡ 5, which is on the curve: the platform might reduce it; the import must not.
    const pPlus5 = hex('ffffffff00000001000000000000000000000001000000000000000000000004');
    expect(BigInt('0x' + [...pPlus5].map((b) => b.toString(16).padStart(2, '0')).join(''))).toBe(BigInt('0x' + [...p].map((b) => b.toString(16).padStart(2, '0')).join('')) + 5n);
    expect(decompressP256(hex('0000000000000000000000000000000000000000000000000000000000000005'), false)).not.toBeNull();
    for (const native of [true, false]) {
      expect(await importCompressedP256(pPlus5, false, native)).toBeNull();
      expect(await importCompressedP256(p, false, native)).toBeNull();
      expect(await importCompressedP256(new Uint8Array(31), false, native)).toBeNull();
    }
  });
});

function hex(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(text.match(/../g)!.map((h) => parseInt(h, 16)));
}
