import { describe, expect, it } from 'vitest';
import {
  buildTrustList,
  createStatusBits,
  getStatus,
  issuerKid,
  packStatuses,
  setStatus,
  signCoseSign1,
  signStatusList,
  STATUS_LIST_TYP,
  verifyStatusList,
} from '../../../shared/credential';
import { fromBase64Url } from '../../../shared/bytes';
import { decodeCbor } from '../../../shared/credential/cbor';
import { decodeCoseSign1 } from '../../../shared/credential/cose-sign1';
import { inflate } from '../../../shared/credential/deflate';
import { DAY, generateKeyPair, makeWorld, T0, YEAR } from './fixtures';

describe('status bits (2 per entry, least significant first)', () => {
  it('lays entries out as draft-ietf-oauth-status-list §4.1 says', () => {
    const bits = packStatuses([1, 2, 0, 3, 0, 3, 0, 1, 1, 2, 3, 3]);
    // byte 0 = s0 | s1<<2 | s2<<4 | s3<<6 = 1 | 8 | 0 | 192
    expect([...bits]).toEqual([0xc9, 0x4c, 0xf9]);
    expect(getStatus(bits, 3)).toBe(3);
    expect(getStatus(bits, 9)).toBe(2);
    expect(getStatus(bits, 12)).toBeNull();
    expect(getStatus(bits, -1)).toBeNull();
  });

  it('sets and clears entries without touching neighbours', () => {
    const bits = createStatusBits(10);
    expect(bits.length).toBe(3);
    setStatus(bits, 5, 2);
    setStatus(bits, 6, 1);
    setStatus(bits, 5, 0);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => getStatus(bits, i))).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
    expect(() => setStatus(bits, 12, 1)).toThrow(RangeError);
  });
});

describe('Status List Token', () => {
  it('signs, verifies and compresses a mostly-valid list of a million entries small', async () => {
    const world = await makeWorld();
    const bits = createStatusBits(1_000_000);
    for (let i = 0; i < 1_000_000; i += 997) setStatus(bits, i, 1);
    const token = await signStatusList({ issuerKey: world.issuerKeys.privateKey, kid: world.kid, issuer: 'VN', uri: 'https://id.example.vn/status/1', iat: T0, exp: T0 + DAY, bits });
    expect(token.length).toBeLessThan(20_000);
    const result = await verifyStatusList(token, world.trust, T0 + 1000);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.list.size).toBe(1_000_000);
    expect(result.list.issuer).toBe('VN');
    expect(result.list.uri).toBe('https://id.example.vn/status/1');
    expect(result.list.expiresAt).toBe(T0 + DAY);
    expect(getStatus(result.list, 997)).toBe(1);
    expect(getStatus(result.list, 998)).toBe(0);
  });

  it('uses the draft\'s CWT layout: typ header, sub, iat, exp, ttl and {"bits": 2, "lst": zlib}', async () => {
    const world = await makeWorld();
    const cose = decodeCoseSign1(world.statusBytes)!;
    expect(cose.typ).toBe('application/statuslist+cwt');
    const claims = decodeCbor(cose.payload) as Map<number, unknown>;
    expect([...claims.keys()].sort((x, y) => x - y)).toEqual([1, 2, 4, 6, 65533, 65534]);
    const list = claims.get(65533) as Map<string, unknown>;
    expect(list.get('bits')).toBe(2);
    const lst = list.get('lst') as Uint8Array<ArrayBuffer>;
    expect(lst[0]).toBe(0x78); // zlib header (RFC 1950: CM 8, 32K window)
    const bits = (await inflate(lst, 1 << 20))!;
    expect(getStatus(bits, 6)).toBe(1);
    expect(getStatus(bits, 7)).toBe(2);
  });

  it('refuses tampered, unknown, expired, future and mistyped tokens', async () => {
    const world = await makeWorld();
    const flipped = world.statusBytes.slice();
    flipped[flipped.length - 10]! ^= 1;
    expect(await verifyStatusList(flipped, world.trust, T0)).toEqual({ ok: false, error: 'tampered' });
    expect(await verifyStatusList(world.statusBytes, { keys: [] }, T0)).toEqual({ ok: false, error: 'unknown_issuer' });
    expect(await verifyStatusList(world.statusBytes, world.trust, T0 + 3 * DAY)).toEqual({ ok: false, error: 'expired' });
    expect(await verifyStatusList(world.statusBytes, world.trust, T0 - DAY)).toEqual({ ok: false, error: 'not_yet_valid' });
    const credential = await world.issue();
    expect(await verifyStatusList(credential, world.trust, T0)).toEqual({ ok: false, error: 'wrong_format' });
    expect(await verifyStatusList(new Uint8Array([1, 2, 3]), world.trust, T0)).toEqual({ ok: false, error: 'wrong_format' });
  });

  it('refuses a genuinely signed token whose claims are not in the deterministic encoding (FORMAT.md §2)', async () => {
    const world = await makeWorld();
    const claims = decodeCoseSign1(world.statusBytes)!.payload;
    // "bits": 2 → "bits": 2.0 as a float16 (f9 4000), which a lax decoder reads as 2.
    const bitsAt = Buffer.from(claims).indexOf(Buffer.from([0x64, 0x62, 0x69, 0x74, 0x73, 0x02]));
    expect(bitsAt).toBeGreaterThan(0);
    const floatBits = new Uint8Array([...claims.subarray(0, bitsAt + 5), 0xf9, 0x40, 0x00, ...claims.subarray(bitsAt + 6)]);
    const sign = (payload: Uint8Array<ArrayBuffer>) =>
      signCoseSign1({ payload, privateKey: world.issuerKeys.privateKey, kid: fromBase64Url(world.kid)!, typ: STATUS_LIST_TYP });
    expect((await verifyStatusList(await sign(claims), world.trust, T0)).ok).toBe(true);
    expect(await verifyStatusList(await sign(floatBits), world.trust, T0)).toEqual({ ok: false, error: 'wrong_format' });
  });

  it('is refused when signed by a trusted key of another issuer window', async () => {
    const other = await generateKeyPair();
    const trust = await buildTrustList([{ publicKey: other.publicKey, notBefore: T0, notAfter: T0 + YEAR }]);
    const token = await signStatusList({ issuerKey: other.privateKey, kid: await issuerKid(other.publicKey), issuer: 'VN', uri: 'u', iat: T0 - DAY, bits: createStatusBits(4) });
    expect(await verifyStatusList(token, trust, T0)).toEqual({ ok: false, error: 'unknown_issuer' });
  });
});
