/**
 * Rate limits hold under load, through HTTP: while background sign-ins run at 16
 * concurrent callers, bursts of concurrent requests go past each limit at once, and exactly
 * the limit gets through (the counters are one atomic upsert each; a burst must not slip
 * past them). SMS codes per phone, sign-in attempts per client, registration attempts per
 * ID number and per client; and a sign-in challenge is used once however many send it at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../edge/domain/rate-limit';
import { syntheticCitizen } from '../../edge/registries/synthetic';
import { closedLoop, type LoopFigures } from './helpers/closed-loop';
import { HttpClient, type HttpResponse } from './helpers/http';
import { signDeviceProofSync } from './helpers/node-authenticator';
import { clientIp, errorCodeOf, type LoadPhone } from './helpers/phone';
import type { Server } from './helpers/server';
import { CITIZEN_RANGES, recordFigures, registerPhones, startLoadServer } from './helpers/suite';

let server: Server;
let http: HttpClient;
let phones: LoadPhone[];
let background: Promise<LoopFigures>;
let stopBackground = false;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  server = await startLoadServer();
  http = new HttpClient(server.url, 96);
  // 32 for the background sign-ins, one more that only the replay case uses.
  phones = await registerPhones(http, server.url, 33, CITIZEN_RANGES.rateLimits);
  let ip = 0;
  background = closedLoop({
    concurrency: 16,
    durationMs: 120_000,
    stop: () => stopBackground,
    op: async (caller, n) => {
      const { verify } = await phones[caller * 2 + (n % 2)]!.signIn(clientIp(700_000 + (ip++ % 65_536)));
      return { status: String(verify.status), ok: verify.status === 200, requests: 2 };
    },
  });
});

afterAll(async () => {
  stopBackground = true;
  const bg = await background;
  recordFigures('rate-limits', { ...figures, backgroundSignIns: bg.operations, backgroundFailures: bg.failures, backgroundOutcomes: bg.outcomes });
  http?.close();
  await server?.stop();
  expect(bg.failures).toBe(0);
});

function post(path: string, body: unknown, ip: string): Promise<HttpResponse> {
  return http.request(path, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/json', 'cf-connecting-ip': ip }, body: JSON.stringify(body) });
}

/** Fires `n` requests at once; returns how many were refused as rate_limited and the other answers. */
async function burst(n: number, send: (i: number) => Promise<HttpResponse>): Promise<{ limited: number; others: Record<string, number> }> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => send(i)));
  const others: Record<string, number> = {};
  let limited = 0;
  for (const r of results) {
    expect(r.status).toBeLessThan(500);
    if (r.status === 429 && errorCodeOf(r) === 'rate_limited') {
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      limited++;
    } else others[`${r.status} ${errorCodeOf(r) ?? ''}`.trim()] = (others[`${r.status} ${errorCodeOf(r) ?? ''}`.trim()] ?? 0) + 1;
  }
  return { limited, others };
}

/** A generated citizen with a phone that no test registers. */
function spareCitizen(offset: number) {
  for (let i = CITIZEN_RANGES.rateLimits + 300 + offset; ; i++) {
    const c = syntheticCitizen(i);
    if (c.phone) return { idNumber: c.idNumber, fullName: c.fullName, birthDate: c.birthDate, phone: c.phone };
  }
}

describe('rate limits under load', () => {
  it(`SMS codes: ${LIMITS.smsPerPhone.limit} an hour per phone, whatever the ID numbers and clients`, async () => {
    const phone = spareCitizen(0).phone;
    // Lock-from-anywhere with ID numbers that match nothing: a decoy code each, counted against the phone.
    const r = await burst(12, (i) => post('/api/lock/start', { idNumber: `0791${String(90_000_000 + i).slice(-8)}`, phone }, clientIp(800_000 + i)));
    figures.smsPerPhone = r;
    expect(r.limited).toBe(12 - LIMITS.smsPerPhone.limit);
    expect(r.others).toEqual({ '201': LIMITS.smsPerPhone.limit });
  });

  it(`sign-in attempts: ${LIMITS.signInPerClient.limit} a minute per client`, async () => {
    const ip = clientIp(810_000);
    const r = await burst(45, () => post('/api/auth/verify', {}, ip));
    figures.signInPerClient = r;
    expect(r.limited).toBe(45 - LIMITS.signInPerClient.limit);
    expect(r.others).toEqual({ '400 validation_failed': LIMITS.signInPerClient.limit });
  });

  it('sign-in challenges are signed, not stored: one assertion replayed 40 times at once from 40 clients signs in once', async () => {
    // Options cost no storage, so they have no limit of their own; what keeps a challenge to
    // one use is the used-mark the verification stores under the challenge's primary key.
    const phone = phones[32]!;
    const options = await post('/api/auth/options', {}, clientIp(820_000));
    expect(options.status).toBe(200);
    const { challenge } = (JSON.parse(options.text) as { options: { challenge: string } }).options;
    phone.keys.counter++;
    const credential = phone.auth.get(challenge, { credentialId: phone.keys.credentialId, userHandle: phone.keys.userHandle, key: phone.keys.passkey, counter: phone.keys.counter });
    const body = { credential, deviceKey: { keyId: phone.keys.deviceKeyId, signature: signDeviceProofSync(phone.keys.device, 'signin', challenge) } };
    const r = await burst(40, (i) => post('/api/auth/verify', body, clientIp(821_000 + i)));
    figures.replayedChallenge = r;
    expect(r.limited).toBe(0);
    expect(r.others).toEqual({ '200': 1, '400 challenge_invalid': 39 });
  });

  it(`registration: ${LIMITS.enrolPerIdNumber.limit} attempts an hour per ID number, from any clients`, async () => {
    const c = spareCitizen(10);
    // Wrong birth dates: each attempt is a registry mismatch, and each counts.
    const r = await burst(10, (i) => post('/api/enrol/start', { ...c, birthDate: `19${50 + i}-01-01` }, clientIp(830_000 + i)));
    figures.enrolPerIdNumber = r;
    expect(r.limited).toBe(10 - LIMITS.enrolPerIdNumber.limit);
    expect(r.others).toEqual({ '400 registry_mismatch': LIMITS.enrolPerIdNumber.limit });
  });

  it(`registration: ${LIMITS.enrolPerClient.limit} attempts an hour per client, whatever the ID numbers`, async () => {
    const ip = clientIp(840_000);
    const r = await burst(30, (i) => post('/api/enrol/start', { ...spareCitizen(20 + i * 3), birthDate: '1900-01-01' }, ip));
    figures.enrolPerClient = r;
    expect(r.limited).toBe(30 - LIMITS.enrolPerClient.limit);
    expect(r.others).toEqual({ '400 registry_mismatch': LIMITS.enrolPerClient.limit });
  });
});
