/**
 * Phone-number change in workerd + D1: a fresh passkey assertion with the bound phone's
 * device key, the SMS code to the new number, a notice to the old one; and the refusals.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CodeSentResponse, HistoryResponse } from '../../shared/accounts';
import type { Me } from '../../shared/api';
import { registeredPhone, smsTo, stepUp } from './helpers/accounts';
import { api, freshCitizen, latestSmsCode, TestPhone } from './helpers/phone';
import { shardDb } from './helpers/shards';

const newNumber = () => `+8497${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

async function startChange(phone: TestPhone, to: string) {
  const proof = await stepUp(phone, '/api/phone/options', 'change-phone', phone.cookie);
  return api<CodeSentResponse>('/api/phone/start', { body: { phone: to, ...proof }, cookie: phone.cookie });
}

describe('phone-number change', () => {
  it('confirms the new number by SMS, tells the old number, and the account uses the new one from then on', async () => {
    const { phone, me, citizen } = await registeredPhone();
    const to = newNumber();
    const start = await startChange(phone, to);
    expect(start.status).toBe(201);
    expect(start.body.phoneMasked).toBe(`+84 9•• ••• ${to.slice(-3)}`);
    const code = await latestSmsCode(to);
    const done = await api<Me>('/api/phone/confirm', { body: { requestId: start.body.requestId, code }, cookie: phone.cookie });
    expect(done.status).toBe(200);
    expect(done.body.phoneMasked).toBe(`+84 9•• ••• ${to.slice(-3)}`);
    expect((await smsTo(citizen.phone)).at(-1)).toMatch(new RegExp(`da doi sang \\+84 9•• ••• ${to.slice(-3)}`));
    expect(await (await shardDb(me.accountId)).prepare('SELECT phone FROM accounts WHERE id = ?').bind(me.accountId).first('phone')).toBe(to);
    const history = await api<HistoryResponse>('/api/me/history', { cookie: phone.cookie });
    expect(history.body.events[0]).toMatchObject({ action: 'phone.changed', by: 'you' });
    // Locks from a computer now go by the new number.
    const lock = await api<CodeSentResponse>('/api/lock/start', { body: { idNumber: citizen.idNumber, phone: to } });
    expect(lock.status).toBe(201);
    expect((await smsTo(to)).at(-1)).toMatch(/KHOA/);
  });

  it('a session is not enough: without the fresh assertion and device proof the change does not start', async () => {
    const { phone } = await registeredPhone();
    const res = await api('/api/phone/start', { body: { phone: newNumber() }, cookie: phone.cookie });
    expect(res.body.error?.code).toBe('validation_failed');
    // A sign-in assertion (another purpose) is not a phone-change confirmation.
    const signInOptions = await phone.signInOptions();
    const credential = await phone.authenticator.get(signInOptions);
    const other = await api('/api/phone/start', {
      body: { phone: newNumber(), credential, deviceKey: { keyId: phone.deviceKeyId, signature: await phone.sign('change-phone', signInOptions.challenge) } },
      cookie: phone.cookie,
    });
    expect(other.body.error?.code).toBe('challenge_invalid');
    expect((await api('/api/phone/options', { body: {} })).status).toBe(401);
  });

  it("another account's passkey and device, with this account's session, are refused", async () => {
    const { phone } = await registeredPhone();
    const { phone: other } = await registeredPhone();
    const options = await api<{ options: { challenge: string } }>('/api/phone/options', { body: {}, cookie: phone.cookie });
    const credential = await other.authenticator.get(options.body.options);
    const res = await api('/api/phone/start', {
      body: { phone: newNumber(), credential, deviceKey: { keyId: other.deviceKeyId, signature: await other.sign('change-phone', options.body.options.challenge) } },
      cookie: phone.cookie,
    });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('user_handle_mismatch');
  });

  it('wrong or expired code on the new number: refused, the number stays', async () => {
    const { phone, me, citizen } = await registeredPhone();
    const to = newNumber();
    const start = await startChange(phone, to);
    const code = await latestSmsCode(to);
    const wrong = code === '123123' ? '321321' : '123123';
    expect((await api('/api/phone/confirm', { body: { requestId: start.body.requestId, code: wrong }, cookie: phone.cookie })).body.error?.code).toBe('code_invalid');
    await env.DB.prepare('UPDATE sms_codes SET expires_at = ? WHERE flow_id = ?').bind(Date.now() - 1, `phone:${start.body.requestId}`).run();
    expect((await api('/api/phone/confirm', { body: { requestId: start.body.requestId, code }, cookie: phone.cookie })).body.error?.code).toBe('code_expired');
    expect(await (await shardDb(me.accountId)).prepare('SELECT phone FROM accounts WHERE id = ?').bind(me.accountId).first('phone')).toBe(citizen.phone);
  });

  it("another account's request: a confirmation belongs to the account that started it", async () => {
    const { phone: a } = await registeredPhone();
    const { phone: b } = await registeredPhone();
    const to = newNumber();
    const start = await startChange(a, to);
    const code = await latestSmsCode(to);
    const res = await api('/api/phone/confirm', { body: { requestId: start.body.requestId, code }, cookie: b.cookie });
    expect(res.body.error?.code).toBe('request_invalid');
  });

  it('rate limit: a fourth change in a day is refused', async () => {
    const { phone } = await registeredPhone();
    for (let i = 0; i < 3; i++) expect((await startChange(phone, newNumber())).status).toBe(201);
    const proof = await stepUp(phone, '/api/phone/options', 'change-phone', phone.cookie);
    const res = await api('/api/phone/start', { body: { phone: newNumber(), ...proof }, cookie: phone.cookie });
    expect(res.status).toBe(429);
  });

  it('the same number again is refused', async () => {
    const citizen = await freshCitizen();
    const phone = await TestPhone.create();
    await phone.register(citizen);
    const res = await startChange(phone, citizen.phone);
    expect(res.body.error?.code).toBe('validation_failed');
  });
});
