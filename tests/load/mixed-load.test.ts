/**
 * Sixty seconds of mixed load at 64 concurrent callers against `wrangler dev` with local
 * D1: sign-ins, wallet syncs (the first one issues every document), residence
 * notifications (each with its own Idempotency-Key) and signed-in reads. Every operation
 * must do what it should: no error, no 5xx, for the whole run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedLoop, type Outcome } from './helpers/closed-loop';
import { HttpClient, type HttpResponse } from './helpers/http';
import { clientIp, errorCodeOf, residenceNotice, type LoadPhone } from './helpers/phone';
import { CITIZEN_RANGES, recordFigures, registerPhones, startLoadServer } from './helpers/suite';
import type { Server } from './helpers/server';

const CONCURRENCY = 64;
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
/** Two phones per caller: a phone is never in two operations at once (its sign counter moves one by one). */
const PHONES = CONCURRENCY * 2;
/** Residence notifications per account and hour (edge/domain/residence.ts); stay under it. */
const RESIDENCE_BUDGET = 18;

let server: Server;
let http: HttpClient;
let phones: LoadPhone[];

beforeAll(async () => {
  server = await startLoadServer();
  http = new HttpClient(server.url, CONCURRENCY);
  phones = await registerPhones(http, server.url, PHONES, CITIZEN_RANGES.load);
});

afterAll(async () => {
  http?.close();
  await server?.stop();
});

const is = (res: HttpResponse, status: number, requests: number): Outcome => ({
  status: `${res.status}${res.status === status ? '' : ` ${errorCodeOf(res) ?? res.text.slice(0, 40)}`}`,
  ok: res.status === status,
  requests,
});

describe('mixed load', () => {
  it(`${SECONDS} s at ${CONCURRENCY} concurrent: sign-in, wallet sync, residence notification, reads — 0 errors, 0 × 5xx`, async () => {
    const submitted = new Map<LoadPhone, number>();
    let ip = 0;
    const kinds: Record<string, number> = {};
    const statuses: Record<number, number> = {};
    const count = (res: HttpResponse) => (statuses[res.status] = (statuses[res.status] ?? 0) + 1);
    const f = await closedLoop({
      concurrency: CONCURRENCY,
      durationMs: SECONDS * 1000,
      pids: server.pids(),
      op: async (caller, n) => {
        const phone = phones[caller * 2 + (n % 2)]!;
        const from = clientIp(300_000 + (ip++ % 65_536));
        const r = n % 10;
        if (r < 4 || !phone.cookie) {
          kinds.signIn = (kinds.signIn ?? 0) + 1;
          const { options, verify } = await phone.signIn(from);
          count(options);
          if (options.status !== 200) return is(options, 200, 1);
          count(verify);
          return is(verify, 200, 2);
        }
        if (r < 7) {
          kinds.walletSync = (kinds.walletSync ?? 0) + 1;
          const { challenge, sync } = await phone.walletSync(from);
          count(challenge);
          if (challenge.status !== 200) return is(challenge, 200, 1);
          count(sync);
          return is(sync, 200, 2);
        }
        if (r < 9 && (submitted.get(phone) ?? 0) < RESIDENCE_BUDGET) {
          kinds.residence = (kinds.residence ?? 0) + 1;
          submitted.set(phone, (submitted.get(phone) ?? 0) + 1);
          const res = await phone.submitResidence(crypto.randomUUID(), residenceNotice(n), { ip: from });
          count(res);
          return is(res, 201, 1);
        }
        kinds.read = (kinds.read ?? 0) + 1;
        const res = await phone.get(n % 2 ? '/api/me' : '/api/services/residence', { ip: from });
        count(res);
        return is(res, 200, 1);
      },
    });
    const fiveXx = Object.entries(statuses).filter(([s]) => Number(s) >= 500).reduce((s, [, c]) => s + c, 0);
    recordFigures('mixed-load', {
      seconds: Number(f.seconds.toFixed(1)),
      concurrency: CONCURRENCY,
      operations: f.operations,
      requests: f.requests,
      requestsPerSecond: Number(f.requestsPerSecond.toFixed(1)),
      kinds,
      statuses,
      errors: f.failures,
      fiveXx,
      p50ms: Number(f.p50.toFixed(1)),
      p99ms: Number(f.p99.toFixed(1)),
      workerCpuMsPerRequest: Number(((f.cpuMs.worker ?? 0) / f.requests).toFixed(2)),
      outcomes: f.outcomes,
    });
    expect(fiveXx).toBe(0);
    expect(f.failures).toBe(0);
    expect(f.operations).toBeGreaterThan(SECONDS * 10);
  });
});
