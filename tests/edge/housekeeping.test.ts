/**
 * Housekeeping through the worker's real `scheduled` export in workerd + D1: every trigger
 * purges what has expired in bounded batches (edge/store/housekeeping.ts) and keeps what
 * is live; only the daily trigger sends the day's notices.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker, { CRONS } from '../../edge/index';
import { runHousekeeping } from '../../edge/domain/housekeeping';
import { depsFromEnv } from '../../edge/http/app';
import { BATCH, LONGEST_RATE_WINDOW_MS } from '../../edge/store/housekeeping';
import { SMS_TRIES_FORGET_MS } from '../../edge/store/sms';
import { vietnamDay } from '../../shared/services';
import { api, freshCitizen, TestPhone } from './helpers/phone';
import { registryDb } from './helpers/registry';
import { shardDb } from './helpers/shards';

async function runCron(cron: string, scheduledTime = Date.now()): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const exists = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first()) !== null;

describe('housekeeping', () => {
  it('the ten-minute trigger removes expired rows of every short-lived table and keeps live ones', async () => {
    const now = Date.now();
    const tag = crypto.randomUUID().slice(0, 8);
    const phone = await TestPhone.create();
    const me = await phone.register(await freshCitizen());
    // The session is on the account's shard; the rest is global.
    await (await shardDb(me.accountId))
      .prepare('INSERT INTO sessions (token_hash, account_id, device_key_id, created_at, expires_at, absolute_expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(`old-${tag}`, me.accountId, phone.deviceKeyId, now - 7_200_000, now - 1000, now + 3_600_000)
      .run();
    await env.DB.batch([
      env.DB.prepare('INSERT INTO challenges (challenge, purpose, subject, expires_at) VALUES (?, ?, NULL, ?), (?, ?, NULL, ?)').bind(
        `old-${tag}`, 'used:signin', now - 1000, `live-${tag}`, 'used:signin', now + 60_000,
      ),
      env.DB.prepare('INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 3), (?, ?, 3)').bind(
        `old-${tag}`, now - LONGEST_RATE_WINDOW_MS - 1000, `live-${tag}`, now - 60_000,
      ),
      env.DB.prepare(
        `INSERT INTO sms_codes (flow_id, purpose, phone, code_hash, expires_at, consumed_at)
         VALUES (?, 'enrol', '0900000000', 'h', ?, NULL), (?, 'enrol', '0900000000', 'h', ?, NULL)`,
      ).bind(`old-${tag}`, now - 2 * 3_600_000, `live-${tag}`, now + 60_000),
      // Counts of tries untouched for over a day: one over, one whose (long) lock still runs.
      env.DB.prepare(
        `INSERT INTO sms_code_tries (phone, purpose, attempts, lockouts, locked_until, updated_at)
         VALUES (?, 'enrol', 3, 0, NULL, ?), (?, 'enrol', 5, 7, ?, ?)`,
      ).bind(`old-${tag}`, now - SMS_TRIES_FORGET_MS - 1000, `locked-${tag}`, now + 600_000, now - SMS_TRIES_FORGET_MS - 1000),
    ]);

    await runCron(CRONS.housekeeping, now);

    expect(await exists('SELECT 1 FROM challenges WHERE challenge = ?', `old-${tag}`)).toBe(false);
    expect(await exists('SELECT 1 FROM challenges WHERE challenge = ?', `live-${tag}`)).toBe(true);
    expect(await (await shardDb(me.accountId)).prepare('SELECT 1 FROM sessions WHERE token_hash = ?').bind(`old-${tag}`).first()).toBeNull();
    // The phone's own session (made at registration) is live and stays.
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
    expect(await exists('SELECT 1 FROM rate_limits WHERE key = ?', `old-${tag}`)).toBe(false);
    expect(await exists('SELECT 1 FROM rate_limits WHERE key = ?', `live-${tag}`)).toBe(true);
    expect(await exists('SELECT 1 FROM sms_codes WHERE flow_id = ?', `old-${tag}`)).toBe(false);
    expect(await exists('SELECT 1 FROM sms_codes WHERE flow_id = ?', `live-${tag}`)).toBe(true);
    expect(await exists('SELECT 1 FROM sms_code_tries WHERE phone = ?', `old-${tag}`)).toBe(false);
    // A phone still locked keeps its lock: waiting for a purge must not lift it.
    expect(await exists('SELECT 1 FROM sms_code_tries WHERE phone = ?', `locked-${tag}`)).toBe(true);
  });

  it('deletes in bounded batches and comes back for the rest: 12,000 expired challenges in three rounds', async () => {
    const now = Date.now();
    const tag = crypto.randomUUID().slice(0, 8);
    const rows = 12_000;
    // Multi-row inserts of 500 (D1 caps the bound parameters of a statement).
    const inserts = [];
    for (let i = 0; i < rows; i += 500) {
      const values = Array.from({ length: 500 }, (_, j) => `('bulk-${tag}-${i + j}', 'used:signin', NULL, ${now - 1000})`).join(',');
      inserts.push(env.DB.prepare(`INSERT INTO challenges (challenge, purpose, subject, expires_at) VALUES ${values}`));
    }
    await env.DB.batch(inserts);
    const count = async () => (await env.DB.prepare("SELECT count(*) AS n FROM challenges WHERE challenge LIKE ?").bind(`bulk-${tag}-%`).first<{ n: number }>())!.n;

    const one = await runHousekeeping(depsFromEnv(env, now), now, 1);
    expect(one.challenges).toBe(BATCH);
    expect(await count()).toBe(rows - BATCH);

    const rest = await runHousekeeping(depsFromEnv(env, now), now);
    expect(rest.challenges).toBe(rows - BATCH);
    expect(await count()).toBe(0);
  });

  it('only the daily trigger sends the day’s notices: a birthday is greeted by 01:00, not by the ten-minute purge', async () => {
    const now = Date.now();
    const base = await freshCitizen();
    const citizen = { ...base, birthDate: `1980-${vietnamDay(now).slice(5)}` };
    await registryDb(citizen.idNumber).prepare('UPDATE registry_citizens SET birth_date = ? WHERE id_number = ?').bind(citizen.birthDate, citizen.idNumber).run();
    const phone = await TestPhone.create();
    await phone.register(citizen);
    const greetings = async () =>
      (await api<{ notifications: Array<{ kind: string }> }>('/api/notifications', { cookie: phone.cookie })).body.notifications.filter((n) => n.kind === 'birthday').length;

    await runCron(CRONS.housekeeping, now);
    expect(await greetings()).toBe(0);
    await runCron(CRONS.daily, now);
    expect(await greetings()).toBe(1);
  });
});
