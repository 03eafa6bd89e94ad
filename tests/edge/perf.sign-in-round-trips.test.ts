/**
 * D1 round trips per sign-in, counted: the worker's app is called with a D1 binding that
 * counts every statement run on its own and every batch (one round trip each), on the main
 * database and on the registry shards alike. Under load a
 * round trip costs about as much as the rest of a sign-in (tests/bench/edge-signin.bench.ts),
 * so a change that adds one should fail here, not only in a benchmark.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../edge/index';
import type { Me } from '../../shared/api';
import { countingDb } from './helpers/counting-db';
import { freshCitizen, ORIGIN, TestPhone } from './helpers/phone';

const headers = { origin: ORIGIN, 'content-type': 'application/json', 'cf-connecting-ip': '198.51.100.77' };

describe('D1 round trips per sign-in', () => {
  it('options: no round trip; verification: three (read, write, registry); a signed-in request: one for its session', async () => {
    const phone = await TestPhone.create();
    await phone.register(await freshCitizen());
    // Every database counts: the main one and both registry shards (edge/store/shards.ts).
    const [main, r0, r1] = [countingDb(env.DB), countingDb(env.SHARD_0), countingDb(env.SHARD_1)];
    const counter = { trips: () => main.trips() + r0.trips() + r1.trips(), reset: () => [main, r0, r1].forEach((c) => c.reset()) };
    const countedEnv = { ...env, DB: main.db, SHARD_0: r0.db, SHARD_1: r1.db };

    const optionsRes = await app.request(`${ORIGIN}/api/auth/options`, { method: 'POST', headers, body: '{}' }, countedEnv);
    expect(optionsRes.status).toBe(200);
    // The challenge is signed, not stored (edge/domain/signed-challenge.ts).
    expect(counter.trips()).toBe(0);

    const { options } = (await optionsRes.json()) as { options: { challenge: string } };
    const credential = await phone.authenticator.get(options);
    const body = JSON.stringify({ credential, deviceKey: { keyId: phone.deviceKeyId, signature: await phone.sign('signin', options.challenge) } });
    counter.reset();
    const verifyRes = await app.request(`${ORIGIN}/api/auth/verify`, { method: 'POST', headers, body }, countedEnv);
    expect(verifyRes.status).toBe(200);
    expect(((await verifyRes.json()) as Me).deviceKeyId).toBe(phone.deviceKeyId);
    expect(verifyRes.headers.get('set-cookie')).toMatch(/__Host-vneid_session=/);
    expect(counter.trips()).toBe(3);

    // A signed-in request finds its session and account in one round trip (GET /api/me adds the registry).
    const cookie = verifyRes.headers.get('set-cookie')!.match(/(__Host-vneid_session=[^;]+)/)![1]!;
    counter.reset();
    const meRes = await app.request(`${ORIGIN}/api/me`, { headers: { cookie, 'cf-connecting-ip': '198.51.100.77' } }, countedEnv);
    expect(meRes.status).toBe(200);
    expect(counter.trips()).toBe(2);
  });
});
