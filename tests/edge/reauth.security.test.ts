/**
 * Step-up assertions (edge/domain/reauth.ts) and the user handle, against the real worker in
 * workerd with real D1. WebAuthn §7.2 step 6: when the options named no credentials (the
 * usernameless unlock), the response must carry the user handle and it must be the account's;
 * when they named the account's passkeys (phone change, device approval) it may be left out.
 */
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { readAccount } from '../../edge/store/accounts';
import { registeredPhone, smsTo, stepUp } from './helpers/accounts';
import { api, type TestPhone } from './helpers/phone';
import { shardDb } from './helpers/shards';

async function lockedPhone() {
  const victim = await registeredPhone();
  expect((await api('/api/lock', { body: {}, cookie: victim.phone.cookie })).status).toBe(204);
  return victim;
}

/** The assertion as an authenticator that leaves out the user handle would send it. */
async function withoutUserHandle(phone: TestPhone, optionsPath: string, purpose: 'unlock' | 'change-phone', cookie?: string) {
  const proof = await stepUp(phone, optionsPath, purpose, cookie);
  const { userHandle, ...response } = proof.credential.response;
  expect(userHandle).toBeTruthy();
  return { ...proof, credential: { ...proof.credential, response } };
}

describe('step-up: the user handle', () => {
  it('usernameless unlock without a user handle: refused (user_handle_mismatch), no code sent, the account stays locked', async () => {
    const { phone, me, citizen } = await lockedPhone();
    const sent = (await smsTo(citizen.phone)).length;
    const res = await api('/api/unlock/start', { body: await withoutUserHandle(phone, '/api/unlock/options', 'unlock') });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('user_handle_mismatch');
    expect((await smsTo(citizen.phone)).length).toBe(sent);
    expect((await readAccount((await shardDb(me.accountId)), me.accountId))?.status).toBe('locked');
    // The same phone, its authenticator returning the handle, goes on.
    expect((await api('/api/unlock/start', { body: await stepUp(phone, '/api/unlock/options', 'unlock') })).status).toBe(201);
  });

  it('usernameless unlock with another account\'s user handle: refused', async () => {
    const { phone } = await lockedPhone();
    const { me: other } = await registeredPhone();
    const options = await api<{ options: { challenge: string } }>('/api/unlock/options', { body: {} });
    const credential = await phone.authenticator.get(options.body.options, { userHandle: other.accountId });
    const res = await api('/api/unlock/start', {
      body: { credential, deviceKey: { keyId: phone.deviceKeyId, signature: await phone.sign('unlock', options.body.options.challenge) } },
    });
    expect(res.body.error?.code).toBe('user_handle_mismatch');
  });

  it('phone change, whose options name the account\'s passkeys: an assertion without a user handle is accepted', async () => {
    const { phone } = await registeredPhone();
    const proof = await withoutUserHandle(phone, '/api/phone/options', 'change-phone', phone.cookie);
    const to = `+8497${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const res = await api('/api/phone/start', { body: { phone: to, ...proof }, cookie: phone.cookie });
    expect(res.status).toBe(201);
  });
});
