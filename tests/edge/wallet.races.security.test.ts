/**
 * Issuance races in workerd + D1: two syncs of one account at the same moment (the phone
 * sending twice, or an officer's approval beside a sync) must leave one current version of
 * each document, not two valid ones. The race is made exact: the first sync is held just
 * before its write batch while the second runs to the end.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../edge/index';
import type { WalletSyncResponse } from '../../shared/api';
import { api, freshCitizen, ORIGIN, TestPhone } from './helpers/phone';
import { shardDb, shardOf } from './helpers/shards';

async function syncBody(phone: TestPhone): Promise<string> {
  const { body } = await api<{ challenge: string }>('/api/wallet/challenge', { body: {}, cookie: phone.cookie });
  return JSON.stringify({ challenge: body.challenge, signature: await phone.sign('issue', body.challenge) });
}

/** A sync, with one shard's binding replaced when `shard` is given. */
function syncRequest(phone: TestPhone, body: string, shard?: { binding: string; db: D1Database }) {
  return app.request(
    `${ORIGIN}/api/wallet/sync`,
    { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json', cookie: phone.cookie, 'cf-connecting-ip': '198.51.100.140' }, body },
    shard ? { ...env, [shard.binding]: shard.db } : env,
  );
}

/** A D1 binding (the account's shard) that, the first time a batch writing documents is about to run, runs `before` first. */
function dbHoldingFirstIssue(db: D1Database, before: () => Promise<unknown>): D1Database {
  let preparedIssue = false;
  let done = false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          if (/INSERT INTO documents/.test(sql)) preparedIssue = true;
          return target.prepare(sql);
        };
      }
      if (prop === 'batch') {
        return async (stmts: D1PreparedStatement[]) => {
          if (preparedIssue && !done) {
            done = true;
            await before();
          }
          return target.batch(stmts);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const currentVersions = async (accountId: string) =>
  (
    await (await shardDb(accountId)).prepare('SELECT doc_type, subject, count(*) AS n FROM documents WHERE account_id = ? AND superseded_at IS NULL GROUP BY doc_type, subject')
      .bind(accountId)
      .all<{ doc_type: string; subject: string; n: number }>()
  ).results;

describe('issuance races', () => {
  it('two first syncs at once: one current version of each document, and both phones get the same one', async () => {
    const phone = await TestPhone.create();
    const me = await phone.register(await freshCitizen());
    const [first, second] = [await syncBody(phone), await syncBody(phone)];
    let secondAnswer: Response | undefined;
    const shard = await shardOf(me.accountId);
    const db = dbHoldingFirstIssue(shard.db, async () => {
      secondAnswer = await syncRequest(phone, second);
    });
    const firstAnswer = await syncRequest(phone, first, { binding: shard.binding, db });
    expect(firstAnswer.status).toBe(200);
    expect(secondAnswer?.status).toBe(200);
    const a = (await firstAnswer.json()) as WalletSyncResponse;
    const b = (await secondAnswer!.json()) as WalletSyncResponse;
    expect(a.documents.length).toBeGreaterThan(0);
    // The held sync lost the race: it read again and kept the version the other issued.
    expect(a.documents.map((d) => d.id).sort()).toEqual(b.documents.map((d) => d.id).sort());
    const versions = await currentVersions(me.accountId);
    expect(versions.length).toBe(a.documents.length);
    expect(versions.every((v) => v.n === 1)).toBe(true);
  });

  it('the database refuses a second current version of a document outright', async () => {
    const phone = await TestPhone.create();
    const me = await phone.register(await freshCitizen());
    expect((await syncRequest(phone, await syncBody(phone))).status).toBe(200);
    const row = await (await shardDb(me.accountId)).prepare('SELECT * FROM documents WHERE account_id = ? AND superseded_at IS NULL LIMIT 1').bind(me.accountId).first<Record<string, unknown>>();
    const copy = (await shardDb(me.accountId)).prepare(
      `INSERT INTO documents (id, account_id, doc_type, subject, data, data_hash, device_key_id, status_index, status, issued_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
    ).bind('dup-' + crypto.randomUUID(), row!.account_id, row!.doc_type, row!.subject, row!.data, row!.data_hash, row!.device_key_id, 999_000_000 + Math.floor(Math.random() * 1e6), row!.issued_at, row!.expires_at);
    await expect(copy.run()).rejects.toThrow(/UNIQUE constraint failed/);
  });
});
