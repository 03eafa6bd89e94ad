/**
 * Hostile cases for device change, one attack a test, against the real worker in workerd
 * with real D1. Each names the attack it plays.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { DeviceChangeStatus } from '../../shared/accounts';
import { toBase64Url } from '../../shared/bytes';
import {
  approveOnOldPhone,
  finishOnNewPhone,
  invitedOfficer,
  level2Citizen,
  openDeviceChange,
  registeredPhone,
  smsTo,
} from './helpers/accounts';
import { api, freshCitizen, latestSmsCode, TestPhone } from './helpers/phone';
import { countOnShards, shardDb } from './helpers/shards';

async function start(citizen: { idNumber: string; phone: string }) {
  return api<{ requestId: string; codeExpiresAt: number }>('/api/device-change/start', { body: { idNumber: citizen.idNumber, phone: citizen.phone, label: 'X' } });
}

describe('device change: the SMS code on the new phone', () => {
  it('wrong code: refused, and five wrong codes lock the request', async () => {
    const { citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const { body } = await start(citizen);
    const real = await latestSmsCode(citizen.phone);
    const wrong = real === '000000' ? '111111' : '000000';
    const first = await api('/api/device-change/verify', { body: { requestId: body.requestId, code: wrong, deviceKeyId: newPhone.deviceKeyId } });
    expect(first.body.error?.code).toBe('code_invalid');
    for (let i = 0; i < 4; i++) await api('/api/device-change/verify', { body: { requestId: body.requestId, code: wrong, deviceKeyId: newPhone.deviceKeyId } });
    const locked = await api('/api/device-change/verify', { body: { requestId: body.requestId, code: real, deviceKeyId: newPhone.deviceKeyId } });
    expect(locked.body.error?.code).toBe('code_locked');
  });

  it('expired code: refused', async () => {
    const { citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const { body } = await start(citizen);
    const code = await latestSmsCode(citizen.phone);
    await env.DB.prepare('UPDATE sms_codes SET expires_at = ? WHERE flow_id = ?').bind(Date.now() - 1, `device-change:${body.requestId}`).run();
    const res = await api('/api/device-change/verify', { body: { requestId: body.requestId, code, deviceKeyId: newPhone.deviceKeyId } });
    expect(res.body.error?.code).toBe('code_expired');
  });

  it('expired request: an open request past its lifetime cannot be approved or finished', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    await (await shardDb(opened.requestId)).prepare('UPDATE device_changes SET expires_at = ? WHERE id = ?').bind(Date.now() - 1, opened.requestId).run();
    const { lookup } = await approveOnOldPhone(oldPhone, opened.approvalCode);
    expect(lookup.body.error?.code).toBe('code_invalid');
    expect((await api('/api/device-change/options', { body: { requestId: opened.requestId } })).body.error?.code).toBe('request_invalid');
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } })).body.state).toBe('cancelled');
  });

  it('probing who has an account: details that match nothing get the same answers, and no SMS', async () => {
    const { citizen } = await registeredPhone();
    const stranger = await freshCitizen(); // in the registry, no account
    const real = await start(citizen);
    const probe = await start(stranger);
    const wrongPhone = await start({ idNumber: citizen.idNumber, phone: stranger.phone });
    for (const res of [real, probe, wrongPhone]) {
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['codeExpiresAt', 'requestId']);
    }
    expect(await smsTo(stranger.phone)).toEqual([]);
    const device = await TestPhone.create();
    for (const res of [real, probe, wrongPhone]) {
      const verify = await api('/api/device-change/verify', { body: { requestId: res.body.requestId, code: '123456', deviceKeyId: device.deviceKeyId } });
      expect(verify.body.error?.code).toBe('code_invalid');
    }
  });

  it('rate limit: a sixth request for one ID number within the hour is refused, whatever phone is typed', async () => {
    const { citizen } = await registeredPhone();
    const anyPhone = () => `+8491${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    for (let i = 0; i < 5; i++) expect((await start({ idNumber: citizen.idNumber, phone: anyPhone() })).status).toBe(201);
    const res = await start(citizen);
    expect(res.status).toBe(429);
    expect(res.body.error?.code).toBe('rate_limited');
  });
});

describe('device change: the approval', () => {
  it('approval replayed: the same signed approval sent twice is refused the second time, for its own request or another', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const opened = await openDeviceChange(await TestPhone.create(), citizen);
    const { approve, body } = await approveOnOldPhone(oldPhone, opened.approvalCode);
    expect(approve?.status).toBe(200);
    const replay = await api('/api/device-change/approve', { body, cookie: oldPhone.cookie });
    expect(replay.body.error?.code).toBe('challenge_invalid');

    // An attacker's own request, approved with the victim's earlier approval.
    const attacker = await openDeviceChange(await TestPhone.create(), citizen);
    const reused = await api('/api/device-change/approve', { body: { ...body!, requestId: attacker.requestId }, cookie: oldPhone.cookie });
    expect(reused.status).toBe(400);
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: attacker.requestId } })).body.state).toBe('pending');
  });

  it('an approval made for one request, sent for another: a fresh approval signed over request X\'s challenge does not approve request Y (X\'s challenge is spent, both stay pending)', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const x = await openDeviceChange(await TestPhone.create(), citizen, 'X');
    const y = await openDeviceChange(await TestPhone.create(), citizen, 'Y');
    // Look up X: the options' challenge is made for X alone.
    const lookup = await api<{ request: { requestId: string }; options: { challenge: string } }>('/api/device-change/lookup', { body: { code: x.approvalCode }, cookie: oldPhone.cookie });
    expect(lookup.body.request.requestId).toBe(x.requestId);
    // A fresh, never-sent approval over X's challenge — valid passkey assertion, valid device proof — submitted for Y.
    const credential = await oldPhone.authenticator.get(lookup.body.options);
    const deviceKey = { keyId: oldPhone.deviceKeyId, signature: await oldPhone.sign('approve-device', lookup.body.options.challenge) };
    const crossed = await api('/api/device-change/approve', { body: { requestId: y.requestId, credential, deviceKey }, cookie: oldPhone.cookie });
    expect(crossed.status).toBe(400);
    expect(crossed.body.error?.code).toBe('challenge_invalid');
    const state = async (id: string) => (await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: id } })).body.state;
    expect(await state(y.requestId)).toBe('pending');
    // The challenge was used by the refused try: the same approval now sent for X is refused too.
    expect((await api('/api/device-change/approve', { body: { requestId: x.requestId, credential, deviceKey }, cookie: oldPhone.cookie })).body.error?.code).toBe('challenge_invalid');
    expect(await state(x.requestId)).toBe('pending');
    expect(await (await shardDb(citizen.idNumber)).prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'device.change.approved' AND subject = (SELECT id FROM accounts WHERE id_number = ?)").bind(citizen.idNumber).first('n')).toBe(0);
  });

  it('approval by a revoked device: the old phone of an earlier change can neither sign in nor approve', async () => {
    const { phone: phoneA, citizen } = await registeredPhone();
    const phoneB = await TestPhone.create();
    const first = await openDeviceChange(phoneB, citizen);
    // A prepares an approval for a request it will try later (after it has been revoked).
    const later = await openDeviceChange(await TestPhone.create(), citizen);
    const stale = await api<{ options: { challenge: string } }>('/api/device-change/lookup', { body: { code: later.approvalCode }, cookie: phoneA.cookie });
    expect(stale.status).toBe(200);
    await approveOnOldPhone(phoneA, first.approvalCode);
    expect((await finishOnNewPhone(phoneB, first.requestId)).status).toBe(201);

    // The completed change cancelled the other open request, and A is out.
    const credential = await phoneA.authenticator.get(stale.body.options);
    const body = { requestId: later.requestId, credential, deviceKey: { keyId: phoneA.deviceKeyId, signature: await phoneA.sign('approve-device', stale.body.options.challenge) } };
    expect((await api('/api/device-change/approve', { body, cookie: phoneA.cookie })).status).toBe(401);
    expect((await phoneA.signIn()).body.error?.code).toBe('credential_unknown');

    // A thief with A and B's session: A's revoked device key cannot sign an approval either.
    const third = await openDeviceChange(await TestPhone.create(), citizen);
    const lookup = await api<{ options: { challenge: string } }>('/api/device-change/lookup', { body: { code: third.approvalCode }, cookie: phoneB.cookie });
    const cred = await phoneB.authenticator.get(lookup.body.options);
    const res = await api('/api/device-change/approve', {
      body: { requestId: third.requestId, credential: cred, deviceKey: { keyId: phoneA.deviceKeyId, signature: await phoneA.sign('approve-device', lookup.body.options.challenge) } },
      cookie: phoneB.cookie,
    });
    expect(res.body.error?.code).toBe('device_unknown');
  });

  it('guessing the approval code on a stolen, signed-in phone: wrong codes find nothing, and the look-ups run out within the hour', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const opened = await openDeviceChange(await TestPhone.create(), citizen);
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 10; i++) {
      // Codes of the right shape, none of them the one on the new phone.
      const guess = `${String(i).padStart(4, '0')}-ZZZZ`;
      codes.push((await api('/api/device-change/lookup', { body: { code: guess }, cookie: oldPhone.cookie })).body.error?.code);
    }
    expect(new Set(codes)).toEqual(new Set(['code_invalid']));
    // The eleventh look-up is refused before it is compared, even with the right code.
    const limited = await api('/api/device-change/lookup', { body: { code: opened.approvalCode }, cookie: oldPhone.cookie });
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } })).body.state).toBe('pending');
  });

  it("cancelling another account's request: a signed-in stranger cannot cancel (or learn about) someone else's device change", async () => {
    const { citizen } = await registeredPhone();
    const { phone: stranger } = await registeredPhone();
    const opened = await openDeviceChange(await TestPhone.create(), citizen);
    const res = await api('/api/device-change/cancel', { body: { requestId: opened.requestId }, cookie: stranger.cookie });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('request_invalid');
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } })).body.state).toBe('pending');
  });

  it('officer approval replayed: a second approval of the same request, or of another citizen\'s request through this citizen, is refused', async () => {
    const officer = await invitedOfficer();
    const { citizen, me } = await level2Citizen(officer);
    const other = await level2Citizen(officer);
    const opened = await openDeviceChange(await TestPhone.create(), citizen);
    const otherOpened = await openDeviceChange(await TestPhone.create(), other.citizen);
    const path = (c: { idNumber: string }, requestId: string) => `/api/officer/citizens/${c.idNumber}/device-changes/${requestId}/approve`;

    // Another citizen's request, through this citizen's record (and with that request's own code): refused.
    const crossed = await officer.call(path(citizen, otherOpened.requestId), { code: otherOpened.approvalCode, cardChecked: true });
    expect(crossed.body.error?.code).toBe('request_invalid');
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: otherOpened.requestId } })).body.state).toBe('pending');

    expect((await officer.call(path(citizen, opened.requestId), { code: opened.approvalCode, cardChecked: true })).status).toBe(200);
    const again = await officer.call(path(citizen, opened.requestId), { code: opened.approvalCode, cardChecked: true });
    expect(again.status).toBe(400);
    expect(again.body.error?.code).toBe('request_invalid');
    // One approval on the record, not two.
    const approvals = await (await shardDb(me.accountId)).prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'device.change.approved' AND subject = ?").bind(me.accountId).first('n');
    expect(approvals).toBe(1);
  });

  it("another account's device key: an approval signed with it is refused", async () => {
    const { phone: victimPhone, citizen } = await registeredPhone();
    const { phone: otherPhone } = await registeredPhone();
    const opened = await openDeviceChange(await TestPhone.create(), citizen);
    const { approve } = await approveOnOldPhone(victimPhone, opened.approvalCode, { signWith: otherPhone });
    expect(approve?.status).toBe(401);
    expect(approve?.body.error?.code).toBe('device_proof_invalid');
  });

  it("another account's approval code: a signed-in phone cannot find (or approve) a request of another account", async () => {
    const { citizen } = await registeredPhone();
    const { phone: strangerPhone } = await registeredPhone();
    const opened = await openDeviceChange(await TestPhone.create(), citizen);
    const { lookup } = await approveOnOldPhone(strangerPhone, opened.approvalCode);
    expect(lookup.body.error?.code).toBe('code_invalid');
  });

  it('a session is not a confirmation: an approval without user verification, or with a forged device signature, is refused', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const opened = await openDeviceChange(await TestPhone.create(), citizen);
    const lookup = await api<{ request: { requestId: string }; options: { challenge: string } }>('/api/device-change/lookup', { body: { code: opened.approvalCode }, cookie: oldPhone.cookie });
    const noUv = await oldPhone.authenticator.get(lookup.body.options, { userVerified: false });
    const res = await api('/api/device-change/approve', {
      body: { requestId: opened.requestId, credential: noUv, deviceKey: { keyId: oldPhone.deviceKeyId, signature: await oldPhone.sign('approve-device', lookup.body.options.challenge) } },
      cookie: oldPhone.cookie,
    });
    expect(res.body.error?.code).toBe('user_verification_required');

    const forged = await approveOnOldPhone(oldPhone, opened.approvalCode, { deviceProof: { keyId: oldPhone.deviceKeyId, signature: toBase64Url(new Uint8Array(64)) } });
    expect(forged.approve?.body.error?.code).toBe('device_proof_invalid');
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } })).body.state).toBe('pending');
  });

  it('a signing purpose is bound: a sign-in proof does not approve a device', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const opened = await openDeviceChange(await TestPhone.create(), citizen);
    const lookup = await api<{ options: { challenge: string } }>('/api/device-change/lookup', { body: { code: opened.approvalCode }, cookie: oldPhone.cookie });
    const { approve } = await approveOnOldPhone(oldPhone, opened.approvalCode, {
      deviceProof: { keyId: oldPhone.deviceKeyId, signature: await oldPhone.sign('signin', lookup.body.options.challenge) },
    });
    expect(approve?.body.error?.code).toBe('device_proof_invalid');
  });
});

describe('device change: the new phone', () => {
  it("another account's key: a phone already bound to an account cannot take over a second one", async () => {
    const { citizen } = await registeredPhone();
    const { phone: boundPhone } = await registeredPhone();
    const { body } = await start(citizen);
    const code = await latestSmsCode(citizen.phone);
    const res = await api('/api/device-change/verify', { body: { requestId: body.requestId, code, deviceKeyId: boundPhone.deviceKeyId } });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('device_already_bound');
  });

  it('a different key at the end: only the device key named when the code was checked can finish', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const asked = await TestPhone.create();
    const opened = await openDeviceChange(asked, citizen);
    await approveOnOldPhone(oldPhone, opened.approvalCode);
    const thief = await TestPhone.create();
    const res = await finishOnNewPhone(thief, opened.requestId);
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('device_proof_invalid');
    expect((await finishOnNewPhone(asked, opened.requestId)).status).toBe(201);
  });

  it("a registration made for one request, finishing another: the new phone's passkey and device proof over request X's challenge do not finish request Y", async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const phoneX = await TestPhone.create();
    const phoneY = await TestPhone.create();
    const x = await openDeviceChange(phoneX, citizen, 'X');
    const y = await openDeviceChange(phoneY, citizen, 'Y');
    await approveOnOldPhone(oldPhone, x.approvalCode);
    await approveOnOldPhone(oldPhone, y.approvalCode);
    // Options for X; phone Y makes its passkey and device proof over that challenge and sends them for Y.
    const options = await api<{ options: { challenge: string; user: { id: string } } }>('/api/device-change/options', { body: { requestId: x.requestId } });
    const credential = await phoneY.authenticator.create(options.body.options);
    const crossed = await api('/api/device-change/finish', {
      body: {
        requestId: y.requestId,
        credential,
        deviceKey: { publicKey: toBase64Url(phoneY.devicePublicKey), signature: await phoneY.sign('register', options.body.options.challenge), label: 'Y' },
      },
    });
    expect(crossed.status).toBe(400);
    expect(crossed.body.error?.code).toBe('challenge_invalid');
    const state = async (id: string) => (await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: id } })).body.state;
    expect(await state(y.requestId)).toBe('approved');
    expect(await state(x.requestId)).toBe('approved');
    expect(await countOnShards('SELECT count(*) AS n FROM device_keys WHERE key_id = ?', phoneY.deviceKeyId)).toBe(0);
    // Y, with its own options, still finishes.
    expect((await finishOnNewPhone(phoneY, y.requestId)).status).toBe(201);
  });

  it('finish replayed: the completed request cannot bind a second time', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    await approveOnOldPhone(oldPhone, opened.approvalCode);
    expect((await finishOnNewPhone(newPhone, opened.requestId)).status).toBe(201);
    const again = await api('/api/device-change/options', { body: { requestId: opened.requestId } });
    expect(again.body.error?.code).toBe('request_invalid');
  });

  it('not approved yet: an open request cannot finish without an approval', async () => {
    const { citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    const res = await api('/api/device-change/options', { body: { requestId: opened.requestId } });
    expect(res.body.error?.code).toBe('request_invalid');
  });

  it('a lock cancels open requests: an approved change cannot finish after the citizen locks', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    await approveOnOldPhone(oldPhone, opened.approvalCode);
    expect((await api('/api/lock', { body: {}, cookie: oldPhone.cookie })).status).toBe(204);
    const res = await api('/api/device-change/options', { body: { requestId: opened.requestId } });
    expect(res.body.error?.code).toBe('request_invalid');
  });

  it('a locked account: no waiting path; after an officer approves, the phone is bound and the account stays locked', async () => {
    const officer = await invitedOfficer();
    const { phone: oldPhone, citizen } = await registeredPhone();
    await api('/api/lock', { body: {}, cookie: oldPhone.cookie });
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    expect(opened).toMatchObject({ locked: true, canWait: false });
    expect((await api('/api/device-change/wait', { body: { requestId: opened.requestId } })).status).toBe(403);
    await officer.call(`/api/officer/citizens/${citizen.idNumber}/device-changes/${opened.requestId}/approve`, { code: opened.approvalCode, cardChecked: true });
    const finished = await finishOnNewPhone(newPhone, opened.requestId);
    expect(finished.status).toBe(201);
    expect(finished.body.status).toBe('locked');
    expect(newPhone.cookie).toBe('');
    expect((await newPhone.signIn()).body.error?.code).toBe('account_locked');
  });
});
