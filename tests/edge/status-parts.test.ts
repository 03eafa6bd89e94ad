/**
 * The status list in parts of 2^20 indices (FORMAT.md §9), in workerd against real D1: the
 * manifest, the part URLs, and a status change on either side of the boundary between parts 0
 * and 1 (this file's D1 allocates status indices from just below 2^20). A change moves the
 * version of the part holding the document and of no other.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WalletDocument } from '../../shared/api';
import { fromBase64Url } from '../../shared/bytes';
import { createPresentation, decodeCoseSign1, PART_SIZE, verifyPresentation, type StatusLists, type TrustList } from '../../shared/credential';
import { API } from '../../shared/paths';
import { lockAccount, unlockAccount } from '../../edge/domain/lock';
import { depsFromEnv } from '../../edge/http/app';
import { readAccount } from '../../edge/store/accounts';
import { registeredPhone, wallet } from './helpers/accounts';
import { ORIGIN, type TestPhone } from './helpers/phone';
import { fetchStatusLists, fetchTrustList, statusAt } from './helpers/status';
import { shardDb } from './helpers/shards';

async function verdict(phone: TestPhone, doc: WalletDocument, trust: TrustList, status: StatusLists): Promise<string> {
  const qr = await createPresentation({ credential: fromBase64Url(doc.credentials.basic!)!, devicePrivateKey: phone.device.privateKey, now: Date.now() });
  return (await verifyPresentation(qr, { trust, status, now: Date.now() })).verdict;
}

/** The versions the manifest gives, by part. */
async function versions(): Promise<Map<number, number>> {
  const manifest = (await (await SELF.fetch(`${ORIGIN}${API.statusLists}`)).json()) as { parts: Array<{ part: number; version: number }> };
  return new Map(manifest.parts.map((p) => [p.part, p.version]));
}

describe('status list parts across the boundary between parts 0 and 1', () => {
  // Two citizens with one document each (level 1: personal information), at 2^20 − 1 and 2^20.
  let a: Awaited<ReturnType<typeof registeredPhone>> & { doc: WalletDocument };
  let b: Awaited<ReturnType<typeof registeredPhone>> & { doc: WalletDocument };
  let trust: TrustList;

  beforeAll(async () => {
    await env.DB.prepare("UPDATE counters SET value = ? WHERE name = 'status_index'").bind(PART_SIZE - 1).run();
    const first = await registeredPhone();
    a = { ...first, doc: (await wallet(first.phone)).body.documents[0]! };
    const second = await registeredPhone();
    b = { ...second, doc: (await wallet(second.phone)).body.documents[0]! };
    trust = await fetchTrustList();
  });

  it('issues on both sides of the boundary, and the manifest lists parts 0 and 1 with URLs from the configured issuer', async () => {
    expect([a.doc.statusIndex, b.doc.statusIndex]).toEqual([PART_SIZE - 1, PART_SIZE]);
    // The Host header a request carries never names the parts.
    const res = await SELF.fetch(`https://attacker.example${API.statusLists}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const manifest = (await res.json()) as { issuer: string; partSize: number; updatedAt: number; parts: Array<{ part: number; url: string; version: number }> };
    expect(manifest.issuer).toBe('VN');
    expect(manifest.partSize).toBe(PART_SIZE);
    expect(manifest.updatedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(manifest.parts.map((p) => [p.part, p.url])).toEqual([
      [0, `${ORIGIN}/.well-known/vneid/status-list/0`],
      [1, `${ORIGIN}/.well-known/vneid/status-list/1`],
    ]);
    const { parts, responses } = await fetchStatusLists(trust);
    expect(parts.map((p) => [p.part, p.uri, p.size])).toEqual(manifest.parts.map((p) => [p.part, p.url, PART_SIZE]));
    expect(parts.map((p) => p.version)).toEqual(manifest.parts.map((p) => p.version));
    for (const r of responses) {
      expect(r.headers.get('content-type')).toBe('application/statuslist+cwt');
      expect(r.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
    }
    expect(await verdict(a.phone, a.doc, trust, (await fetchStatusLists(trust)).lists)).toBe('valid');
    expect(await verdict(b.phone, b.doc, trust, (await fetchStatusLists(trust)).lists)).toBe('valid');
  });

  it('a lock of the document in part 1 is in part 1\'s token and not in part 0\'s, and moves part 1\'s version only', async () => {
    const before = await versions();
    const deps = depsFromEnv(env, Date.now());
    await lockAccount(deps, (await readAccount((await shardDb(b.me.accountId)), b.me.accountId))!, { actor: `account:${b.me.accountId}` }, 'self');
    const after = await versions();
    expect(after.get(0)).toBe(before.get(0));
    expect(after.get(1)).toBe(before.get(1)! + 1);
    const { lists, parts } = await fetchStatusLists(trust);
    expect(parts.map((p) => p.version)).toEqual([after.get(0), after.get(1)]);
    expect(statusAt(lists, PART_SIZE)).toBe(2);
    expect(statusAt(lists, PART_SIZE - 1)).toBe(0);
    // Part 0 knows nothing beyond its 2^20 entries: the index is not read there.
    expect(parts[0]!.size).toBe(PART_SIZE);
    expect(await verdict(b.phone, b.doc, trust, lists)).toBe('suspended');
    expect(await verdict(a.phone, a.doc, trust, lists)).toBe('valid');
    // Without part 1, a verifier cannot say: status_unavailable, never part 0's word.
    expect(await verdict(b.phone, b.doc, trust, new Map([['VN', new Map([[0, parts[0]!]])]]))).toBe('status_unavailable');
  });

  it('an unlock that does not happen (another kind of lock) bumps nothing; one that does restores part 1 only', async () => {
    const deps = depsFromEnv(env, Date.now());
    const locked = (await readAccount((await shardDb(b.me.accountId)), b.me.accountId))!;
    const before = await versions();
    // Only an officer's unlock is allowed here: the account was locked from the app, so nothing changes.
    expect(await unlockAccount(deps, locked, { actor: 'officer:x' }, ['officer'])).toBeNull();
    expect(await versions()).toEqual(before);
    expect(await unlockAccount(deps, locked, { actor: `account:${b.me.accountId}` }, ['self'])).not.toBeNull();
    const after = await versions();
    expect([after.get(0), after.get(1)]).toEqual([before.get(0), before.get(1)! + 1]);
    expect(statusAt((await fetchStatusLists(trust)).lists, PART_SIZE)).toBe(0);
  });

  it('a lock of the document in part 0 moves part 0\'s version only; locking again changes no status and bumps nothing', async () => {
    const deps = depsFromEnv(env, Date.now());
    const before = await versions();
    await lockAccount(deps, (await readAccount((await shardDb(a.me.accountId)), a.me.accountId))!, { actor: `account:${a.me.accountId}` }, 'self');
    const after = await versions();
    expect([after.get(0), after.get(1)]).toEqual([before.get(0)! + 1, before.get(1)]);
    await lockAccount(deps, (await readAccount((await shardDb(a.me.accountId)), a.me.accountId))!, { actor: 'officer:x' }, 'officer');
    expect(await versions()).toEqual(after);
    const { lists } = await fetchStatusLists(trust);
    expect([statusAt(lists, PART_SIZE - 1), statusAt(lists, PART_SIZE)]).toEqual([2, 0]);
  });

  it('a part token is signed with its part, version and sub', async () => {
    const res = await SELF.fetch(`https://attacker.example${API.statusListPart(1)}`);
    const token = new Uint8Array(await res.arrayBuffer());
    expect(decodeCoseSign1(token)?.typ).toBe('application/statuslist+cwt');
    const { parts } = await fetchStatusLists(trust);
    expect(parts[1]!.uri).toBe(`${ORIGIN}/.well-known/vneid/status-list/1`);
  });

  it('a part that is not a uint in its one spelling, or beyond the allocated range, is 404 not_found (never a 500); the unnumbered list is gone', async () => {
    for (const part of ['2', '3', '999999999999999', '1000000000000000', '9007199254740993', '-1', '01', '1.0', '1e3', 'abc', ' 1', '0x1']) {
      const res = await SELF.fetch(`${ORIGIN}/.well-known/vneid/status-list/${part}`);
      expect(res.status, part).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code, part).toBe('not_found');
    }
    for (const path of ['/.well-known/vneid/status-list', '/.well-known/vneid/status-list/', '/.well-known/vneid/status-list/1/x']) {
      const res = await SELF.fetch(`${ORIGIN}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('not_found');
    }
  });
});
