import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { decodeCbor, encodeCbor } from '../../../shared/credential/cbor';
import { decodeCoseSign1, sigStructure, signCoseSign1, verifyCoseSign1 } from '../../../shared/credential/cose-sign1';
import { generateKeyPair } from './fixtures';

const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('COSE_Sign1 (RFC 9052 §4.2) with ES256', () => {
  it('signs and verifies; the layout is [h\'a10126\', {}, payload, sig(64)]', async () => {
    const { privateKey, publicKey } = await generateKeyPair();
    const payload = utf8('This is the content.');
    const bytes = await signCoseSign1({ payload, privateKey });
    // 84 array(4) · 43 a10126 bstr{1:-7} · a0 {} · 54 payload(20) · 5840 sig(64)
    expect(toHex(bytes.subarray(0, 7))).toBe('8443a10126a054');
    expect(bytes.length).toBe(1 + 4 + 1 + 21 + 2 + 64);
    const message = decodeCoseSign1(bytes)!;
    expect(message.payload).toEqual(payload);
    expect(message.kid).toBeNull();
    expect(await verifyCoseSign1(message, publicKey)).toBe(true);
  });

  it('puts kid and typ in the protected header', async () => {
    const { privateKey, publicKey } = await generateKeyPair();
    const kid = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const bytes = await signCoseSign1({ payload: utf8('x'), privateKey, kid, typ: 'application/statuslist+cwt' });
    const message = decodeCoseSign1(bytes)!;
    expect(message.kid).toEqual(kid);
    expect(message.typ).toBe('application/statuslist+cwt');
    expect(await verifyCoseSign1(message, publicKey)).toBe(true);
  });

  it('builds Sig_structure as ["Signature1", protected, external_aad, payload]', () => {
    const s = sigStructure(new Uint8Array([0xa1, 0x01, 0x26]), new Uint8Array([0x01]));
    // 84 · 6a "Signature1" · 43 a10126 · 40 · 41 01
    expect(toHex(s)).toBe('846a5369676e61747572653143a101264041' + '01');
  });

  it('fails verification with another key, another payload or another external AAD', async () => {
    const { privateKey, publicKey } = await generateKeyPair();
    const other = await generateKeyPair();
    const message = decodeCoseSign1(await signCoseSign1({ payload: utf8('a'), privateKey, externalAad: utf8('ctx') }))!;
    expect(await verifyCoseSign1(message, publicKey, utf8('ctx'))).toBe(true);
    expect(await verifyCoseSign1(message, publicKey)).toBe(false);
    expect(await verifyCoseSign1(message, other.publicKey, utf8('ctx'))).toBe(false);
    expect(await verifyCoseSign1({ ...message, payload: utf8('b') }, publicKey, utf8('ctx'))).toBe(false);
  });

  it('refuses messages outside the profile', async () => {
    const { privateKey } = await generateKeyPair();
    const good = decodeCoseSign1(await signCoseSign1({ payload: utf8('a'), privateKey }))!;
    const sig = good.signature;
    const build = (prot: unknown, unprot: unknown, payload: unknown, signature: unknown) =>
      decodeCoseSign1(encodeCbor([prot, unprot, payload, signature]));
    const es256 = encodeCbor(new Map([[1, -7]]));
    expect(build(es256, new Map(), utf8('a'), sig)).not.toBeNull();
    expect(build(encodeCbor(new Map([[1, -35]])), new Map(), utf8('a'), sig)).toBeNull(); // ES384
    expect(build(encodeCbor(new Map<number, unknown>([[1, -7], [2, [1]]])), new Map(), utf8('a'), sig)).toBeNull(); // crit
    expect(build(encodeCbor(new Map([[1, -7], [99, 1]])), new Map(), utf8('a'), sig)).toBeNull(); // unknown label
    expect(build(encodeCbor(new Map()), new Map(), utf8('a'), sig)).toBeNull(); // no alg
    expect(build(es256, new Map([[4, new Uint8Array(8)]]), utf8('a'), sig)).toBeNull(); // unprotected kid
    expect(build(es256, new Map(), null, sig)).toBeNull(); // detached payload
    expect(build(es256, new Map(), utf8('a'), sig.subarray(0, 63))).toBeNull();
    expect(decodeCoseSign1(encodeCbor([es256, new Map(), utf8('a')]))).toBeNull();
    expect(decodeCoseSign1(new Uint8Array([0xd2, ...encodeCbor([es256, new Map(), utf8('a'), sig])]))).toBeNull(); // tag 18
  });

  it('refuses non-deterministic encodings of the same message', async () => {
    const { privateKey } = await generateKeyPair();
    const bytes = await signCoseSign1({ payload: utf8('a'), privateKey });
    // Protected header {1: -7} written with a 1-byte length where none is needed: 58 03 instead of 43.
    const longForm = new Uint8Array([0x84, 0x58, 0x03, ...bytes.subarray(2)]);
    expect(decodeCoseSign1(longForm)).toBeNull();
    // Trailing bytes after the array.
    expect(decodeCoseSign1(new Uint8Array([...bytes, 0x00]))).toBeNull();
  });
});

/**
 * The reference reading of the profile, as the parser was first written: decode with the
 * strict general CBOR decoder, then demand that re-encoding gives back the same bytes. The
 * hand-written parser must accept exactly the same messages, with the same fields.
 */
function referenceDecode(bytes: Uint8Array) {
  const item = decodeCbor(bytes);
  if (!Array.isArray(item) || item.length !== 4) return null;
  const [prot, unprot, payload, signature] = item as unknown[];
  if (!(prot instanceof Uint8Array) || !(unprot instanceof Map) || unprot.size !== 0) return null;
  if (!(payload instanceof Uint8Array) || !(signature instanceof Uint8Array) || signature.length !== 64) return null;
  const header = decodeCbor(prot);
  if (!(header instanceof Map)) return null;
  for (const label of header.keys()) if (label !== 1 && label !== 4 && label !== 16) return null;
  if (header.get(1) !== -7) return null;
  const kid = header.has(4) ? header.get(4) : null;
  if (kid !== null && (!(kid instanceof Uint8Array) || kid.length === 0 || kid.length > 32)) return null;
  const typ = header.has(16) ? header.get(16) : null;
  if (typ !== null && typeof typ !== 'string') return null;
  const canonical = new Map<number, unknown>([[1, -7]]);
  if (kid) canonical.set(4, kid);
  if (typ !== null) canonical.set(16, typ);
  if (toHex(encodeCbor(canonical)) !== toHex(prot)) return null;
  if (toHex(encodeCbor([prot, new Map(), payload, signature])) !== toHex(bytes)) return null;
  return { protectedBytes: prot, kid, typ, payload, signature };
}

describe('the COSE_Sign1 parser reads exactly the deterministic form', () => {
  const signature = new Uint8Array(64).map((_, i) => i * 7);
  const message = (prot: Uint8Array, payload: Uint8Array) => encodeCbor([prot, new Map(), payload, signature]);
  const header = (kid?: Uint8Array, typ?: string) => {
    const map = new Map<number, unknown>([[1, -7]]);
    if (kid) map.set(4, kid);
    if (typ !== undefined) map.set(16, typ);
    return encodeCbor(map);
  };

  it('agrees with the decode-and-re-encode reading on every length boundary and header form', () => {
    const headers = [header(), header(new Uint8Array(8).fill(9)), header(undefined, 'application/statuslist+cwt'), header(new Uint8Array(32).fill(1), ''), header(new Uint8Array(1), 'é\uFEFF')];
    const summary = (m: ReturnType<typeof referenceDecode>) =>
      m && [toHex(m.protectedBytes), m.kid && toHex(m.kid as Uint8Array), m.typ, m.payload.length, toHex(m.payload.subarray(0, 4)), toHex(m.signature)];
    for (const [i, prot] of headers.entries()) {
      // The 2- and 4-byte lengths once (a 64 KiB message is slow to compare), the short ones for every header.
      for (const n of i === 0 ? [0, 1, 23, 24, 255, 256, 65_535, 65_536] : [0, 1, 23, 24, 255, 256]) {
        const bytes = message(prot, new Uint8Array(n).fill(0x5a));
        const parsed = decodeCoseSign1(bytes);
        expect(parsed).not.toBeNull();
        expect(summary(parsed)).toEqual(summary(referenceDecode(bytes)));
      }
    }
  });

  it('property: on mutated, truncated and extended messages it refuses and accepts exactly what the reference does', () => {
    const seeds = [message(header(new Uint8Array(8).fill(3)), new Uint8Array(200).fill(1)), message(header(undefined, 'a'), new Uint8Array(3)), message(header(), new Uint8Array(30))];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.integer({ min: -3, max: 3 }),
        (seed, edits, resize) => {
          let bytes = seed.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          if (resize < 0) bytes = bytes.subarray(0, bytes.length + resize);
          if (resize > 0) bytes = new Uint8Array([...bytes, ...new Uint8Array(resize)]);
          expect(decodeCoseSign1(bytes)).toEqual(referenceDecode(bytes));
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('refuses header forms outside the profile: labels out of order, duplicated, a kid of 33 bytes, a typ that is not UTF-8 or starts with a byte-order mark', () => {
    const outOfOrder = new Uint8Array([0xa2, 0x04, 0x41, 0x01, 0x01, 0x26]);
    const duplicated = new Uint8Array([0xa2, 0x01, 0x26, 0x01, 0x26]);
    const longKid = header(new Uint8Array(33));
    const badUtf8 = new Uint8Array([0xa2, 0x01, 0x26, 0x10, 0x61, 0xff]);
    const leadingBom = header(undefined, '\uFEFFa');
    for (const prot of [outOfOrder, duplicated, longKid, badUtf8, leadingBom]) {
      const bytes = message(prot, new Uint8Array(4));
      expect(decodeCoseSign1(bytes)).toBeNull();
      expect(referenceDecode(bytes)).toBeNull();
    }
  });

  it('the fields are copies: changing the input afterwards changes nothing', () => {
    const bytes = message(header(new Uint8Array(8).fill(3)), new Uint8Array([1, 2, 3]));
    const parsed = decodeCoseSign1(bytes)!;
    bytes.fill(0);
    expect(parsed.payload).toEqual(new Uint8Array([1, 2, 3]));
    expect(parsed.kid).toEqual(new Uint8Array(8).fill(3));
    expect(parsed.signature).toEqual(signature);
  });

  it('Sig_structure is what the CBOR encoder writes, for every length boundary and an external AAD', () => {
    for (const n of [0, 23, 24, 255, 256, 65_535, 65_536]) {
      const payload = new Uint8Array(n).fill(0x33);
      for (const aad of [new Uint8Array(0), new Uint8Array(24).fill(1)]) {
        expect(toHex(sigStructure(header(new Uint8Array(8)), payload, aad))).toBe(toHex(encodeCbor(['Signature1', header(new Uint8Array(8)), aad, payload])));
      }
    }
  });
});
