import { describe, expect, it } from 'vitest';
import {
  buildTrustList,
  createStatusBits,
  getStatus,
  issuerKid,
  packStatuses,
  PART_SIZE,
  parseStatusListManifest,
  recheckStatusList,
  setStatus,
  signCoseSign1,
  signStatusList,
  STATUS_LIST_TYP,
  statusListsOf,
  statusPartOf,
  verifyStatusList,
  type TrustList,
} from '../../../shared/credential';
import { fromBase64Url } from '../../../shared/bytes';
import { decodeCbor, encodeCbor } from '../../../shared/credential/cbor';
import { decodeCoseSign1 } from '../../../shared/credential/cose-sign1';
import { deflate, inflate } from '../../../shared/credential/deflate';
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

describe('status list in parts (FORMAT.md §9.1)', () => {
  it('places index i in part ⌊i / 2^20⌋ at offset i mod 2^20, beyond 32 bits too', () => {
    expect(PART_SIZE).toBe(1_048_576);
    expect(statusPartOf(0)).toEqual({ part: 0, offset: 0 });
    expect(statusPartOf(PART_SIZE - 1)).toEqual({ part: 0, offset: PART_SIZE - 1 });
    expect(statusPartOf(PART_SIZE)).toEqual({ part: 1, offset: 0 });
    expect(statusPartOf(3 * PART_SIZE + 7)).toEqual({ part: 3, offset: 7 });
    expect(statusPartOf(2 ** 40 + 5)).toEqual({ part: 2 ** 20, offset: 5 });
  });

  it('carries its part and version as private claims -65538 and -65539; a token without them is part 0 of unknown version', async () => {
    const world = await makeWorld();
    expect(world.statusList.part).toBe(0);
    expect(world.statusList.version).toBeNull();
    const bits = createStatusBits(PART_SIZE);
    setStatus(bits, PART_SIZE - 1, 2);
    const token = await signStatusList({ issuerKey: world.issuerKeys.privateKey, kid: world.kid, issuer: 'VN', uri: 'https://id.example.vn/.well-known/vneid/status-list/3', iat: T0, part: 3, version: 42, bits });
    const claims = decodeCbor(decodeCoseSign1(token)!.payload) as Map<number, unknown>;
    expect(claims.get(-65538)).toBe(3);
    expect(claims.get(-65539)).toBe(42);
    const result = await verifyStatusList(token, world.trust, T0);
    expect(result.ok && [result.list.part, result.list.version, result.list.size, getStatus(result.list, PART_SIZE - 1)]).toEqual([3, 42, PART_SIZE, 2]);
    // A full part of valid entries is small: what an issuer publishes for a part with few changes.
    const empty = await signStatusList({ issuerKey: world.issuerKeys.privateKey, kid: world.kid, issuer: 'VN', uri: 'u', iat: T0, part: 0, version: 0, bits: createStatusBits(PART_SIZE) });
    expect(empty.length).toBeLessThan(600);
  });

  it('refuses a mistyped part or version, and an array longer than a part (2^20 entries), as wrong_format', async () => {
    const world = await makeWorld();
    const claims = decodeCbor(decodeCoseSign1(world.statusBytes)!.payload) as Map<number, unknown>;
    const sign = (payload: Map<number, unknown>) =>
      signCoseSign1({ payload: encodeCbor(payload), privateKey: world.issuerKeys.privateKey, kid: fromBase64Url(world.kid)!, typ: STATUS_LIST_TYP });
    expect(await verifyStatusList(await sign(new Map([...claims, [-65538, -1]])), world.trust, T0)).toEqual({ ok: false, error: 'wrong_format' });
    expect(await verifyStatusList(await sign(new Map([...claims, [-65538, '1']])), world.trust, T0)).toEqual({ ok: false, error: 'wrong_format' });
    expect(await verifyStatusList(await sign(new Map([...claims, [-65539, true]])), world.trust, T0)).toEqual({ ok: false, error: 'wrong_format' });
    expect((await verifyStatusList(await sign(new Map([...claims, [-65538, 1]])), world.trust, T0)).ok).toBe(true);
    const tooLong = new Map([...claims, [65533, new Map<string, unknown>([['bits', 2], ['lst', await deflate(createStatusBits(PART_SIZE + 4))]])]]);
    expect(await verifyStatusList(await sign(tooLong), world.trust, T0)).toEqual({ ok: false, error: 'wrong_format' });
    await expect(signStatusList({ issuerKey: world.issuerKeys.privateKey, kid: world.kid, issuer: 'VN', uri: 'u', iat: T0, bits: createStatusBits(PART_SIZE + 4) })).rejects.toThrow(RangeError);
  });

  it('checks a verified list again for what time and the trust list change, as verifyStatusList would judge the same bytes then', async () => {
    const world = await makeWorld();
    const none: TrustList = { keys: [] };
    for (const [trust, at] of [
      [world.trust, T0 + DAY],
      [world.trust, T0 + 3 * DAY], // past exp
      [world.trust, T0 - DAY], // before iat
      [none, T0], // the key removed from the trust list
      [world.trust, T0 + 11 * YEAR], // the key no longer trusted
    ] as Array<[TrustList, number]>) {
      const again = await verifyStatusList(world.statusBytes, trust, at);
      expect(recheckStatusList(world.statusList, trust, at)).toBe(again.ok ? null : again.error);
    }
    expect(recheckStatusList(world.statusList, world.trust, T0 + DAY)).toBeNull();
  });

  it('indexes verified parts by issuer and part; of two copies of one part the later iat wins', async () => {
    const world = await makeWorld();
    const sign = async (part: number, iat: number, issuer = 'VN') => {
      const verified = await verifyStatusList(await signStatusList({ issuerKey: world.issuerKeys.privateKey, kid: world.kid, issuer, uri: 'u', iat, part, bits: createStatusBits(4) }), world.trust, T0);
      if (!verified.ok) throw new Error(verified.error);
      return verified.list;
    };
    const older = await sign(1, T0 - 60_000);
    const newer = await sign(1, T0 - 1000);
    const lists = statusListsOf([newer, await sign(0, T0), older, null, await sign(1, T0, 'XX')]);
    expect(lists.get('VN')?.get(1)).toBe(newer);
    expect([...lists.get('VN')!.keys()].sort()).toEqual([0, 1]);
    expect(lists.get('XX')?.size).toBe(1);
    expect(statusListsOf(world.statusList).get('VN')?.get(0)).toBe(world.statusList);
    expect(statusListsOf(null).size).toBe(0);
  });
});

describe('status list manifest (FORMAT.md §9.2)', () => {
  const good = {
    issuer: 'VN',
    partSize: 1_048_576,
    updatedAt: T0,
    parts: [
      { part: 0, url: 'https://id.example.vn/.well-known/vneid/status-list/0', version: 3 },
      { part: 7, url: 'https://id.example.vn/.well-known/vneid/status-list/7', version: 0 },
    ],
    later: 'members a later revision adds are ignored',
  };

  it('reads the issuer, part size, time and parts, which may be sparse', () => {
    expect(parseStatusListManifest(good)).toEqual({ issuer: 'VN', partSize: PART_SIZE, updatedAt: T0, parts: good.parts });
    expect(parseStatusListManifest({ ...good, parts: [] })?.parts).toEqual([]);
  });

  it('refuses another part size, parts out of order or twice, and mistyped members', () => {
    const part = good.parts[0]!;
    for (const bad of [
      null,
      [],
      { ...good, partSize: 65_536 },
      { ...good, issuer: '' },
      { ...good, updatedAt: -1 },
      { ...good, parts: [good.parts[1], good.parts[0]] },
      { ...good, parts: [part, part] },
      { ...good, parts: [{ ...part, part: -1 }] },
      { ...good, parts: [{ ...part, part: 1.5 }] },
      { ...good, parts: [{ ...part, version: '3' }] },
      { ...good, parts: [{ ...part, url: 'javascript:alert(1)' }] },
      { ...good, parts: [{ ...part, url: 'https://' }] },
      { ...good, parts: [{ ...part, url: '/.well-known/vneid/status-list/0' }] },
      { ...good, parts: 'all' },
    ]) {
      expect(parseStatusListManifest(bad)).toBeNull();
    }
  });
});
