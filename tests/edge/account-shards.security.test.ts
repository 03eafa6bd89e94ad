/**
 * What one database's unique keys gave, across the shards (edge/store/directory.ts), and routing
 * keys an attacker changes (edge/store/shard-keys.ts), one attack a test, in workerd against
 * both local shards. Two registrations on different shards cannot meet in a shard's primary key:
 * only the global directory stands between them.
 */
import { env, SELF } from 'cloudflare:test';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { EnrolFinishRequest } from '../../shared/api';
import { finishEnrolment } from '../../edge/domain/enrolment';
import { fromBase64Url, toBase64Url } from '../../shared/bytes';
import { depsFromEnv, mainDb, shardRouter } from '../../edge/http/app';
import type { Citizen } from '../../edge/registries/population';
import { shardOf } from '../../edge/store/shards';
import { wallet } from './helpers/accounts';
import { createPortal, signInToPortal } from './helpers/oidc';
import { api, freshCitizen, latestSmsCode, ORIGIN, TestPhone } from './helpers/phone';
import { officerCookie, submitResidence } from './helpers/services';
import { countOnShards, main } from './helpers/shards';

function citizenOf(binding: 'SHARD_0' | 'SHARD_1'): Promise<Citizen & { phone: string }> {
  const { map } = shardRouter(env);
  return freshCitizen((c) => shardOf(map, c.idNumber) === binding);
}

const pendingReservations = () => main().prepare('SELECT count(*) AS n FROM key_directory WHERE reservation IS NOT NULL').first<number>('n');

/** A routing key with its sealed part changed (a forger aiming at another shard, or at none). */
function forged(key: string): string {
  const bytes = fromBase64Url(key)!;
  bytes[0]! ^= 0x01;
  return toBase64Url(bytes);
}

describe('global uniqueness across shards', () => {
  it('attack: one device key registers two citizens of different shards at the same moment — exactly one account gets it, the other is refused and keeps no reservation', async () => {
    const [a, b] = [await citizenOf('SHARD_0'), await citizenOf('SHARD_1')];
    const phoneA = await TestPhone.create();
    const phoneB = await TestPhone.create();
    Object.assign(phoneB, { device: phoneA.device, devicePublicKey: phoneA.devicePublicKey, deviceKeyId: phoneA.deviceKeyId });
    const ra = await phoneA.startRegistration(a);
    const rb = await phoneB.startRegistration(b);
    const results = await Promise.all([phoneA.finishRegistration(ra.enrolmentId, ra.options), phoneB.finishRegistration(rb.enrolmentId, rb.options)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.error?.code).toBe('device_already_bound');
    // One device key row on all the shards together, one account made, nothing half-reserved.
    expect(await countOnShards('SELECT count(*) AS n FROM device_keys WHERE key_id = ?', phoneA.deviceKeyId)).toBe(1);
    expect(await countOnShards('SELECT count(*) AS n FROM accounts WHERE id_number IN (?, ?)', a.idNumber, b.idNumber)).toBe(1);
    expect(await pendingReservations()).toBe(0);
    // The loser's citizen is not locked out: on a phone of their own the registration finishes.
    const loser = results[0]!.status === 409 ? { citizen: a, r: ra } : { citizen: b, r: rb };
    const own = await TestPhone.create();
    const retry = await own.startRegistration(loser.citizen);
    expect((await own.finishRegistration(retry.enrolmentId, retry.options)).status).toBe(201);
  });

  it('attack: one passkey credential id registered by two citizens of different shards at the same moment — exactly one passkey exists', async () => {
    const [a, b] = [await citizenOf('SHARD_0'), await citizenOf('SHARD_1')];
    const phoneA = await TestPhone.create();
    const phoneB = await TestPhone.create();
    const credentialId = crypto.getRandomValues(new Uint8Array(32));
    const ra = await phoneA.startRegistration(a);
    const rb = await phoneB.startRegistration(b);
    const results = await Promise.all([
      phoneA.finishRegistration(ra.enrolmentId, ra.options, { credentialId }),
      phoneB.finishRegistration(rb.enrolmentId, rb.options, { credentialId }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body.error?.code).toBe('credential_exists');
    expect(await countOnShards('SELECT count(*) AS n FROM passkeys WHERE credential_id = ?', toBase64Url(credentialId))).toBe(1);
    // The refused phone's device key was given back with the credential: it registers with a passkey of its own.
    expect(await pendingReservations()).toBe(0);
    const loser = results[0]!.status === 409 ? { phone: phoneA, citizen: a } : { phone: phoneB, citizen: b };
    const again = await loser.phone.startRegistration(loser.citizen);
    expect((await loser.phone.finishRegistration(again.enrolmentId, again.options)).status).toBe(201);
  });

  it('race: a citizen of the other shard binds the same device key between this finish\'s checks and its reservation — this finish is refused, its registration stays open', async () => {
    const citizen = await citizenOf('SHARD_1');
    const phone = await TestPhone.create();
    const { enrolmentId, options } = await phone.startRegistration(citizen);
    const credential = await phone.authenticator.create(options);
    const input = v.parse(EnrolFinishRequest, {
      enrolmentId,
      credential,
      deviceKey: { publicKey: toBase64Url(phone.devicePublicKey), signature: await phone.sign('register', options.challenge), label: 'Test phone' },
    });
    // The main database's first batch in a finish is the reservation: the rival registers just before it.
    const db = mainDb(env);
    let raced = false;
    const deps = depsFromEnv(env, Date.now());
    deps.db = new Proxy(db, {
      get(target, prop) {
        if (prop === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (!raced) {
              raced = true;
              const rival = await TestPhone.create();
              Object.assign(rival, { device: phone.device, devicePublicKey: phone.devicePublicKey, deviceKeyId: phone.deviceKeyId });
              await rival.register(await citizenOf('SHARD_0'));
            }
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(finishEnrolment(deps, input)).rejects.toMatchObject({ code: 'device_already_bound' });
    expect(raced).toBe(true);
    expect(await env.SHARD_1.prepare('SELECT count(*) AS n FROM accounts WHERE id_number = ?').bind(citizen.idNumber).first('n')).toBe(0);
    expect(await countOnShards('SELECT count(*) AS n FROM device_keys WHERE key_id = ?', phone.deviceKeyId)).toBe(1);
    expect(await pendingReservations()).toBe(0);
    expect(await env.SHARD_1.prepare('SELECT state FROM enrolments WHERE id = ?').bind(enrolmentId).first('state')).toBe('approved');
  });

  it('attack: a device key of a citizen on one shard presented as the new phone of an account on the other (device change) is refused', async () => {
    const holder = await TestPhone.create();
    await holder.register(await citizenOf('SHARD_0'));
    const target = await citizenOf('SHARD_1');
    await (await TestPhone.create()).register(target);
    const start = await api<{ requestId: string }>('/api/device-change/start', { body: { idNumber: target.idNumber, phone: target.phone, label: 'X' } });
    const verify = await api('/api/device-change/verify', { body: { requestId: start.body.requestId, code: await latestSmsCode(target.phone), deviceKeyId: holder.deviceKeyId } });
    expect(verify.status).toBe(409);
    expect(verify.body.error?.code).toBe('device_already_bound');
  });
});

describe('routing keys an attacker changes', () => {
  it('attack: a session cookie with its shard key changed opens no session (on the shard it now names, or none)', async () => {
    const phone = await TestPhone.create();
    await phone.register(await citizenOf('SHARD_1'));
    const token = phone.cookie.split('=')[1]!;
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
    const res = await api('/api/me', { cookie: `__Host-vneid_session=${forged(token)}` });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('unauthenticated');
  });

  it('attack: an access token with its shard key changed is invalid_token at UserInfo; the genuine one is answered', async () => {
    const phone = await TestPhone.create();
    await phone.register(await citizenOf('SHARD_0'));
    const portal = await createPortal();
    const { tokens } = await signInToPortal(phone, portal);
    const userinfo = (token: string) => SELF.fetch(`${ORIGIN}/oidc/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    const refused = await userinfo(forged(tokens.access_token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
  });

  it('attack: a submission id with its shard key changed finds nothing for the officer (404), the genuine one opens', async () => {
    const phone = await TestPhone.create();
    await phone.register(await citizenOf('SHARD_0'));
    const sent = await submitResidence(phone, crypto.randomUUID(), {
      role: 'guest',
      communeCode: '00091',
      address: 'Số 1 Tràng Tiền',
      people: [],
      from: new Date().toISOString().slice(0, 10),
      to: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
      reason: 'Du lịch',
    });
    expect(sent.status).toBe(201);
    const { cookie } = await officerCookie('00091');
    expect((await api(`/api/officer/services/residence/${forged(sent.body.id)}`, { cookie })).status).toBe(404);
    expect((await api(`/api/officer/services/residence/${sent.body.id}`, { cookie })).status).toBe(200);
    expect((await wallet(phone)).status).toBe(200);
  });
});
