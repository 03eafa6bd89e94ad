/**
 * The batched sign-in (edge/store/sign-in.ts) keeps the guarantees the sequential one had:
 * each case plays an attack or a race on the moments between the read and the write.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../edge/index';
import { api, freshCitizen, ORIGIN, TestPhone } from './helpers/phone';
import { shardDb, shardOf } from './helpers/shards';

const headers = (ip: string) => ({ origin: ORIGIN, 'content-type': 'application/json', 'cf-connecting-ip': ip });

async function registered() {
  const phone = await TestPhone.create();
  const me = await phone.register(await freshCitizen());
  return { phone, me };
}

async function signedAssertion(phone: TestPhone, knobs: { counter?: number } = {}) {
  const options = (await api<{ options: { challenge: string } }>('/api/auth/options', { body: {} })).body.options;
  const credential = await phone.authenticator.get(options, knobs);
  return JSON.stringify({ credential, deviceKey: { keyId: phone.deviceKeyId, signature: await phone.sign('signin', options.challenge) } });
}

/** A D1 binding (the account's shard) that runs `before` just ahead of its n-th batch (0-based): a concurrent change landing there. */
function dbWithChangeBefore(db: D1Database, n: number, before: () => Promise<unknown>): D1Database {
  let batches = 0;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'batch') {
        return async (stmts: D1PreparedStatement[]) => {
          if (batches++ === n) await before();
          return target.batch(stmts);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const sessionsOf = async (accountId: string) =>
  (await (await shardDb(accountId)).prepare('SELECT count(*) AS n FROM sessions WHERE account_id = ?').bind(accountId).first<{ n: number }>())!.n;

describe('sign-in: races on the batched write', () => {
  it('cloned authenticator racing: two assertions with the same counter at once, one session', async () => {
    const { phone, me } = await registered();
    const before = await sessionsOf(me.accountId);
    const a = await signedAssertion(phone, { counter: 7 });
    const b = await signedAssertion(phone, { counter: 7 });
    const results = await Promise.all([a, b].map((body, i) => app.request(`${ORIGIN}/api/auth/verify`, { method: 'POST', headers: headers(`198.51.100.${90 + i}`), body }, env)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 403]);
    const refused = results.find((r) => r.status === 403)!;
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('counter_regression');
    expect(await sessionsOf(me.accountId)).toBe(before + 1);
  });

  it('lock between the checks and the write: no session is left for the locked account', async () => {
    const { phone, me } = await registered();
    const body = await signedAssertion(phone);
    const before = await sessionsOf(me.accountId);
    const shard = await shardOf(me.accountId);
    const db = dbWithChangeBefore(shard.db, 1, () => shard.db.prepare("UPDATE accounts SET status = 'locked' WHERE id = ?").bind(me.accountId).run());
    const res = await app.request(`${ORIGIN}/api/auth/verify`, { method: 'POST', headers: headers('198.51.100.95'), body }, { ...env, [shard.binding]: db });
    expect(res.status).toBe(423);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('account_locked');
    expect(await sessionsOf(me.accountId)).toBe(before);
    const audit = await (await shardDb(me.accountId)).prepare("SELECT count(*) AS n FROM audit_log WHERE subject = ? AND action = 'signin'").bind(me.accountId).first<{ n: number }>();
    expect(audit!.n).toBe(0);
  });

  it('device change between the checks and the write: no session for the revoked device key', async () => {
    const { phone, me } = await registered();
    const body = await signedAssertion(phone);
    const before = await sessionsOf(me.accountId);
    const shard = await shardOf(me.accountId);
    const db = dbWithChangeBefore(shard.db, 1, () => shard.db.prepare('UPDATE device_keys SET revoked_at = ? WHERE key_id = ?').bind(Date.now(), phone.deviceKeyId).run());
    const res = await app.request(`${ORIGIN}/api/auth/verify`, { method: 'POST', headers: headers('198.51.100.96'), body }, { ...env, [shard.binding]: db });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('device_unknown');
    expect(await sessionsOf(me.accountId)).toBe(before);
  });

  it('a refused attempt over the client limit does not use up its challenge', async () => {
    const { phone } = await registered();
    const ip = '198.51.100.97';
    const body = await signedAssertion(phone);
    for (let i = 0; i < 30; i++) await api('/api/auth/verify', { body: {}, headers: { 'cf-connecting-ip': ip } });
    const limited = await app.request(`${ORIGIN}/api/auth/verify`, { method: 'POST', headers: headers(ip), body }, env);
    expect(limited.status).toBe(429);
    // The same assertion from elsewhere still finds its challenge.
    const ok = await app.request(`${ORIGIN}/api/auth/verify`, { method: 'POST', headers: headers('198.51.100.98'), body }, env);
    expect(ok.status).toBe(200);
  });
});
