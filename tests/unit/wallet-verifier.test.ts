/**
 * The verifier's offline data (web/wallet/verifier.ts): the lists are downloaded, checked and
 * kept as received; each check re-verifies them at its own time, so their age decides.
 */
import { describe, expect, it } from 'vitest';
import { API } from '../../shared/api';
import { checkQrText, loadLists, refreshLists, statusFreshness, trustFreshness, type ListStore } from '../../web/wallet/verifier';
import type { StoredVerifierList } from '../../web/wallet/wallet-store';
import { createStatusBits, signStatusList, verifyStatusList, type StatusList } from '../../shared/credential';
import { DAY, INDEX, makeWorld, T0, type World } from './credential/fixtures';

function memoryLists(): ListStore & { data: Map<string, StoredVerifierList> } {
  const data = new Map<string, StoredVerifierList>();
  return {
    data,
    read: async (name) => data.get(name) ?? null,
    write: async (name, list) => void data.set(name, list),
  };
}

/** A status list the world's issuer signed at `at`: current then, whatever else has aged. */
async function statusListAt(world: World, at: number): Promise<StatusList> {
  const bytes = await signStatusList({ issuerKey: world.issuerKeys.privateKey, kid: world.kid, issuer: 'VN', uri: 'https://id.example.vn/status/1', iat: at, ttl: 3600, bits: createStatusBits(1024) });
  const verified = await verifyStatusList(bytes, world.trust, at);
  if (!verified.ok) throw new Error(`status list: ${verified.error}`);
  return verified.list;
}

async function setUp() {
  const world = await makeWorld();
  const store = memoryLists();
  const served = { trust: JSON.stringify(world.trust), status: world.statusBytes as Uint8Array<ArrayBuffer> };
  const fetchFn = (async (url: string) => {
    if (url === API.trustList) return new Response(served.trust, { headers: { 'content-type': 'application/json' } });
    if (url === API.statusList) return new Response(served.status, { headers: { 'content-type': 'application/statuslist+cwt' } });
    return new Response('no', { status: 404 });
  }) as typeof fetch;
  return { world, store, served, fetchFn };
}

describe('verifier lists', () => {
  it('downloads both lists, keeps them as received and verifies a presentation offline', async () => {
    const { world, store, fetchFn } = await setUp();
    expect(await refreshLists(T0, fetchFn, store)).toBe(true);
    expect(store.data.get('status-list')?.fetchedAt).toBe(T0);
    const lists = await loadLists(T0 + 60_000, store);
    expect(lists.trust?.keys).toHaveLength(1);
    expect(statusFreshness(lists.status, T0 + 60_000)).toBe('fresh');
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

  it('warns past the list ttl, refuses past 24 hours (status_unavailable), and refuses revoked and suspended entries', async () => {
    const { world, store, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    const at = (ms: number) => loadLists(ms, store);
    expect(statusFreshness((await at(T0 + 2 * 3600_000)).status, T0 + 2 * 3600_000)).toBe('old'); // ttl is 1 h in the fixture
    const late = T0 + DAY + 60_000;
    expect(statusFreshness((await at(late)).status, late)).toBe('too_old');
    const qr = await world.present(await world.issue(), late);
    expect((await checkQrText(qr, await at(late), late)).verdict).toBe('status_unavailable');
    const revoked = await world.present(await world.issue({ statusIndex: INDEX.revoked }), T0);
    const suspended = await world.present(await world.issue({ statusIndex: INDEX.suspended }), T0);
    expect((await checkQrText(revoked, await at(T0), T0)).verdict).toBe('revoked');
    expect((await checkQrText(suspended, await at(T0), T0)).verdict).toBe('suspended');
  });

  it('warns once the trust list is more than a day old, and past seven days trusts no key (unknown_issuer)', async () => {
    const { world, store, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    // The issuer keys, checked at `at`, with a status list new at that moment (only the trust list ages here).
    const checkAt = async (at: number) => {
      const lists = { ...(await loadLists(at, store)), status: await statusListAt(world, at) };
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
    const { world, store, served, fetchFn } = await setUp();
    served.trust = JSON.stringify({ ...world.trust, updatedAt: T0 - 7 * DAY - 1000 });
    await refreshLists(T0, fetchFn, store);
    const lists = await loadLists(T0, store);
    expect(lists.trustFetchedAt).toBe(T0);
    expect(trustFreshness(lists, T0)).toBe('too_old');
    expect((await checkQrText(await world.present(await world.issue(), T0), lists, T0)).verdict).toBe('unknown_issuer');
  });

  it('without any list nothing is trusted: unknown_issuer', async () => {
    const { world } = await setUp();
    const lists = await loadLists(T0, memoryLists());
    expect(lists.trust).toBeNull();
    expect(trustFreshness(lists, T0)).toBe('missing');
    const qr = await world.present(await world.issue(), T0);
    expect((await checkQrText(qr, lists, T0)).verdict).toBe('unknown_issuer');
  });

  it('attack: a tampered status list from the network is not kept (the old one stays)', async () => {
    const { store, served, fetchFn } = await setUp();
    await refreshLists(T0, fetchFn, store);
    const good = store.data.get('status-list');
    const bad = served.status.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    served.status = bad;
    expect(await refreshLists(T0 + 1000, fetchFn, store)).toBe(false);
    expect(store.data.get('status-list')).toBe(good);
  });

  it('attack: a trust list with a wrong kid is refused as a whole', async () => {
    const { world, store, served, fetchFn } = await setUp();
    served.trust = JSON.stringify({ keys: [{ ...world.trust.keys[0], kid: 'AAAAAAAAAAA' }] });
    expect(await refreshLists(T0, fetchFn, store)).toBe(false);
    expect(store.data.has('trust-list')).toBe(false);
  });
});
