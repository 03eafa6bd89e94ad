import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { encodeCbor } from '../../../shared/credential/cbor';
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
