/**
 * Hostile cases for registration and sign-in, one attack a test, against the real worker
 * in workerd with real D1. Each names the attack it plays.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { app } from '../../edge/index';
import { mintChallenge } from '../../edge/domain/signed-challenge';
import { fromBase64Url, toBase64Url } from '../../shared/bytes';
import { generateDeviceKey, signDeviceProof } from '../../shared/device-key';
import { api, freshCitizen, latestSmsCode, ORIGIN, TestPhone } from './helpers/phone';
import { countOnShards, shardDb } from './helpers/shards';

async function registeredPhone() {
  const citizen = await freshCitizen();
  const phone = await TestPhone.create();
  const me = await phone.register(citizen);
  return { phone, me, citizen };
}

describe('sign-in: the WebAuthn ceremony', () => {
  it('replayed challenge: the same signed assertion sent twice is refused the second time', async () => {
    const { phone } = await registeredPhone();
    const options = await phone.signInOptions();
    const credential = await phone.authenticator.get(options);
    const deviceKey = { keyId: phone.deviceKeyId, signature: await phone.sign('signin', options.challenge) };
    expect((await api('/api/auth/verify', { body: { credential, deviceKey } })).status).toBe(200);
    const replay = await api('/api/auth/verify', { body: { credential, deviceKey } });
    expect(replay.status).toBe(400);
    expect(replay.body.error?.code).toBe('challenge_invalid');
  });

  it('expired challenge: a genuine challenge past its lifetime is refused', async () => {
    const { phone } = await registeredPhone();
    // Made exactly as the edge makes them (same secret, same purpose), but expired a moment ago.
    const challenge = await mintChallenge(env.SESSION_SECRET!, 'signin', Date.now() - 1);
    const res = await phone.signIn({ options: { challenge } });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('challenge_invalid');
    expect(res.body.error?.message).toMatch(/expired/);
    // The same, still valid, signs in: what was refused is the expiry alone.
    const fresh = await mintChallenge(env.SESSION_SECRET!, 'signin', Date.now() + 60_000);
    expect((await phone.signIn({ options: { challenge: fresh } })).status).toBe(200);
  });

  it('forged expiry: a sign-in challenge with its expiry moved later no longer opens', async () => {
    const { phone } = await registeredPhone();
    const options = await phone.signInOptions();
    const bytes = fromBase64Url(options.challenge)!;
    bytes[6] = bytes[6]! ^ 0x01; // the low byte of the 48-bit expiry
    const res = await phone.signIn({ options: { challenge: toBase64Url(bytes) } });
    expect(res.body.error?.code).toBe('challenge_invalid');
  });

  it('challenge of another purpose: a sign-in challenge signed for another ceremony is refused', async () => {
    const { phone } = await registeredPhone();
    const challenge = await mintChallenge(env.SESSION_SECRET!, 'approve-device', Date.now() + 60_000);
    expect((await phone.signIn({ options: { challenge } })).body.error?.code).toBe('challenge_invalid');
  });

  it('challenge never issued: a self-made challenge is refused', async () => {
    const { phone } = await registeredPhone();
    const res = await phone.signIn({ options: { challenge: toBase64Url(crypto.getRandomValues(new Uint8Array(32))) } });
    expect(res.body.error?.code).toBe('challenge_invalid');
  });

  it('registration challenge used for sign-in: a challenge is bound to its purpose', async () => {
    const citizen = await freshCitizen();
    const phone = await TestPhone.create();
    const { options: regOptions } = await phone.startRegistration(citizen);
    const { phone: other } = await registeredPhone();
    const res = await other.signIn({ options: { challenge: regOptions.challenge } });
    expect(res.body.error?.code).toBe('challenge_invalid');
  });

  it('wrong origin: an assertion made for a phishing site is refused', async () => {
    const { phone } = await registeredPhone();
    const res = await phone.signIn({ origin: 'https://id-example-vn.phish.example' });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('webauthn_failed');
  });

  it('wrong RP ID: authenticator data for another relying party is refused', async () => {
    const { phone } = await registeredPhone();
    const res = await phone.signIn({ rpId: 'example.vn' });
    expect(res.body.error?.code).toBe('webauthn_failed');
  });

  it('wrong ceremony type: a registration-type clientData is refused for sign-in', async () => {
    const { phone } = await registeredPhone();
    const res = await phone.signIn({ type: 'webauthn.create' });
    expect(res.body.error?.code).toBe('webauthn_failed');
  });

  it('UV missing: an assertion without user verification is refused', async () => {
    const { phone } = await registeredPhone();
    const res = await phone.signIn({ userVerified: false });
    expect(res.body.error?.code).toBe('user_verification_required');
  });

  it('counter regression: a cloned authenticator replaying an old counter is refused', async () => {
    const { phone } = await registeredPhone();
    expect((await phone.signIn({ counter: 5 })).status).toBe(200);
    const res = await phone.signIn({ counter: 5 });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('counter_regression');
    const lower = await phone.signIn({ counter: 3 });
    expect(lower.body.error?.code).toBe('counter_regression');
  });

  it('BE flag changed: a credential whose backup eligibility flips is refused', async () => {
    const { phone } = await registeredPhone();
    const res = await phone.signIn({ backupEligible: true });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('backup_state_changed');
  });

  it('unknown credential: an assertion from a passkey never registered is refused', async () => {
    const { phone } = await registeredPhone();
    const stranger = await TestPhone.create();
    await stranger.authenticator.create({ challenge: 'x', user: { id: phone.cookie ? 'AAAAAAAAAAAAAAAAAAAAAA' : 'A' } });
    const res = await stranger.signIn({ deviceProof: { keyId: phone.deviceKeyId, signature: await phone.sign('signin', 'unused') } });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('credential_unknown');
  });

  it('credential of another account: a passkey presented with another account\'s user handle is refused', async () => {
    const a = await registeredPhone();
    const b = await registeredPhone();
    const res = await a.phone.signIn({ userHandle: b.me.accountId });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('user_handle_mismatch');
  });

  it('credential of another account: A\'s passkey with B\'s device key is refused', async () => {
    const a = await registeredPhone();
    const b = await registeredPhone();
    const options = await a.phone.signInOptions();
    const res = await a.phone.signIn({ options, deviceProof: { keyId: b.phone.deviceKeyId, signature: await b.phone.sign('signin', options.challenge) } });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('device_proof_invalid');
  });

  it('missing device-key signature: a synced passkey alone does not open the account', async () => {
    const { phone } = await registeredPhone();
    const res = await phone.signIn({ deviceProof: null });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('device_proof_required');
  });

  it('wrong device-key signature: a proof signed by another key is refused', async () => {
    const { phone } = await registeredPhone();
    const other = await generateDeviceKey();
    const options = await phone.signInOptions();
    const forged = toBase64Url(await signDeviceProof(other.privateKey, 'signin', options.challenge));
    const res = await phone.signIn({ options, deviceProof: { keyId: phone.deviceKeyId, signature: forged } });
    expect(res.body.error?.code).toBe('device_proof_invalid');
  });

  it('device proof for another purpose: a registration proof is not a sign-in proof', async () => {
    const { phone } = await registeredPhone();
    const options = await phone.signInOptions();
    const res = await phone.signIn({ options, deviceProof: { keyId: phone.deviceKeyId, signature: await phone.sign('register', options.challenge) } });
    expect(res.body.error?.code).toBe('device_proof_invalid');
  });

  it('unknown device: a device key that was never bound is refused', async () => {
    const { phone } = await registeredPhone();
    const stranger = await TestPhone.create();
    const options = await phone.signInOptions();
    const res = await phone.signIn({ options, deviceProof: { keyId: stranger.deviceKeyId, signature: await stranger.sign('signin', options.challenge) } });
    expect(res.body.error?.code).toBe('device_unknown');
  });

  it('locked account: a correct sign-in to a locked account is refused and makes no session', async () => {
    const { phone, me } = await registeredPhone();
    await (await shardDb(me.accountId)).prepare("UPDATE accounts SET status = 'locked' WHERE id = ?").bind(me.accountId).run();
    const res = await phone.signIn();
    expect(res.status).toBe(423);
    expect(res.body.error?.code).toBe('account_locked');
    // The earlier session stops working at once too.
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(401);
  });

  it('revoked passkey: a passkey marked revoked no longer signs in', async () => {
    const { phone, me } = await registeredPhone();
    await (await shardDb(me.accountId)).prepare('UPDATE passkeys SET revoked_at = ? WHERE account_id = ?').bind(Date.now(), me.accountId).run();
    expect((await phone.signIn()).body.error?.code).toBe('credential_unknown');
  });
});

describe('registration', () => {
  it('second account from a bound device: one phone holds one account', async () => {
    const { phone } = await registeredPhone();
    const second = await freshCitizen();
    const { enrolmentId, options } = await phone.startRegistration(second);
    const res = await phone.finishRegistration(enrolmentId, options);
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('device_already_bound');
    expect(await (await shardDb(second.idNumber)).prepare('SELECT 1 FROM accounts WHERE id_number = ?').bind(second.idNumber).first()).toBeNull();
  });

  it('duplicate credential ID: a passkey already registered is refused for a new account', async () => {
    const { phone } = await registeredPhone();
    const [credId, cred] = [...phone.authenticator.credentials.entries()][0]!;
    const attacker = await TestPhone.create();
    const citizen = await freshCitizen();
    const { enrolmentId, options } = await attacker.startRegistration(citizen);
    // The attacker's authenticator reuses the victim's credential ID.
    const made = await attacker.authenticator.create(options);
    const original = attacker.authenticator.credentials.get(made.id)!;
    expect(cred.id).toBeDefined();
    const forgedId = credId;
    const res = await api('/api/enrol/finish', {
      body: {
        enrolmentId,
        credential: await rewriteCredentialId(made, forgedId, original),
        deviceKey: { publicKey: toBase64Url(attacker.devicePublicKey), signature: await attacker.sign('register', options.challenge) },
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('credential_exists');
  });

  it('registry mismatch: every wrong field, and an unknown ID, get the same answer', async () => {
    const c = await freshCitizen();
    const variants = [
      { ...c, fullName: 'Nguyễn Văn Sai' },
      { ...c, birthDate: '1999-01-01' },
      { ...c, phone: '+84900000001' },
      { ...c, idNumber: '001099999999' },
    ];
    const answers = [];
    for (const v of variants) {
      const res = await api('/api/enrol/start', { body: { idNumber: v.idNumber, fullName: v.fullName, birthDate: v.birthDate, phone: v.phone } });
      answers.push({ status: res.status, code: res.body.error?.code, message: res.body.error?.message });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 400, code: 'registry_mismatch' });
    expect(await env.DB.prepare('SELECT 1 FROM sms_outbox WHERE phone = ?').bind(c.phone).first()).toBeNull();
  });

  it('wrong SMS code ×6: five wrong tries lock the code, and the sixth try fails even with the right code', async () => {
    const c = await freshCitizen();
    const start = await api<{ enrolmentId: string }>('/api/enrol/start', { body: { idNumber: c.idNumber, fullName: c.fullName, birthDate: c.birthDate, phone: c.phone } });
    const right = await latestSmsCode(c.phone);
    const wrong = right === '000000' ? '111111' : '000000';
    const codes = [];
    for (let i = 0; i < 5; i++) {
      codes.push((await api('/api/enrol/verify', { body: { enrolmentId: start.body.enrolmentId, code: wrong } })).body.error?.code);
    }
    expect(codes).toEqual(['code_invalid', 'code_invalid', 'code_invalid', 'code_invalid', 'code_locked']);
    const sixth = await api('/api/enrol/verify', { body: { enrolmentId: start.body.enrolmentId, code: right } });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error?.code).toBe('code_locked');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('expired SMS code: a code older than 5 minutes is refused', async () => {
    const c = await freshCitizen();
    const start = await api<{ enrolmentId: string }>('/api/enrol/start', { body: { idNumber: c.idNumber, fullName: c.fullName, birthDate: c.birthDate, phone: c.phone } });
    await env.DB.prepare('UPDATE sms_codes SET expires_at = ? WHERE flow_id = ?').bind(Date.now() - 1, `enrol:${start.body.enrolmentId}`).run();
    const res = await api('/api/enrol/verify', { body: { enrolmentId: start.body.enrolmentId, code: await latestSmsCode(c.phone) } });
    expect(res.body.error?.code).toBe('code_expired');
  });

  it('SMS code replay: a code that worked once does not work again', async () => {
    const c = await freshCitizen();
    const start = await api<{ enrolmentId: string }>('/api/enrol/start', { body: { idNumber: c.idNumber, fullName: c.fullName, birthDate: c.birthDate, phone: c.phone } });
    const code = await latestSmsCode(c.phone);
    expect((await api('/api/enrol/verify', { body: { enrolmentId: start.body.enrolmentId, code } })).status).toBe(200);
    const again = await api('/api/enrol/verify', { body: { enrolmentId: start.body.enrolmentId, code } });
    expect(again.body.error?.code).toBe('enrolment_invalid');
  });

  it('UV missing at registration: a passkey made without user verification is refused', async () => {
    const phone = await TestPhone.create();
    const { enrolmentId, options } = await phone.startRegistration(await freshCitizen());
    const res = await phone.finishRegistration(enrolmentId, options, { userVerified: false });
    expect(res.body.error?.code).toBe('user_verification_required');
  });

  it('wrong origin at registration: a passkey created for another site is refused', async () => {
    const phone = await TestPhone.create();
    const { enrolmentId, options } = await phone.startRegistration(await freshCitizen());
    const res = await phone.finishRegistration(enrolmentId, options, { origin: 'https://evil.example' });
    expect(res.body.error?.code).toBe('webauthn_failed');
  });

  it('wrong RP ID at registration: a passkey created for another relying party is refused, and no account is made', async () => {
    const phone = await TestPhone.create();
    const c = await freshCitizen();
    const { enrolmentId, options } = await phone.startRegistration(c);
    const res = await phone.finishRegistration(enrolmentId, options, { rpId: 'example.vn' });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('webauthn_failed');
    expect(await (await shardDb(c.idNumber)).prepare('SELECT 1 FROM accounts WHERE id_number = ?').bind(c.idNumber).first()).toBeNull();
  });

  it('expired registration challenge: a stored challenge past its lifetime is refused and gone after that one try; fresh options then work', async () => {
    const phone = await TestPhone.create();
    const c = await freshCitizen();
    const { enrolmentId, options } = await phone.startRegistration(c);
    await env.DB.prepare('UPDATE challenges SET expires_at = ? WHERE challenge = ?').bind(Date.now() - 1, options.challenge).run();
    const res = await phone.finishRegistration(enrolmentId, options);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('challenge_invalid');
    expect(res.body.error?.message).toMatch(/expired/);
    expect(await env.DB.prepare('SELECT 1 FROM challenges WHERE challenge = ?').bind(options.challenge).first()).toBeNull();
    expect(await (await shardDb(c.idNumber)).prepare('SELECT 1 FROM accounts WHERE id_number = ?').bind(c.idNumber).first()).toBeNull();
    // What was refused is the expiry alone: new options for the same registration activate it.
    const again = await api<{ options: { challenge: string; user: { id: string } } }>('/api/enrol/options', { body: { enrolmentId } });
    expect((await phone.finishRegistration(enrolmentId, again.body.options)).status).toBe(201);
  });

  it('replayed registration challenge: the finished registration sent again, once or 10 times at once, makes nothing more', async () => {
    const phone = await TestPhone.create();
    const { enrolmentId, options } = await phone.startRegistration(await freshCitizen());
    const credential = await phone.authenticator.create(options);
    const body = {
      enrolmentId,
      credential,
      deviceKey: { publicKey: toBase64Url(phone.devicePublicKey), signature: await phone.sign('register', options.challenge), label: 'Test phone' },
    };
    const first = await api('/api/enrol/finish', { body });
    expect(first.status).toBe(201);
    const replays = await Promise.all(Array.from({ length: 10 }, () => api('/api/enrol/finish', { body })));
    for (const r of replays) {
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe('challenge_invalid');
      expect(r.headers.get('set-cookie')).toBeNull();
    }
    expect(await countOnShards('SELECT count(*) AS n FROM passkeys WHERE credential_id = ?', credential.id)).toBe(1);
  });

  it('registration challenge raced: one registration response sent 10 times at once activates once', async () => {
    const phone = await TestPhone.create();
    const c = await freshCitizen();
    const { enrolmentId, options } = await phone.startRegistration(c);
    const credential = await phone.authenticator.create(options);
    const body = {
      enrolmentId,
      credential,
      deviceKey: { publicKey: toBase64Url(phone.devicePublicKey), signature: await phone.sign('register', options.challenge), label: 'Test phone' },
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => api('/api/enrol/finish', { body })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.filter((r) => r.status !== 201).map((r) => r.body.error?.code))).toEqual(new Set(['challenge_invalid']));
    expect((await (await shardDb(c.idNumber)).prepare('SELECT count(*) AS n FROM accounts WHERE id_number = ?').bind(c.idNumber).first<{ n: number }>())!.n).toBe(1);
  });

  it('missing device proof at registration: a bad device signature creates no account', async () => {
    const phone = await TestPhone.create();
    const c = await freshCitizen();
    const { enrolmentId, options } = await phone.startRegistration(c);
    const res = await phone.finishRegistration(enrolmentId, options, { deviceSignature: toBase64Url(new Uint8Array(64)) });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('device_proof_invalid');
    expect(await (await shardDb(c.idNumber)).prepare('SELECT 1 FROM accounts WHERE id_number = ?').bind(c.idNumber).first()).toBeNull();
  });

  it('existing account: a second registration for an ID number with an account is refused', async () => {
    const { citizen } = await registeredPhone();
    const res = await api('/api/enrol/start', { body: { idNumber: citizen.idNumber, fullName: citizen.fullName, birthDate: citizen.birthDate, phone: citizen.phone } });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('account_exists');
  });

  it('guessing the registry: registration attempts per ID number are rate-limited', async () => {
    const c = await freshCitizen();
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await api('/api/enrol/start', { body: { idNumber: c.idNumber, fullName: 'Trần Văn Đoán', birthDate: '1980-01-01', phone: c.phone } })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });
});

describe('the HTTP surface', () => {
  it('CSRF: a state-changing request from another origin is refused', async () => {
    const res = await api('/api/auth/options', { body: {}, headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('csrf_rejected');
  });

  it('CSRF: a POST with neither Origin nor same-origin fetch metadata is refused', async () => {
    const res = await api('/api/auth/signout', { body: {}, headers: { origin: '' } });
    expect(res.body.error?.code).toBe('csrf_rejected');
  });

  it('malformed JSON is a 400 with a code, not a 500', async () => {
    const { SELF } = await import('cloudflare:test');
    const res = await SELF.fetch(`${ORIGIN}/api/enrol/start`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{"idNumber":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });

  it('schema refusals name the field, never echo the value', async () => {
    const res = await api('/api/enrol/start', { body: { idNumber: '12345', fullName: 'A<script>', birthDate: '2024-02-30', phone: '123' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', message: 'Invalid field: idNumber.' });
  });

  it('oversized bodies are refused with 413', async () => {
    const res = await api('/api/enrol/start', { body: { idNumber: 'x'.repeat(70_000) } });
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('payload_too_large');
  });

  it('a forged session cookie is unauthenticated', async () => {
    const res = await api('/api/me', { cookie: `__Host-vneid_session=${'A'.repeat(43)}` });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('unauthenticated');
  });

  it('reading the SMS codes in production: the development outbox (/api/dev/sms, /api/dev/mail) is not served with ENVIRONMENT=production or SMS_MODE=gateway', async () => {
    const paths = ['/api/dev/sms?phone=0912345678', '/api/dev/sms', '/api/dev/mail?to=an@example.vn', '/api/dev/mail'];
    const get = (path: string, e: typeof env) => app.request(`${ORIGIN}${path}`, { headers: { 'cf-connecting-ip': '198.51.100.201' } }, e);
    // The same worker, the same D1 (which holds codes): only the configuration differs.
    for (const path of paths) expect((await get(path, env)).status, `${path} in development`).toBe(200);
    for (const vars of [{ ENVIRONMENT: 'production' }, { SMS_MODE: 'gateway' }, { ENVIRONMENT: 'production', SMS_MODE: 'gateway' }]) {
      for (const path of paths) {
        const res = await get(path, { ...env, ...vars });
        expect(res.status, `${path} with ${JSON.stringify(vars)}`).toBe(404);
        const body = await res.text();
        expect(JSON.parse(body)).toMatchObject({ error: { code: 'not_found' } });
        expect(body).not.toMatch(/Ma xac thuc|messages/);
      }
    }
  });

  it('an unknown error inside a handler (the database failing) is a generic 500: code internal, its message and stack never answered, only logged', async () => {
    const secret = 'D1_ERROR: no such table: sessions_v2 (token_hash=ZmFrZS1zZWNyZXQ)';
    const broken = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'prepare' || prop === 'batch' || prop === 'exec') {
          return () => {
            throw new Error(secret);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await app.request(
        `${ORIGIN}/api/auth/verify`,
        { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json', 'cf-connecting-ip': '198.51.100.202' }, body: '{}' },
        { ...env, DB: broken },
      );
      expect(res.status).toBe(500);
      const text = await res.text();
      const body = JSON.parse(text) as { error: { code: string; message: string; requestId: string } };
      expect(body).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.', requestId: expect.any(String) } });
      for (const leak of ['D1_ERROR', 'sessions_v2', 'ZmFrZS1zZWNyZXQ', 'at ', 'Error']) expect(text).not.toContain(leak);
      // The operator still learns what happened, under the same request id.
      const line = logged.mock.calls.map((c) => String(c[0])).find((l) => l.includes('sessions_v2'));
      expect(line && (JSON.parse(line) as { requestId: string }).requestId).toBe(body.error.requestId);
      // The security headers are on the error answer too.
      expect(res.headers.get('content-security-policy')).toMatch(/default-src/);
    } finally {
      logged.mockRestore();
    }
  });
});

/** Rewrites a software-made registration so it claims another credential ID (re-signing nothing: "none" attestation). */
async function rewriteCredentialId(
  made: Awaited<ReturnType<TestPhone['authenticator']['create']>>,
  newId: string,
  _cred: unknown,
) {
  const { decode, encode } = await import('cborg');
  const { fromBase64Url } = await import('../../shared/bytes');
  const att = decode(fromBase64Url(made.response.attestationObject)!, { useMaps: true }) as Map<string, unknown>;
  const authData = att.get('authData') as Uint8Array;
  const oldLen = (authData[53]! << 8) | authData[54]!;
  const idBytes = fromBase64Url(newId)!;
  const rebuilt = new Uint8Array(55 + idBytes.length + (authData.length - 55 - oldLen));
  rebuilt.set(authData.slice(0, 53));
  rebuilt[53] = idBytes.length >> 8;
  rebuilt[54] = idBytes.length & 0xff;
  rebuilt.set(idBytes, 55);
  rebuilt.set(authData.slice(55 + oldLen), 55 + idBytes.length);
  att.set('authData', rebuilt);
  return { ...made, id: newId, rawId: newId, response: { ...made.response, attestationObject: toBase64Url(encode(att)) } };
}

describe('rate limits on sign-in', () => {
  it('challenge flooding: sign-in options store nothing, so a flood of them fills no table', async () => {
    const count = async () => (await env.DB.prepare('SELECT count(*) AS n FROM challenges').first<{ n: number }>())!.n;
    const before = await count();
    for (let i = 0; i < 100; i++) {
      expect((await api('/api/auth/options', { body: {}, headers: { 'cf-connecting-ip': '203.0.113.7' } })).status).toBe(200);
    }
    expect(await count()).toBe(before);
  });

  it('sign-in guessing: verifications per client are limited', async () => {
    const statuses = [];
    for (let i = 0; i < 31; i++) {
      statuses.push((await api('/api/auth/verify', { body: {}, headers: { 'cf-connecting-ip': '203.0.113.8' } })).status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});
