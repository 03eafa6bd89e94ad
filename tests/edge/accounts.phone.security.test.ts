/**
 * Phone-number change against a SIM swap, in workerd + D1: a device change opened with an SMS
 * code to the old number must not outlive that number on the account.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CodeSentResponse, DeviceChangeStatus } from '../../shared/accounts';
import { finishOnNewPhone, openDeviceChange, registeredPhone, stepUp } from './helpers/accounts';
import { api, latestSmsCode, TestPhone } from './helpers/phone';
import { shardDb } from './helpers/shards';

describe('phone change ends what the old number opened', () => {
  it("SIM swapper: a device change in its waiting period, opened with the SMS code to the swapped number, does not complete after the citizen changes number", async () => {
    const { phone: citizenPhone, me, citizen } = await registeredPhone();
    // The swapper holds the SIM of the account's number: the SMS code opens a request on their phone.
    const swapper = await TestPhone.create();
    const opened = await openDeviceChange(swapper, citizen, 'Swapper');
    const waiting = await api<DeviceChangeStatus>('/api/device-change/wait', { body: { requestId: opened.requestId } });
    expect(waiting.body.state).toBe('waiting');

    // The citizen, warned in the app, moves the account to a number the swapper does not hold.
    const to = `+8496${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const proof = await stepUp(citizenPhone, '/api/phone/options', 'change-phone', citizenPhone.cookie);
    const start = await api<CodeSentResponse>('/api/phone/start', { body: { phone: to, ...proof }, cookie: citizenPhone.cookie });
    expect((await api('/api/phone/confirm', { body: { requestId: start.body.requestId, code: await latestSmsCode(to) }, cookie: citizenPhone.cookie })).status).toBe(200);

    // The waiting period ends: the request is gone, and the swapper's phone cannot finish.
    await (await shardDb(opened.requestId)).prepare('UPDATE device_changes SET ready_at = ? WHERE id = ?').bind(Date.now() - 1, opened.requestId).run();
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } })).body.state).toBe('cancelled');
    const finish = await finishOnNewPhone(swapper, opened.requestId);
    expect(finish.status).toBe(400);
    expect(finish.body.error?.code).toBe('request_invalid');
    expect(await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM device_keys WHERE account_id = ? AND revoked_at IS NULL').bind(me.accountId).first('n')).toBe(1);
    expect((await api('/api/me', { cookie: citizenPhone.cookie })).status).toBe(200);
  });

  it('an approved request not yet finished is cancelled too: it cannot finish after the number changed', async () => {
    const { phone: citizenPhone, citizen } = await registeredPhone();
    const swapper = await TestPhone.create();
    const opened = await openDeviceChange(swapper, citizen, 'Swapper');
    await (await shardDb(opened.requestId)).prepare("UPDATE device_changes SET state = 'approved', approved_via = 'old-device' WHERE id = ?").bind(opened.requestId).run();
    const to = `+8496${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const proof = await stepUp(citizenPhone, '/api/phone/options', 'change-phone', citizenPhone.cookie);
    const start = await api<CodeSentResponse>('/api/phone/start', { body: { phone: to, ...proof }, cookie: citizenPhone.cookie });
    await api('/api/phone/confirm', { body: { requestId: start.body.requestId, code: await latestSmsCode(to) }, cookie: citizenPhone.cookie });
    expect((await api('/api/device-change/options', { body: { requestId: opened.requestId } })).body.error?.code).toBe('request_invalid');
  });
});
