/**
 * Temporary lock and unlock in workerd + D1: from the app, from any computer with the ID
 * number and an SMS code, and back with SMS code + passkey + device key. The hostile cases
 * name the attack: a SIM holder who tries to unlock, a lock racing a sign-in, a sync racing
 * a lock.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CodeSentResponse, HistoryResponse } from '../../shared/accounts';
import type { Me } from '../../shared/api';
import { fromBase64Url } from '../../shared/bytes';
import { createPresentation, verifyPresentation } from '../../shared/credential';
import { createSession } from '../../edge/domain/sessions';
import { syncDocuments } from '../../edge/domain/documents';
import { depsFromEnv } from '../../edge/http/app';
import { readAccount } from '../../edge/store/accounts';
import { auditActions, registeredPhone, smsTo, stepUp, wallet } from './helpers/accounts';
import { api, freshCitizen, latestSmsCode, TestPhone } from './helpers/phone';
import { verifierLists } from './helpers/status';
import { accountOf, shardDb } from './helpers/shards';

async function verdict(phone: TestPhone, credential: string): Promise<string> {
  const { trust, status } = await verifierLists();
  const presentation = await createPresentation({ credential: fromBase64Url(credential)!, devicePrivateKey: phone.device.privateKey, now: Date.now() });
  return (await verifyPresentation(presentation, { trust, status, now: Date.now() })).verdict;
}

/** Lock from a computer: ID number + phone, then the SMS code. */
async function lockFromComputer(citizen: { idNumber: string; phone: string }) {
  const start = await api<CodeSentResponse>('/api/lock/start', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
  const code = await latestSmsCode(citizen.phone);
  return api('/api/lock/confirm', { body: { requestId: start.body.requestId, code } });
}

/** Unlock on the bound phone: passkey + device key, then the SMS code. */
async function unlockOnPhone(phone: TestPhone, citizen: { phone: string }) {
  const start = await api<CodeSentResponse>('/api/unlock/start', { body: await stepUp(phone, '/api/unlock/options', 'unlock') });
  if (start.status !== 201) return start as unknown as Awaited<ReturnType<typeof api<Me>>>;
  const code = await latestSmsCode(citizen.phone);
  const res = await api<Me>('/api/unlock/confirm', { body: { requestId: start.body.requestId, code } });
  phone.keepCookie(res);
  return res;
}

describe('lock', () => {
  it('from the app: sessions end at once, sign-in is refused, documents are suspended; unlock brings all back', async () => {
    const { phone, me, citizen } = await registeredPhone();
    const doc = (await wallet(phone)).body.documents[0]!;
    const session = phone.cookie;

    const locked = await api('/api/lock', { body: {}, cookie: session });
    expect(locked.status).toBe(204);
    expect(locked.headers.get('set-cookie')).toMatch(/__Host-vneid_session=;/);
    expect((await api('/api/me', { cookie: session })).status).toBe(401);
    expect(await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM sessions WHERE account_id = ?').bind(me.accountId).first('n')).toBe(0);
    const signIn = await phone.signIn();
    expect(signIn.status).toBe(423);
    expect(signIn.body.error?.code).toBe('account_locked');
    expect(await verdict(phone, doc.credentials.full!)).toBe('suspended');
    expect((await smsTo(citizen.phone)).at(-1)).toMatch(/tam khoa/);

    const unlocked = await unlockOnPhone(phone, citizen);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body).toMatchObject({ status: 'active', deviceKeyId: phone.deviceKeyId });
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
    expect(await verdict(phone, doc.credentials.full!)).toBe('valid');
    // The same documents are valid again: no re-issue needed.
    expect((await wallet(phone)).body.documents.map((d) => d.id)).toEqual([doc.id]);

    const history = await api<HistoryResponse>('/api/me/history', { cookie: phone.cookie });
    expect(history.status).toBe(200);
    expect(history.body.events.map((e) => e.action).slice(0, 2)).toEqual(['account.unlocked', 'account.locked']);
    expect(history.body.events[0]).toMatchObject({ by: 'you', label: 'Test phone' });
  });

  it('from any computer with the ID number and an SMS code: the phone is signed out and refused', async () => {
    const { phone, me, citizen } = await registeredPhone();
    const res = await lockFromComputer(citizen);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ locked: true });
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(401);
    expect((await phone.signIn()).body.error?.code).toBe('account_locked');
    const history = await (await shardDb(me.accountId)).prepare("SELECT actor, detail FROM audit_log WHERE subject = ? AND action = 'account.locked'").bind(me.accountId).first<{ actor: string; detail: string }>();
    expect(history?.actor).toMatch(/^client:/);
    expect(JSON.parse(history!.detail)).toEqual({ via: 'sms' });
  });

  it('from a computer: a wrong code does not lock, and details that match nothing get the same answers', async () => {
    const { phone, citizen } = await registeredPhone();
    const stranger = await freshCitizen();
    const real = await api<CodeSentResponse>('/api/lock/start', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
    const probe = await api<CodeSentResponse>('/api/lock/start', { body: { idNumber: stranger.idNumber, phone: stranger.phone } });
    expect(real.status).toBe(201);
    expect(probe.status).toBe(201);
    expect(Object.keys(probe.body).sort()).toEqual(Object.keys(real.body).sort());
    expect(await smsTo(stranger.phone)).toEqual([]);
    const realCode = await latestSmsCode(citizen.phone);
    const wrong = realCode === '999999' ? '888888' : '999999';
    expect((await api('/api/lock/confirm', { body: { requestId: real.body.requestId, code: wrong } })).body.error?.code).toBe('code_invalid');
    expect((await api('/api/lock/confirm', { body: { requestId: probe.body.requestId, code: wrong } })).body.error?.code).toBe('code_invalid');
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
  });

  it('expired code: refused, the account stays open', async () => {
    const { phone, citizen } = await registeredPhone();
    const start = await api<CodeSentResponse>('/api/lock/start', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
    const code = await latestSmsCode(citizen.phone);
    await env.DB.prepare('UPDATE sms_codes SET expires_at = ? WHERE flow_id = ?').bind(Date.now() - 1, `lock:${start.body.requestId}`).run();
    expect((await api('/api/lock/confirm', { body: { requestId: start.body.requestId, code } })).body.error?.code).toBe('code_expired');
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
  });
});

describe('unlock: hostile cases', () => {
  /** Locked from the app: the one lock the citizen's own unlock may undo (after a lock from a computer, see accounts.lock.security.test.ts). */
  async function lockedVictim() {
    const victim = await registeredPhone();
    expect((await api('/api/lock', { body: {}, cookie: victim.phone.cookie })).status).toBe(204);
    return victim;
  }

  it('unlock by a locked-out attacker: the SIM (every SMS code) without the passkey and the bound phone does not unlock', async () => {
    const { phone, me, citizen } = await lockedVictim();
    const attacker = await TestPhone.create();

    // No passkey of the account: the attacker's own authenticator has none.
    const options = await api<{ options: { challenge: string } }>('/api/unlock/options', { body: {} });
    await expect(attacker.authenticator.get(options.body.options)).rejects.toThrow();

    // A copy of the victim's passkey (a synced passkey), but the attacker's phone: no device proof, then the wrong device.
    for (const [id, cred] of phone.authenticator.credentials) attacker.authenticator.credentials.set(id, cred);
    const noDevice = await stepUp(attacker, '/api/unlock/options', 'unlock');
    const r1 = await api('/api/unlock/start', { body: { credential: noDevice.credential } });
    expect(r1.body.error?.code).toBe('validation_failed');
    const withOwnDevice = await stepUp(attacker, '/api/unlock/options', 'unlock');
    const r2 = await api('/api/unlock/start', { body: withOwnDevice });
    expect(r2.status).toBe(401);
    expect(r2.body.error?.code).toBe('device_unknown');
    const spoofed = await stepUp(attacker, '/api/unlock/options', 'unlock');
    const r3 = await api('/api/unlock/start', { body: { ...spoofed, deviceKey: { ...spoofed.deviceKey, keyId: phone.deviceKeyId } } });
    expect(r3.body.error?.code).toBe('device_proof_invalid');

    // The SIM holder starts a lock flow, reads its code, and tries it as an unlock.
    const lockStart = await api<CodeSentResponse>('/api/lock/start', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
    const code = await latestSmsCode(citizen.phone);
    const r4 = await api('/api/unlock/confirm', { body: { requestId: lockStart.body.requestId, code } });
    expect(r4.body.error?.code).toBe('request_invalid');

    expect((await readAccount((await shardDb(me.accountId)), me.accountId))?.status).toBe('locked');
    // The citizen, with the bound phone, still can.
    expect((await unlockOnPhone(phone, citizen)).status).toBe(200);
  });

  it('unlock needs the SMS code too: passkey and phone alone (a thief who knows the PIN, without the SIM) do not unlock', async () => {
    const { phone, me } = await lockedVictim();
    const start = await api<CodeSentResponse>('/api/unlock/start', { body: await stepUp(phone, '/api/unlock/options', 'unlock') });
    expect(start.status).toBe(201);
    expect(start.body.phoneMasked).toMatch(/^\+84 \d•• ••• \d{3}$/);
    const res = await api('/api/unlock/confirm', { body: { requestId: start.body.requestId, code: '000000' } });
    expect(['code_invalid', 'code_locked']).toContain(res.body.error?.code);
    expect((await readAccount((await shardDb(me.accountId)), me.accountId))?.status).toBe('locked');
  });

  it('expired unlock code: the SMS code past its lifetime is refused, the account stays locked, and the code is no good after', async () => {
    const { phone, me, citizen } = await lockedVictim();
    const start = await api<CodeSentResponse>('/api/unlock/start', { body: await stepUp(phone, '/api/unlock/options', 'unlock') });
    expect(start.status).toBe(201);
    const code = await latestSmsCode(citizen.phone);
    await env.DB.prepare('UPDATE sms_codes SET expires_at = ? WHERE flow_id = ?').bind(Date.now() - 1, `unlock:${start.body.requestId}`).run();
    const res = await api('/api/unlock/confirm', { body: { requestId: start.body.requestId, code } });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('code_expired');
    expect((await readAccount((await shardDb(me.accountId)), me.accountId))?.status).toBe('locked');
    expect((await phone.signIn()).body.error?.code).toBe('account_locked');
  });

  it('an unlock confirmation is used once', async () => {
    const { phone, citizen } = await lockedVictim();
    const start = await api<CodeSentResponse>('/api/unlock/start', { body: await stepUp(phone, '/api/unlock/options', 'unlock') });
    const code = await latestSmsCode(citizen.phone);
    expect((await api('/api/unlock/confirm', { body: { requestId: start.body.requestId, code } })).status).toBe(200);
    expect((await api('/api/unlock/confirm', { body: { requestId: start.body.requestId, code } })).body.error?.code).toBe('request_invalid');
  });
});

describe('lock racing', () => {
  it('lock racing a sign-in: whichever commits first, no live session is left', async () => {
    for (let round = 0; round < 4; round++) {
      const { phone, me, citizen } = await registeredPhone();
      await api('/api/auth/signout', { body: {}, cookie: phone.cookie });
      phone.cookie = '';
      const start = await api<CodeSentResponse>('/api/lock/start', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
      const code = await latestSmsCode(citizen.phone);
      const options = await phone.signInOptions();
      const credential = await phone.authenticator.get(options);
      const deviceKey = { keyId: phone.deviceKeyId, signature: await phone.sign('signin', options.challenge) };
      const [signIn, lock] = await Promise.all([
        api('/api/auth/verify', { body: { credential, deviceKey } }),
        api('/api/lock/confirm', { body: { requestId: start.body.requestId, code } }),
      ]);
      expect(lock.status).toBe(200);
      expect([200, 423]).toContain(signIn.status);
      phone.keepCookie(signIn);
      if (phone.cookie) expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(401);
      expect(await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM sessions WHERE account_id = ?').bind(me.accountId).first('n')).toBe(0);
    }
  });

  it('a session written after the lock committed is taken back at once (the re-check after insert)', async () => {
    const { me, phone, citizen } = await registeredPhone();
    await lockFromComputer(citizen);
    const deps = depsFromEnv(env, Date.now());
    await expect(createSession(deps, accountOf(me), phone.deviceKeyId)).rejects.toMatchObject({ code: 'account_locked' });
    expect(await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM sessions WHERE account_id = ?').bind(me.accountId).first('n')).toBe(0);
  });

  it('a wallet sync racing a lock: documents issued after the lock committed are suspended', async () => {
    const { me, phone, citizen } = await registeredPhone();
    const before = (await readAccount((await shardDb(me.accountId)), me.accountId))!; // the sync read the account while it was active…
    await lockFromComputer(citizen); // …then the lock committed…
    const docs = await syncDocuments(depsFromEnv(env, Date.now()), before, phone.deviceKeyId); // …then it issued.
    expect(docs).toHaveLength(1);
    expect(await verdict(phone, docs[0]!.credentials.full!)).toBe('suspended');
  });

  it('history lists the events with who did them', async () => {
    const { phone, me } = await registeredPhone();
    const res = await api<HistoryResponse>('/api/me/history', { cookie: phone.cookie });
    expect(res.body.events.map((e) => [e.action, e.by])).toEqual([
      ['account.activated', 'you'],
      ['enrol.approved', 'system'],
    ]);
    expect(await auditActions(me.accountId)).toEqual(['enrol.approved', 'account.activated']);
    expect((await api('/api/me/history')).status).toBe(401);
  });
});
