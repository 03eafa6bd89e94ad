/**
 * Accounts across the two local shards (wrangler.toml SHARDS = "000-039=SHARD_0,040-999=SHARD_1"),
 * in workerd against real D1: a citizen's account and everything keyed by it are on exactly the
 * shard of their ID number (and not on the other, nor in the main database); every flow works
 * for a citizen of either shard, reaching it through the routing key an id or token carries; an
 * officer's inbox merges both shards; housekeeping settles what a worker stopped between two
 * databases left behind. The races on the global directory are in account-shards.security.test.ts.
 */
import { env } from 'cloudflare:test';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import type { DeviceChangeVerifyResponse } from '../../shared/accounts';
import { vietnamDay } from '../../shared/services';
import { runHousekeeping, STALE_AFTER_MS } from '../../edge/domain/housekeeping';
import { depsFromEnv, shardRouter } from '../../edge/http/app';
import type { Citizen } from '../../edge/registries/population';
import { shardOf as bindingOf } from '../../edge/store/shards';
import { approveOnOldPhone, finishOnNewPhone, openDeviceChange, wallet } from './helpers/accounts';
import { createPortal, signInToPortal } from './helpers/oidc';
import { api, freshCitizen, latestSmsCode, TestPhone } from './helpers/phone';
import { officerCookie, submitResidence } from './helpers/services';
import { main, shardDb } from './helpers/shards';

const SHARDS = ['SHARD_0', 'SHARD_1'] as const;
type Binding = (typeof SHARDS)[number];
const other = (b: Binding): Binding => (b === 'SHARD_0' ? 'SHARD_1' : 'SHARD_0');

/** A fresh citizen whose ID number the map puts on `binding`. */
function citizenOf(binding: Binding): Promise<Citizen & { phone: string }> {
  const { map } = shardRouter(env);
  return freshCitizen((c) => bindingOf(map, c.idNumber) === binding);
}

const notice = (communeCode: string) => ({
  role: 'guest',
  communeCode,
  address: 'Số 3 Phố Lý Thái Tổ',
  people: [],
  from: vietnamDay(Date.now()),
  to: vietnamDay(Date.now() + 86_400_000),
  reason: 'Công tác',
});

/** Rows of an account in each table, on one database. */
async function rowsOf(db: D1Database, accountId: string): Promise<Record<string, number>> {
  const count = async (sql: string) => (await db.prepare(sql).bind(accountId).first<number>('n')) ?? 0;
  return {
    accounts: await count('SELECT count(*) AS n FROM accounts WHERE id = ?'),
    passkeys: await count('SELECT count(*) AS n FROM passkeys WHERE account_id = ?'),
    device_keys: await count('SELECT count(*) AS n FROM device_keys WHERE account_id = ?'),
    sessions: await count('SELECT count(*) AS n FROM sessions WHERE account_id = ?'),
    documents: await count('SELECT count(*) AS n FROM documents WHERE account_id = ?'),
    credentials: await count('SELECT count(*) AS n FROM credentials WHERE document_id IN (SELECT id FROM documents WHERE account_id = ?)'),
    notifications: await count('SELECT count(*) AS n FROM notifications WHERE account_id = ?'),
    residence_notices: await count('SELECT count(*) AS n FROM residence_notices WHERE account_id = ?'),
    audit_log: await count('SELECT count(*) AS n FROM audit_log WHERE subject = ?'),
  };
}

describe('accounts on the shard of their ID number', () => {
  it('the main database has no account table; both shards have the account schema', async () => {
    const tables = async (db: D1Database) => (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>()).results.map((r) => r.name);
    const global = await tables(env.DB);
    for (const t of ['accounts', 'passkeys', 'device_keys', 'sessions', 'documents', 'notifications', 'residence_notices', 'oidc_grants']) expect(global).not.toContain(t);
    expect(global).toContain('key_directory');
    for (const b of SHARDS) expect(await tables(env[b])).toEqual(expect.arrayContaining(['accounts', 'passkeys', 'documents', 'registry_citizens', 'status_parts_pending']));
  });

  it("a citizen of each shard: account, passkey, device key, session, documents, notifications and their notice are on exactly that shard, on neither the other nor the main database", async () => {
    const commune = '00082';
    const { cookie: officer } = await officerCookie(commune);
    for (const b of SHARDS) {
      const phone = await TestPhone.create();
      const citizen = await citizenOf(b);
      const me = await phone.register(citizen);
      expect((await wallet(phone)).status).toBe(200);
      const sent = await submitResidence(phone, crypto.randomUUID(), notice(commune));
      expect(sent.status).toBe(201);
      // The officer acknowledges it: a notification for the citizen.
      expect((await api(`/api/officer/services/residence/${sent.body.id}/acknowledge`, { body: { note: '' }, cookie: officer })).status).toBe(200);

      const home = await rowsOf(env[b], me.accountId);
      expect(home).toMatchObject({ accounts: 1, passkeys: 1, device_keys: 1, sessions: 1, residence_notices: 1, notifications: 1 });
      expect(home.documents).toBeGreaterThan(0);
      expect(home.credentials).toBeGreaterThan(0);
      expect(home.audit_log).toBeGreaterThan(0);
      expect(Object.values(await rowsOf(env[other(b)], me.accountId)).every((n) => n === 0)).toBe(true);
      // The officer's acts are in the main database's log too (the supervisors' panel); the citizen's own are not.
      const global = await main().prepare('SELECT actor FROM audit_log WHERE subject = ?').bind(me.accountId).all<{ actor: string }>();
      expect(global.results.length).toBeGreaterThan(0);
      expect(global.results.every((r) => r.actor.startsWith('officer:'))).toBe(true);
      // The ids and the session token name that shard (their sealed keys open to its ID-number prefix).
      const router = shardRouter(env);
      for (const key of [me.accountId, sent.body.id, phone.cookie.split('=')[1]!]) expect(await router.dbForKey(key)).toBe(env[b]);
    }
  });
});

describe('every flow, for a citizen of each shard', () => {
  for (const b of SHARDS) {
    it(`${b}: sign-in, wallet sync, lock and unlock, device change, OIDC sign-in with UserInfo`, async () => {
      const citizen = await citizenOf(b);
      const phone = await TestPhone.create();
      const me = await phone.register(citizen);
      expect((await phone.signIn()).status).toBe(200);
      expect((await api('/api/me', { cookie: phone.cookie })).body).toMatchObject({ accountId: me.accountId, idNumber: citizen.idNumber });
      const synced = await wallet(phone);
      expect(synced.status).toBe(200);
      expect(synced.body.documents.map((d) => d.docType)).toContain('personal_information');

      // Lock from the app, unlock with SMS code + passkey + device key.
      expect((await api('/api/lock', { body: {}, cookie: phone.cookie })).status).toBe(204);
      expect((await phone.signIn()).body.error?.code).toBe('account_locked');
      const options = await api<{ options: { challenge: string } }>('/api/unlock/options', { body: {} });
      const credential = await phone.authenticator.get(options.body.options);
      const start = await api<{ requestId: string }>('/api/unlock/start', {
        body: { credential, deviceKey: { keyId: phone.deviceKeyId, signature: await phone.sign('unlock', options.body.options.challenge) } },
      });
      expect(start.status).toBe(201);
      const unlocked = await api('/api/unlock/confirm', { body: { requestId: start.body.requestId, code: await latestSmsCode(citizen.phone) } });
      expect(unlocked.status).toBe(200);
      phone.keepCookie(unlocked);

      // OIDC: the code and the tokens carry the shard's key; UserInfo reads the account there.
      const portal = await createPortal({ scopes: ['openid', 'profile', 'phone', 'offline_access'] });
      const { tokens } = await signInToPortal(phone, portal, { scope: 'openid profile offline_access' });
      expect(await shardRouter(env).dbForKey(tokens.access_token)).toBe(env[b]);
      const info = await client.fetchUserInfo(portal.config, tokens.access_token, client.skipSubjectCheck);
      expect(info.name).toBe(citizen.fullName);
      const refreshed = await client.refreshTokenGrant(portal.config, tokens.refresh_token!);
      expect(refreshed.access_token).not.toBe(tokens.access_token);

      // Device change approved on the old phone: the new phone's keys bind on the same shard.
      const newPhone = await TestPhone.create();
      const opened: DeviceChangeVerifyResponse = await openDeviceChange(newPhone, citizen);
      expect(await shardRouter(env).dbForKey(opened.requestId)).toBe(env[b]);
      const { approve } = await approveOnOldPhone(phone, opened.approvalCode);
      expect(approve?.status).toBe(200);
      expect((await finishOnNewPhone(newPhone, opened.requestId)).status).toBe(201);
      expect((await phone.signIn()).status).toBe(401);
      expect((await newPhone.signIn()).status).toBe(200);
      const keys = await env[b].prepare('SELECT key_id, revoked_at FROM device_keys WHERE account_id = ? ORDER BY created_at').bind(me.accountId).all<{ key_id: string; revoked_at: number | null }>();
      expect(keys.results.map((k) => [k.key_id, k.revoked_at === null])).toEqual([
        [phone.deviceKeyId, false],
        [newPhone.deviceKeyId, true],
      ]);
      // The old phone's documents are revoked in the status list, the new phone is issued.
      expect((await wallet(newPhone)).status).toBe(200);
    });
  }
});

describe("an officer's inbox across the shards", () => {
  it('merges the notices of citizens of both shards, newest first, in pages', async () => {
    const commune = '00160';
    const sent: Array<{ id: string; shard: Binding }> = [];
    for (const b of [...SHARDS, ...SHARDS]) {
      const phone = await TestPhone.create();
      await phone.register(await citizenOf(b));
      const res = await submitResidence(phone, crypto.randomUUID(), notice(commune));
      expect(res.status).toBe(201);
      sent.push({ id: res.body.id, shard: b });
      await new Promise((r) => setTimeout(r, 5)); // distinct submission times
    }
    const { cookie } = await officerCookie(commune);
    const inbox = await api<{ items: Array<{ id: string; submittedAt: number }>; next: number | null }>('/api/officer/services/residence', { cookie });
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((i) => i.id)).toEqual([...sent].reverse().map((s) => s.id));
    // Each opens on its own shard.
    for (const s of sent) expect((await api<{ id: string }>(`/api/officer/services/residence/${s.id}`, { cookie })).body.id).toBe(s.id);
    // A page that ends before them (`before`) shows only the older ones, from both shards.
    const older = await api<{ items: Array<{ id: string }> }>(`/api/officer/services/residence?before=${inbox.body.items[1]!.submittedAt}`, { cookie });
    expect(older.body.items.map((i) => i.id)).toEqual([sent[1]!.id, sent[0]!.id]);
  });
});

describe('housekeeping settles what a worker stopped between two databases left', () => {
  const directoryKey = async (kind: string, id: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${kind}:${id}`))).slice(0, 16);

  it('a reservation whose shard write never happened is released (the phone registers after); one whose write happened is confirmed', async () => {
    const now = Date.now();
    const old = now - STALE_AFTER_MS - 1000;
    // A registration that reserved a device key and stopped: its account never reached the shard.
    const phone = await TestPhone.create();
    const citizen = await citizenOf('SHARD_1');
    const ghost = await shardRouter(env).newId(citizen.idNumber);
    await main()
      .prepare("INSERT INTO key_directory (key, reservation, pending_account, pending_id, pending_since) VALUES (?, 'stopped-1', ?, ?, ?)")
      .bind(await directoryKey('device', phone.deviceKeyId), ghost, `device:${phone.deviceKeyId}`, old)
      .run();
    expect((await phone.startRegistration(citizen).then(({ enrolmentId, options }) => phone.finishRegistration(enrolmentId, options))).body.error?.code).toBe(
      'device_already_bound',
    );
    // A registration that wrote the shard and stopped before confirming: the key is bound.
    const done = await TestPhone.create();
    const me = await done.register(await citizenOf('SHARD_0'));
    const doneKey = await directoryKey('device', done.deviceKeyId);
    await main()
      .prepare("UPDATE key_directory SET reservation = 'stopped-2', pending_account = ?, pending_id = ?, pending_since = ? WHERE key = ?")
      .bind(me.accountId, `device:${done.deviceKeyId}`, old, doneKey)
      .run();

    const totals = await runHousekeeping(depsFromEnv(env, now), now);
    expect(totals.key_directory).toBe(2);
    expect(await main().prepare("SELECT count(*) AS n FROM key_directory WHERE reservation IN ('stopped-1', 'stopped-2')").first('n')).toBe(0);
    expect(await main().prepare('SELECT count(*) AS n FROM key_directory WHERE key = ?').bind(doneKey).first('n')).toBe(1);
    // The released phone now registers; the confirmed key still binds nothing else.
    expect(await phone.register(await citizenOf('SHARD_1'))).toMatchObject({ deviceKeyId: phone.deviceKeyId });
    const thief = await TestPhone.create();
    Object.assign(thief, { device: done.device, devicePublicKey: done.devicePublicKey, deviceKeyId: done.deviceKeyId });
    const again = await thief.startRegistration(await citizenOf('SHARD_1'));
    expect((await thief.finishRegistration(again.enrolmentId, again.options)).body.error?.code).toBe('device_already_bound');
  });

  it("a status change whose part version was never bumped is published: the part's version moves once, the mark goes", async () => {
    const phone = await TestPhone.create();
    const me = await phone.register(await citizenOf('SHARD_0'));
    const doc = (await wallet(phone)).body.documents[0]!;
    const part = doc.statusIndex >> 20;
    const db = await shardDb(me.accountId);
    const version = async () => (await main().prepare('SELECT version FROM status_parts WHERE part = ?').bind(part).first<number>('version')) ?? 0;
    const before = await version();
    // The change committed on the shard (rows and mark), and the worker stopped before the bump.
    const now = Date.now();
    await db.batch([
      db.prepare('INSERT INTO status_parts_pending (part, seq, since) VALUES (?, 1, ?) ON CONFLICT (part) DO UPDATE SET seq = seq + 1').bind(part, now - STALE_AFTER_MS - 1000),
      db.prepare('UPDATE documents SET status = 1 WHERE id = ?').bind(doc.id),
    ]);
    expect(await version()).toBe(before);
    await runHousekeeping(depsFromEnv(env, now), now);
    expect(await version()).toBe(before + 1);
    expect(await db.prepare('SELECT count(*) AS n FROM status_parts_pending').first('n')).toBe(0);
    await runHousekeeping(depsFromEnv(env, now), now);
    expect(await version()).toBe(before + 1);
  });
});
