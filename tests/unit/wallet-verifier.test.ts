/**
 * The verifier's offline data (web/wallet/verifier.ts): the lists are downloaded, checked and
 * kept as received; each check re-verifies them at its own time, so their age decides. The
 * status list comes in parts (FORMAT.md §9): the manifest is read first and only the parts whose
 * version the verifier does not hold are downloaded.
 */
import { describe, expect, it } from 'vitest';
import { API } from '../../shared/api';
import { checkQrText, loadLists, refreshLists, statusAsOf, statusFreshness, trustFreshness, type ListStore, type VerifierLists } from '../../web/wallet/verifier';
import type { StoredStatusPart, StoredVerifierList } from '../../web/wallet/wallet-store';
import { createStatusBits, PART_SIZE, setStatus, signStatusList, statusListsOf, verifyStatusList, type StatusValue } from '../../shared/credential';
import { DAY, INDEX, makeWorld, T0, type World } from './credential/fixtures';

const ORIGIN = 'https://id.example.vn';
const HOUR = 3_600_000;

function memoryLists(): ListStore & { trust: StoredVerifierList | null; parts: Map<number, StoredStatusPart> } {
  const store = {
    trust: null as StoredVerifierList | null,
    parts: new Map<number, StoredStatusPart>(),
    readTrust: async () => store.trust,
    writeTrust: async (list: StoredVerifierList) => void (store.trust = list),
    readParts: async () => new Map(store.parts),
    writePart: async (part: number, stored: StoredStatusPart) => void store.parts.set(part, stored),
  };
  return store;
}

/**
 * The issuer's side: parts 0 and 1 with their versions and entries, signed when fetched at the
 * server's clock (iat = now, exp two days later, ttl an hour), and the manifest listing them.
 * Part 0 marks the world's revoked and suspended indices (6, 7); part 1 has 2^20 + 5 revoked.
 */
interface Issuer {
  now: number;
  parts: Map<number, { version: number; bits: Uint8Array<ArrayBuffer> }>;
  fetched: Map<number, number>;
  override: Map<number, Uint8Array<ArrayBuffer> | null>;
  manifestUpdatedAt: number | null;
  trust: string;
  set(index: number, status: StatusValue): void;
  sign(part: number, at?: number): Promise<Uint8Array<ArrayBuffer>>;
}

function issuer(world: World) {
  const server: Issuer = {
    now: T0,
    parts: new Map<number, { version: number; bits: Uint8Array<ArrayBuffer> }>(),
    /** Downloads of each part, counted. */
    fetched: new Map<number, number>(),
    /** A part served as these bytes instead of being signed (a tampered or stale copy). */
    override: new Map<number, Uint8Array<ArrayBuffer> | null>(),
    manifestUpdatedAt: null as number | null,
    trust: JSON.stringify(world.trust),
    set(index, status) {
      const part = Math.floor(index / PART_SIZE);
      const entry = server.parts.get(part)!;
      setStatus(entry.bits, index - part * PART_SIZE, status);
      entry.version++;
    },
    sign(part, at = server.now) {
      const { version, bits } = server.parts.get(part)!;
      return signStatusList({ issuerKey: world.issuerKeys.privateKey, kid: world.kid, issuer: 'VN', uri: `${ORIGIN}${API.statusListPart(part)}`, iat: at, exp: at + 2 * DAY, ttl: 3600, part, version, bits });
    },
  };
  for (const part of [0, 1]) server.parts.set(part, { version: 1, bits: createStatusBits(1024) });
  setStatus(server.parts.get(0)!.bits, INDEX.revoked, 1);
  setStatus(server.parts.get(0)!.bits, INDEX.suspended, 2);
  setStatus(server.parts.get(1)!.bits, 5, 1);
  const fetchFn = (async (url: string) => {
    if (url === API.trustList) return new Response(server.trust, { headers: { 'content-type': 'application/json' } });
    if (url === API.statusLists) {
      const parts = [...server.parts].map(([part, { version }]) => ({ part, url: `${ORIGIN}${API.statusListPart(part)}`, version }));
      return Response.json({ issuer: 'VN', partSize: PART_SIZE, updatedAt: server.manifestUpdatedAt ?? server.now, parts });
    }
    const part = /^\/\.well-known\/vneid\/status-list\/(\d+)$/.exec(url)?.[1];
    if (part !== undefined && server.parts.has(Number(part))) {
      server.fetched.set(Number(part), (server.fetched.get(Number(part)) ?? 0) + 1);
      const override = server.override.get(Number(part));
      if (override === null) return new Response('unavailable', { status: 503 });
      return new Response(override ?? (await server.sign(Number(part))), { headers: { 'content-type': 'application/statuslist+cwt' } });
    }
    return new Response('no', { status: 404 });
  }) as typeof fetch;
  return { server, fetchFn };
}

async function setUp() {
  const world = await makeWorld();
  const store = memoryLists();
  return { world, store, ...issuer(world) };
}

/** Lists as a verifier holds them at `at`: the trust list kept, and parts signed at that moment (only the trust list ages). */
async function withPartsSignedAt(world: World, lists: VerifierLists, at: number): Promise<VerifierLists> {
  const { server } = issuer(world);
  const parts = await Promise.all(
    [0, 1].map(async (part) => {
      const verified = await verifyStatusList(await server.sign(part, at), world.trust, at);
      if (!verified.ok) throw new Error(verified.error);
      return { list: verified.list, stored: { body: new Uint8Array(), fetchedAt: at, confirmedAt: at }, asOf: at };
    }),
  );
  return { ...lists, status: statusListsOf(parts.map((p) => p.list)), parts };
}

describe('verifier lists', () => {
  it('downloads the trust list, the manifest and every part on first use, keeps them as received and verifies a presentation offline', async () => {
    const { world, store, server, fetchFn } = await setUp();
    expect(await refreshLists(T0, fetchFn, store)).toBe(true);
    expect(store.trust?.fetchedAt).toBe(T0);
    expect([...store.parts.keys()].sort()).toEqual([0, 1]);
    expect([...server.fetched.values()]).toEqual([1, 1]);
    expect(store.parts.get(0)?.confirmedAt).toBe(T0);
    const lists = await loadLists(T0 + 60_000, store);
    expect(lists.trust?.keys).toHaveLength(1);
    expect(statusFreshness(lists, T0 + 60_000)).toBe('fresh');
    const qr = await world.present(await world.issue({ view: 'basic' }), T0 + 50_000);
    const result = await checkQrText(`${qr}\n`, lists, T0 + 60_000);
    expect(result.verdict).toBe('valid');
    expect(result.verdict === 'valid' && Object.keys(result.claims).sort()).toEqual(['birthDate', 'fullName', 'idNumber', 'sex']);
  });

  it('says stale once the freshness window (120 s + 30 s skew) has passed', async () => {
    const { world, store, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    const qr = await world.present(await world.issue(), T0);
    expect((await checkQrText(qr, await loadLists(T0 + 149_000, store), T0 + 149_000)).verdict).toBe('valid');
    expect((await checkQrText(qr, await loadLists(T0 + 151_000, store), T0 + 151_000)).verdict).toBe('stale');
  });

  it('warns past the ttl, refuses past 24 hours (status_unavailable), and refuses revoked and suspended entries', async () => {
    const { world, store, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    const at = (ms: number) => loadLists(ms, store);
    expect(statusFreshness(await at(T0 + 2 * HOUR), T0 + 2 * HOUR)).toBe('old'); // ttl is 1 h here
    const late = T0 + DAY + 60_000;
    expect(statusFreshness(await at(late), late)).toBe('too_old');
    const qr = await world.present(await world.issue(), late);
    expect((await checkQrText(qr, await at(late), late)).verdict).toBe('status_unavailable');
    const revoked = await world.present(await world.issue({ statusIndex: INDEX.revoked }), T0);
    const suspended = await world.present(await world.issue({ statusIndex: INDEX.suspended }), T0);
    expect((await checkQrText(revoked, await at(T0), T0)).verdict).toBe('revoked');
    expect((await checkQrText(suspended, await at(T0), T0)).verdict).toBe('suspended');
  });

  it('reads each credential in its own part; a part it does not hold is status_unavailable', async () => {
    const { world, store, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    const lists = await loadLists(T0, store);
    const check = async (statusIndex: number) => (await checkQrText(await world.present(await world.issue({ statusIndex }), T0), lists, T0)).verdict;
    expect(await check(PART_SIZE + 5)).toBe('revoked'); // valid in part 0
    expect(await check(PART_SIZE + INDEX.revoked)).toBe('valid'); // revoked in part 0, not in part 1
    expect(await check(2 * PART_SIZE + 1)).toBe('status_unavailable');
  });

  it('downloads again only the parts whose version moved; an unchanged part is confirmed current by the manifest', async () => {
    const { world, store, server, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    // An hour and a half later nothing changed: no part is downloaded, both count as current now.
    server.now = T0 + 1.5 * HOUR;
    expect(await refreshLists(server.now, fetchFn, store)).toBe(true);
    expect([...server.fetched.values()]).toEqual([1, 1]);
    let lists = await loadLists(T0 + 2 * HOUR, store);
    expect(statusAsOf(lists)).toBe(T0 + 1.5 * HOUR);
    expect(statusFreshness(lists, T0 + 2 * HOUR)).toBe('fresh');
    // A revocation in part 1: only part 1 is downloaded, and the verdict follows.
    server.set(PART_SIZE + 9, 1);
    server.now = T0 + 3 * HOUR;
    expect(await refreshLists(server.now, fetchFn, store)).toBe(true);
    expect([server.fetched.get(0), server.fetched.get(1)]).toEqual([1, 2]);
    lists = await loadLists(server.now, store);
    expect(lists.parts.map((p) => [p.list.part, p.list.version])).toEqual([[0, 1], [1, 2]]);
    const qr = await world.present(await world.issue({ statusIndex: PART_SIZE + 9 }), server.now);
    expect((await checkQrText(qr, lists, server.now)).verdict).toBe('revoked');
  });

  it('downloads an unchanged part again past half its life, so that it never reaches the 24-hour limit while online now and then', async () => {
    const { store, server, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    server.now = T0 + 11 * HOUR;
    await refreshLists(server.now, fetchFn, store);
    expect([...server.fetched.values()]).toEqual([1, 1]);
    server.now = T0 + 13 * HOUR;
    await refreshLists(server.now, fetchFn, store);
    expect([...server.fetched.values()]).toEqual([2, 2]);
    // Offline from then on: at 30 h the parts of 13 h are old but still count (those of T0 would not).
    const later = T0 + 30 * HOUR;
    expect(statusFreshness(await loadLists(later, store), later)).toBe('old');
  });

  it('a set of parts is as current as its oldest part: a part that could not be refreshed keeps its age, and past 24 h no part counts', async () => {
    const { world, store, server, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    // Part 0 changed but cannot be downloaded now; part 1 is confirmed.
    server.set(INDEX.valid, 2);
    server.override.set(0, null);
    server.now = T0 + 2 * HOUR;
    expect(await refreshLists(server.now, fetchFn, store)).toBe(false);
    let lists = await loadLists(server.now, store);
    expect(lists.parts.find((p) => p.list.part === 1)?.asOf).toBe(server.now);
    expect(statusAsOf(lists)).toBe(T0);
    expect(statusFreshness(lists, server.now)).toBe('old');
    // Part 1 renewed at 20 h, part 0 still out of reach: at 25 h part 0 is past 24 h, and the
    // verifier says so for every code, a code in the fresh part 1 included.
    server.now = T0 + 20 * HOUR;
    server.override.set(1, await server.sign(1, server.now));
    await refreshLists(server.now, fetchFn, store);
    const late = T0 + 25 * HOUR;
    lists = await loadLists(late, store);
    expect(statusFreshness(lists, late)).toBe('too_old');
    const inPart1 = await world.present(await world.issue({ statusIndex: PART_SIZE + 1 }), late);
    expect((await checkQrText(inPart1, lists, late)).verdict).toBe('status_unavailable');
  });

  it('attack: a part from a stale cache (older than the manifest says) is kept but not as current, and never replaces a newer one', async () => {
    const { store, server, fetchFn } = await setUp();
    const stale = await server.sign(1, T0 - HOUR);
    await refreshLists(T0, fetchFn, store);
    server.set(PART_SIZE + 3, 2);
    server.override.set(1, stale);
    server.now = T0 + 2 * HOUR;
    expect(await refreshLists(server.now, fetchFn, store)).toBe(false);
    const lists = await loadLists(server.now, store);
    // The copy kept is the one downloaded at T0 (newer than the stale one), not confirmed at 2 h.
    expect(lists.parts.find((p) => p.list.part === 1)?.list.issuedAt).toBe(T0);
    expect(statusAsOf(lists)).toBe(T0);
    expect(statusFreshness(lists, server.now)).toBe('old');
  });

  it('attack: a part served under another part\'s number is not kept', async () => {
    const { store, server, fetchFn } = await setUp();
    server.override.set(1, await server.sign(0));
    expect(await refreshLists(T0, fetchFn, store)).toBe(false);
    expect([...store.parts.keys()]).toEqual([0]);
  });

  it('warns once the trust list is more than a day old, and past seven days trusts no key (unknown_issuer)', async () => {
    const { world, store, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    // The issuer keys, checked at `at`, with parts new at that moment (only the trust list ages here).
    const checkAt = async (at: number) => {
      const lists = await withPartsSignedAt(world, await loadLists(at, store), at);
      const qr = await world.present(await world.issue(), at);
      return { freshness: trustFreshness(lists, at), verdict: (await checkQrText(qr, lists, at)).verdict };
    };
    expect(await checkAt(T0 + DAY)).toEqual({ freshness: 'fresh', verdict: 'valid' });
    expect(await checkAt(T0 + DAY + 1000)).toEqual({ freshness: 'old', verdict: 'valid' });
    expect(await checkAt(T0 + 7 * DAY)).toEqual({ freshness: 'old', verdict: 'valid' });
    expect(await checkAt(T0 + 7 * DAY + 1000)).toEqual({ freshness: 'too_old', verdict: 'unknown_issuer' });
    // Refreshed, the same keys count again.
    await refreshLists(T0 + 8 * DAY, fetchFn, store);
    expect(trustFreshness(await loadLists(T0 + 8 * DAY, store), T0 + 8 * DAY)).toBe('fresh');
  });

  it('attack: a trust list served from a stale cache is as old as its updatedAt says, not as its download', async () => {
    const { world, store, server, fetchFn } = await setUp();
    server.trust = JSON.stringify({ ...world.trust, updatedAt: T0 - 7 * DAY - 1000 });
    await refreshLists(T0, fetchFn, store);
    const lists = await loadLists(T0, store);
    expect(lists.trustFetchedAt).toBe(T0);
    expect(trustFreshness(lists, T0)).toBe('too_old');
    expect((await checkQrText(await world.present(await world.issue(), T0), lists, T0)).verdict).toBe('unknown_issuer');
  });

  it('attack: a manifest served from a stale cache confirms parts only as of its updatedAt', async () => {
    const { store, server, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    server.now = T0 + 2 * HOUR;
    server.manifestUpdatedAt = T0 + 30 * 60_000;
    await refreshLists(server.now, fetchFn, store);
    expect(statusAsOf(await loadLists(server.now, store))).toBe(T0 + 30 * 60_000);
  });

  it('without any list nothing is trusted: unknown_issuer', async () => {
    const { world } = await setUp();
    const lists = await loadLists(T0, memoryLists());
    expect(lists.trust).toBeNull();
    expect(trustFreshness(lists, T0)).toBe('missing');
    expect(statusFreshness(lists, T0)).toBe('missing');
    const qr = await world.present(await world.issue(), T0);
    expect((await checkQrText(qr, lists, T0)).verdict).toBe('unknown_issuer');
  });

  it('attack: a tampered part from the network is not kept (the old one stays)', async () => {
    const { store, server, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    const good = store.parts.get(1);
    server.set(PART_SIZE + 2, 1);
    const bad = await server.sign(1, T0 + 1000);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    server.override.set(1, bad);
    expect(await refreshLists(T0 + 1000, fetchFn, store)).toBe(false);
    expect(store.parts.get(1)?.body).toBe(good?.body);
    expect(server.fetched.get(1)).toBe(2);
  });

  it('attack: a trust list with a wrong kid is refused as a whole', async () => {
    const { world, store, server, fetchFn } = await setUp();
    server.trust = JSON.stringify({ keys: [{ ...world.trust.keys[0], kid: 'AAAAAAAAAAA' }] });
    expect(await refreshLists(T0, fetchFn, store)).toBe(false);
    expect(store.trust).toBeNull();
  });
});
