/**
 * Device change, each path end to end in workerd + D1: approved from the old phone, the
 * waiting period when the old phone is lost (level 1), and an officer at the desk (level 2).
 * After each, the old phone is out (keys, passkeys, sessions) and its documents are revoked;
 * the new phone signs in and gets documents bound to its own key.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { DeviceListResponse, DeviceChangeStatus } from '../../shared/accounts';
import type { NotificationsResponse, PushMessage } from '../../shared/services';
import { REVIEW_PATH, startWaitingPeriod } from '../../edge/domain/device-change';
import { fromBase64Url, toBase64Url } from '../../shared/bytes';
import { createPresentation, decodeCredential, verifyPresentation } from '../../shared/credential';
import {
  approveOnOldPhone,
  auditActions,
  finishOnNewPhone,
  invitedOfficer,
  level2Citizen,
  mailTo,
  openDeviceChange,
  registeredPhone,
  smsTo,
  wallet,
} from './helpers/accounts';
import { api, freshCitizen, TestPhone } from './helpers/phone';
import { verifierLists } from './helpers/status';
import { browserSubscription, decryptPushMessage, testServicesDeps } from './helpers/services';
import { shardDb } from './helpers/shards';

async function verdict(phone: TestPhone, credential: string): Promise<string> {
  const { trust, status } = await verifierLists();
  const presentation = await createPresentation({ credential: fromBase64Url(credential)!, devicePrivateKey: phone.device.privateKey, now: Date.now() });
  return (await verifyPresentation(presentation, { trust, status, now: Date.now() })).verdict;
}

describe('device change approved from the old phone', () => {
  it('moves the account to the new phone: old keys, passkeys and sessions end; documents re-issued to the new key', async () => {
    const { phone: oldPhone, me, citizen } = await registeredPhone();
    const oldDoc = (await wallet(oldPhone)).body.documents[0]!;
    expect(await verdict(oldPhone, oldDoc.credentials.full!)).toBe('valid');

    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen, 'Android · Chrome');
    expect(opened).toMatchObject({ state: 'pending', level: 1, locked: false, canWait: true });
    expect(opened.approvalCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);

    // The old phone types the code and sees what it approves.
    const { lookup, approve } = await approveOnOldPhone(oldPhone, opened.approvalCode.toLowerCase());
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ request: { label: 'Android · Chrome', state: 'pending' } });
    expect(approve?.status).toBe(200);
    expect(approve?.body).toMatchObject({ state: 'approved' });
    const status = await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } });
    expect(status.body.state).toBe('approved');

    const finished = await finishOnNewPhone(newPhone, opened.requestId);
    expect(finished.status).toBe(201);
    expect(finished.body).toMatchObject({ accountId: me.accountId, deviceKeyId: newPhone.deviceKeyId, status: 'active' });
    expect(newPhone.cookie).toMatch(/^__Host-vneid_session=/);

    // The old phone is out: its session is gone, and its passkey and device key no longer sign in.
    expect((await api('/api/me', { cookie: oldPhone.cookie })).status).toBe(401);
    const again = await oldPhone.signIn();
    expect(again.status).toBe(401);
    expect(again.body.error?.code).toBe('credential_unknown');
    const keys = await (await shardDb(me.accountId)).prepare('SELECT key_id, revoked_at FROM device_keys WHERE account_id = ? ORDER BY created_at').bind(me.accountId).all<{ key_id: string; revoked_at: number | null }>();
    expect(keys.results).toEqual([
      { key_id: oldPhone.deviceKeyId, revoked_at: expect.any(Number) },
      { key_id: newPhone.deviceKeyId, revoked_at: null },
    ]);

    // What the old phone holds stops verifying at once; the new phone gets documents bound to its key.
    expect(await verdict(oldPhone, oldDoc.credentials.full!)).toBe('revoked');
    const fresh = (await wallet(newPhone)).body.documents;
    expect(fresh.map((d) => d.docType)).toEqual(['personal_information']);
    expect(fresh[0]!.id).not.toBe(oldDoc.id);
    expect(toBase64Url(decodeCredential(fromBase64Url(fresh[0]!.credentials.full!)!)!.holderPublicKey)).toBe(toBase64Url(newPhone.devicePublicKey));
    expect(await verdict(newPhone, fresh[0]!.credentials.full!)).toBe('valid');

    // The new phone signs in by itself later; the citizen was told, and the history says so.
    await api('/api/auth/signout', { body: {}, cookie: newPhone.cookie });
    expect((await newPhone.signIn()).status).toBe(200);
    expect((await smsTo(citizen.phone)).at(-1)).toMatch(/chuyen sang thiet bi moi/);
    expect(await auditActions(me.accountId)).toEqual(
      expect.arrayContaining(['device.change.requested', 'device.change.approved', 'device.changed', 'signin']),
    );
  });

  it('lists the devices and passkeys (synced or this-device-only), the open requests, and signs out everywhere', async () => {
    const { phone, me, citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    const list = await api<DeviceListResponse>('/api/devices', { cookie: phone.cookie });
    expect(list.status).toBe(200);
    expect(list.body.devices).toEqual([
      expect.objectContaining({
        keyId: phone.deviceKeyId,
        label: 'Test phone',
        current: true,
        revokedAt: null,
        passkeys: [expect.objectContaining({ backupEligible: false, backedUp: false, revokedAt: null })],
      }),
    ]);
    expect(list.body.pendingChanges).toEqual([expect.objectContaining({ requestId: opened.requestId, label: 'New phone', state: 'pending' })]);

    // A second session (signed in again on the same phone), then "sign out everywhere" ends both.
    const first = phone.cookie;
    expect((await phone.signIn()).status).toBe(200);
    const second = phone.cookie;
    expect(first).not.toBe(second);
    const out = await api('/api/devices/signout-all', { body: {}, cookie: second });
    expect(out.status).toBe(204);
    expect((await api('/api/me', { cookie: first })).status).toBe(401);
    expect((await api('/api/me', { cookie: second })).status).toBe(401);
    expect(await auditActions(me.accountId)).toContain('sessions.revoked');
  });

  it('shows a synced (backup-eligible) passkey as such', async () => {
    const phone = await TestPhone.create();
    const { enrolmentId, options } = await phone.startRegistration(await freshCitizen());
    await phone.finishRegistration(enrolmentId, options, { backupEligible: true, backedUp: true });
    const list = await api<DeviceListResponse>('/api/devices', { cookie: phone.cookie });
    expect(list.body.devices[0]!.passkeys[0]).toMatchObject({ backupEligible: true, backedUp: true });
  });
});

describe('device change with the old phone lost (level 1): the waiting period', () => {
  it('waits, tells the phone and the e-mail, refuses to finish early, then finishes', async () => {
    const { phone: oldPhone, me, citizen } = await registeredPhone();
    await (await shardDb(me.accountId)).prepare("UPDATE accounts SET email = 'an@example.vn' WHERE id = ?").bind(me.accountId).run();
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen, 'Phone B');

    const waiting = await api<DeviceChangeStatus>('/api/device-change/wait', { body: { requestId: opened.requestId } });
    expect(waiting.status).toBe(200);
    expect(waiting.body.state).toBe('waiting');
    expect(waiting.body.readyAt).toBeGreaterThan(Date.now() + 23 * 60 * 60_000);
    expect((await smsTo(citizen.phone)).at(-1)).toMatch(/doi thiet bi.*24 gio.*\/lock/);
    expect((await mailTo('an@example.vn')).at(-1)).toMatchObject({ subject: expect.stringMatching(/đổi thiết bị/i), body: expect.stringContaining('Phone B') });

    const early = await api('/api/device-change/options', { body: { requestId: opened.requestId } });
    expect(early.status).toBe(409);
    expect(early.body.error?.code).toBe('not_ready');
    expect(early.headers.get('retry-after')).toMatch(/^\d+$/);

    // The waiting period passes (shortened in D1).
    await (await shardDb(opened.requestId)).prepare('UPDATE device_changes SET ready_at = ? WHERE id = ?').bind(Date.now() - 1000, opened.requestId).run();
    const finished = await finishOnNewPhone(newPhone, opened.requestId);
    expect(finished.status).toBe(201);
    expect((await api('/api/me', { cookie: oldPhone.cookie })).status).toBe(401);
    const row = await (await shardDb(opened.requestId)).prepare('SELECT state, approved_via FROM device_changes WHERE id = ?').bind(opened.requestId).first();
    expect(row).toEqual({ state: 'completed', approved_via: 'waiting' });
  });

  it('is cancelled from the old phone, and then cannot finish', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    await api('/api/device-change/wait', { body: { requestId: opened.requestId } });
    const list = await api<DeviceListResponse>('/api/devices', { cookie: oldPhone.cookie });
    expect(list.body.pendingChanges[0]).toMatchObject({ requestId: opened.requestId, state: 'waiting' });

    expect((await api('/api/device-change/cancel', { body: { requestId: opened.requestId }, cookie: oldPhone.cookie })).status).toBe(204);
    await (await shardDb(opened.requestId)).prepare('UPDATE device_changes SET ready_at = ? WHERE id = ?').bind(Date.now() - 1000, opened.requestId).run();
    const status = await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } });
    expect(status.body.state).toBe('cancelled');
    const res = await api('/api/device-change/options', { body: { requestId: opened.requestId } });
    expect(res.body.error?.code).toBe('request_invalid');
    expect((await api('/api/me', { cookie: oldPhone.cookie })).status).toBe(200);
  });
});

describe('device change: the old phone is told, even when the SIM is already in the new one', () => {
  it('opening a request and starting the waiting period notify the account in the app, with a link to review or cancel', async () => {
    const { phone: oldPhone, citizen } = await registeredPhone();
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen, 'Android · Chrome');

    const inbox = await api<NotificationsResponse>('/api/notifications', { cookie: oldPhone.cookie });
    expect(inbox.status).toBe(200);
    expect(inbox.body.unread).toBe(1);
    expect(inbox.body.notifications).toEqual([
      expect.objectContaining({ kind: 'security', link: REVIEW_PATH, title: expect.stringMatching(/thiết bị mới/), body: expect.stringContaining('Android · Chrome'), readAt: null }),
    ]);
    // The link opens the screen that lists the open request with its cancel button.
    const devices = await api<DeviceListResponse>('/api/devices', { cookie: oldPhone.cookie });
    expect(devices.body.pendingChanges.map((c) => c.requestId)).toEqual([opened.requestId]);

    // The old phone allowed push: the waiting period reaches it as a push, encrypted for that browser.
    const sub = await browserSubscription();
    expect((await api('/api/notifications/subscriptions', { body: sub.json, cookie: oldPhone.cookie })).status).toBe(204);
    const deps = testServicesDeps();
    const waiting = await startWaitingPeriod(deps, opened.requestId);
    expect(waiting.state).toBe('waiting');
    await deps.settle();
    expect(deps.pushed.map((p) => p.url)).toEqual([sub.endpoint]);
    const message = JSON.parse(await decryptPushMessage(deps.pushed[0]!.body, sub)) as PushMessage;
    expect(message).toMatchObject({ title: expect.stringMatching(/thiết bị mới/), url: REVIEW_PATH, body: expect.stringContaining('Android · Chrome') });

    const after = await api<NotificationsResponse>('/api/notifications', { cookie: oldPhone.cookie });
    expect(after.body.notifications.map((n) => [n.kind, n.link])).toEqual([
      ['security', REVIEW_PATH],
      ['security', REVIEW_PATH],
    ]);
    // The SMS and the e-mail still go out as before: the in-app notice is one more channel, not instead.
    expect((await smsTo(citizen.phone)).at(-1)).toMatch(/doi thiet bi/);
  });

  it('a request that matches no account (a decoy) notifies nobody, and the finished change drops the old phone’s push subscriptions', async () => {
    const { phone: oldPhone, me, citizen } = await registeredPhone();
    const decoy = await api<{ requestId: string }>('/api/device-change/start', { body: { idNumber: citizen.idNumber, phone: '0900000001' } });
    expect(decoy.status).toBe(201);
    expect((await api<NotificationsResponse>('/api/notifications', { cookie: oldPhone.cookie })).body.notifications).toEqual([]);

    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    // Subscribed after the notice (this test sends nothing to a push service).
    const sub = await browserSubscription();
    expect((await api('/api/notifications/subscriptions', { body: sub.json, cookie: oldPhone.cookie })).status).toBe(204);
    await approveOnOldPhone(oldPhone, opened.approvalCode);
    expect((await finishOnNewPhone(newPhone, opened.requestId)).status).toBe(201);
    // The old phone may be in someone else's hands: the account's notifications stop reaching it.
    expect(await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM push_subscriptions WHERE account_id = ?').bind(me.accountId).first('n')).toBe(0);
  });
});

describe('device change approved by an officer (level 2)', () => {
  it('has no waiting path; the officer checks the card and types the code shown on the new phone', async () => {
    const officer = await invitedOfficer();
    const { phone: oldPhone, me, citizen } = await level2Citizen(officer);
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    expect(opened).toMatchObject({ level: 2, canWait: false });
    const wait = await api('/api/device-change/wait', { body: { requestId: opened.requestId } });
    expect(wait.status).toBe(403);
    expect(wait.body.error?.code).toBe('forbidden');

    const record = await officer.call(`/api/officer/citizens/${citizen.idNumber}`);
    expect(record.body.deviceChanges).toEqual([expect.objectContaining({ requestId: opened.requestId, state: 'pending' })]);
    const path = `/api/officer/citizens/${citizen.idNumber}/device-changes/${opened.requestId}/approve`;
    const wrong = await officer.call(path, { code: 'AAAA-AAAA', cardChecked: true });
    expect(wrong.body.error?.code).toBe('code_invalid');
    const unchecked = await officer.call(path, { code: opened.approvalCode, cardChecked: false });
    expect(unchecked.body.error?.code).toBe('validation_failed');
    const approved = await officer.call(path, { code: opened.approvalCode, cardChecked: true });
    expect(approved.status).toBe(200);
    expect(approved.body.deviceChanges).toEqual([expect.objectContaining({ state: 'approved' })]);

    const finished = await finishOnNewPhone(newPhone, opened.requestId);
    expect(finished.status).toBe(201);
    expect((await api('/api/me', { cookie: oldPhone.cookie })).status).toBe(401);
    const docs = (await wallet(newPhone)).body.documents;
    expect(docs.map((d) => d.docType)).toContain('eid_card');

    const audit = await (await shardDb(me.accountId)).prepare("SELECT actor, detail FROM audit_log WHERE subject = ? AND action = 'device.change.approved'").bind(me.accountId).first<{ actor: string; detail: string }>();
    expect(audit?.actor).toBe(`officer:${officer.me.officerId}`);
    expect(JSON.parse(audit!.detail)).toMatchObject({ via: 'officer', unit: '00070', cardChecked: true });
    expect((await smsTo(citizen.phone)).some((m) => /Can bo 00070 da phe duyet doi thiet bi/.test(m))).toBe(true);
  });
});

describe('device change and single sign-on', () => {
  it('stolen phone: portal sign-ins made from the old phone end with the device change (refresh token refused)', async () => {
    const client = await import('openid-client');
    const { createPortal, signInToPortal } = await import('./helpers/oidc');
    const { phone: oldPhone, citizen } = await registeredPhone();
    const portal = await createPortal({ scopes: ['openid', 'profile', 'offline_access'] });
    const { tokens } = await signInToPortal(oldPhone, portal, { scope: 'openid profile offline_access' });
    const rotated = await client.refreshTokenGrant(portal.config, tokens.refresh_token!);

    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen, 'Android · Chrome');
    await approveOnOldPhone(oldPhone, opened.approvalCode);
    expect((await finishOnNewPhone(newPhone, opened.requestId)).status).toBe(201);

    await expect(client.refreshTokenGrant(portal.config, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
