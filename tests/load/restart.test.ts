/**
 * The worker restarts in the middle of the load, twice: `wrangler dev` is stopped (SIGTERM)
 * and started again on the same state directory and port, and later killed (SIGKILL, a crash)
 * and started again, while phones submit residence notifications, each
 * with its own Idempotency-Key, retrying as the PWA's outbox does (same key, until a 201).
 * Afterwards D1 holds exactly one row per key (counted with `wrangler d1 execute --json`):
 * none lost, none duplicated; and every client got its answer, sessions still valid.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HttpClient } from './helpers/http';
import { clientIp, errorCodeOf, residenceNotice, type LoadPhone } from './helpers/phone';
import { d1QueryShards, type Server } from './helpers/server';
import { CITIZEN_RANGES, recordFigures, registerPhones, startLoadServer } from './helpers/suite';

const PHONES = 32;
/**
 * Per phone, under the 20-an-hour limit on residence notifications with room to spare: a
 * duplicate that races its twin, or an attempt cut off by the crash after it was counted,
 * counts against the limit too (the limit is hit before the idempotent insert).
 */
const PER_PHONE = 14;
const RESTART_AFTER_MS = 4000;
const DOWN_MS = 1000;

let server: Server;
let http: HttpClient;
let phones: LoadPhone[];

beforeAll(async () => {
  server = await startLoadServer();
  http = new HttpClient(server.url, PHONES);
  phones = await registerPhones(http, server.url, PHONES, CITIZEN_RANGES.restart);
});

afterAll(async () => {
  http?.close();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('restart under load', () => {
  it('wrangler dev stopped, then killed, and started again mid-load: every submission stored exactly once, clients recover', async () => {
    const keys = phones.map(() => Array.from({ length: PER_PHONE }, () => crypto.randomUUID()));
    const outcome = { attempts: 0, created: 0, replayed: 0, connectionErrors: 0, fiveXx: 0, other: {} as Record<string, number> };
    const answered = new Set<string>();
    const createdKeys = new Set<string>();
    const started = Date.now();

    const client = async (i: number) => {
      const phone = phones[i]!;
      for (const [n, key] of keys[i]!.entries()) {
        const body = residenceNotice(i * 100 + n);
        // The outbox keeps trying with the same key until the edge answers (bounded here).
        for (let attempt = 0; ; attempt++) {
          if (Date.now() - started > 90_000) throw new Error(`phone ${i} gave up on ${key}: ${JSON.stringify(outcome)}`);
          outcome.attempts++;
          // Every sixth submission goes out twice at once, as when Background Sync and the
          // app's own flush on reopening race with the same outbox entry.
          const copies = n % 6 === 0 && attempt === 0 ? 2 : 1;
          const results = await Promise.allSettled(
            Array.from({ length: copies }, () => phone.submitResidence(key, body, { ip: clientIp(500_000 + i), timeoutMs: 10_000 })),
          );
          let done = false;
          for (const r of results) {
            if (r.status === 'rejected') {
              outcome.connectionErrors++;
              continue;
            }
            const res = r.value;
            if (res.status === 201) {
              if (res.headers['idempotent-replayed'] === 'true') outcome.replayed++;
              else {
                outcome.created++;
                createdKeys.add(key);
              }
              answered.add(key);
              done = true;
            } else if (res.status >= 500) outcome.fiveXx++;
            else outcome.other[`${res.status} ${errorCodeOf(res)}`] = (outcome.other[`${res.status} ${errorCodeOf(res)}`] ?? 0) + 1;
          }
          if (done) break;
          await sleep(Math.min(1000, 100 * 2 ** Math.min(attempt, 4)));
        }
        await sleep(50 + (n % 3) * 100);
      }
    };

    // First a clean stop (SIGTERM, as a deploy does), later a crash (SIGKILL to every process).
    const restart = (async () => {
      const downtimes: number[] = [];
      for (const [at, how] of [[RESTART_AFTER_MS, 'stop'], [RESTART_AFTER_MS, 'kill']] as const) {
        await sleep(at);
        const t0 = Date.now();
        await (how === 'stop' ? server.stop() : server.kill());
        await sleep(DOWN_MS);
        server = await startLoadServer();
        downtimes.push(Date.now() - t0);
      }
      return downtimes;
    })();
    await Promise.all(phones.map((_, i) => client(i)));
    const downMs = await restart;

    // Clients recover: a signed-in request and a fresh sign-in both work after the restart.
    const after = await phones[0]!.get('/api/me');
    expect(after.status).toBe(200);
    const { verify } = await phones[1]!.signIn();
    expect(verify.status).toBe(200);

    await server.stop();
    const all = keys.flat();
    // The notifications are on their authors' shards: every shard's count of each key, added up.
    const counted = await d1QueryShards<{ idempotency_key: string; n: number }>(
      inject('loadState'),
      `SELECT idempotency_key, count(*) AS n FROM residence_notices WHERE idempotency_key IN (${all.map((k) => `'${k}'`).join(',')}) GROUP BY idempotency_key`,
    );
    const sums = new Map<string, number>();
    for (const r of counted) sums.set(r.idempotency_key, (sums.get(r.idempotency_key) ?? 0) + r.n);
    const rows = [...sums].map(([idempotency_key, n]) => ({ idempotency_key, n }));
    server = await startLoadServer();
    const stored = new Map(rows.map((r) => [r.idempotency_key, r.n]));
    const lost = all.filter((k) => !stored.has(k));
    const duplicated = rows.filter((r) => r.n > 1);
    recordFigures('restart', {
      submissions: all.length,
      attempts: outcome.attempts,
      created: outcome.created,
      replayed: outcome.replayed,
      answersLostThenReplayed: all.length - createdKeys.size,
      connectionErrors: outcome.connectionErrors,
      fiveXx: outcome.fiveXx,
      otherRefusals: outcome.other,
      downtimeMs: downMs,
      rowsStored: rows.reduce((s, r) => s + r.n, 0),
      lost: lost.length,
      duplicated: duplicated.length,
    });
    // Every submission was answered; no key was created twice (each other 201 was a replay of
    // the stored result, including answers lost when the worker went down after storing).
    expect(answered.size).toBe(all.length);
    expect(outcome.created).toBe(createdKeys.size);
    expect(outcome.replayed).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(outcome.other).toEqual({});
    // The restart really happened in the middle: some attempts met a stopped worker.
    expect(outcome.connectionErrors + outcome.fiveXx).toBeGreaterThan(0);
  });
});
