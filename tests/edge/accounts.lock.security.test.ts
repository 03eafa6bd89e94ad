/**
 * Lock provenance, one attack a test, in workerd + D1. A citizen whose phone is lost locks
 * from a computer (or at a police station); the thief holds that phone and its SIM, knows the
 * phone's PIN (the passkey's user verification) and so has every factor of the citizen's own
 * unlock: passkey, device key, SMS code. Such a lock must not be undone from a phone.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CodeSentResponse } from '../../shared/accounts';
import type { Me } from '../../shared/api';
import { confirmUnlock, lockAccount } from '../../edge/domain/lock';
import { depsFromEnv } from '../../edge/http/app';
import { readAccount } from '../../edge/store/accounts';
import { finishOnNewPhone, invitedOfficer, openDeviceChange, registeredPhone, smsTo, stepUp } from './helpers/accounts';
import { api, latestSmsCode, TestPhone } from './helpers/phone';
import { shardDb, shardOf } from './helpers/shards';

async function lockFromComputer(citizen: { idNumber: string; phone: string }) {
  const start = await api<CodeSentResponse>('/api/lock/start', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
  const res = await api('/api/lock/confirm', { body: { requestId: start.body.requestId, code: await latestSmsCode(citizen.phone) } });
  expect(res.status).toBe(200);
}

/** Every factor of the citizen's unlock, played by whoever holds the phone and the SIM. */
async function unlockWithPhoneAndSim(phone: TestPhone, citizen: { phone: string }) {
  const start = await api<CodeSentResponse>('/api/unlock/start', { body: await stepUp(phone, '/api/unlock/options', 'unlock') });
  if (start.status !== 201) return start;
  const res = await api<Me>('/api/unlock/confirm', { body: { requestId: start.body.requestId, code: await latestSmsCode(citizen.phone) } });
  phone.keepCookie(res);
  return res;
}

async function documentStatuses(accountId: string): Promise<number[]> {
  const { results } = await (await shardDb(accountId)).prepare('SELECT status FROM documents WHERE account_id = ? AND superseded_at IS NULL').bind(accountId).all<{ status: number }>();
  return results.map((r) => r.status);
}

async function lockedBy(accountId: string): Promise<string | null> {
  return (await (await shardDb(accountId)).prepare('SELECT locked_by FROM accounts WHERE id = ?').bind(accountId).first<string>('locked_by')) ?? null;
}

describe('lock provenance: a phone cannot undo a lock made against it', () => {
  it('thief with the lost phone and its SIM, after the citizen locked from a computer: passkey + device key + SMS code are refused (unlock_in_person), no code is sent, the account stays locked', async () => {
    const { phone, me, citizen } = await registeredPhone();
    await lockFromComputer(citizen);
    expect(await lockedBy(me.accountId)).toBe('remote');
    const smsBefore = (await smsTo(citizen.phone)).length;

    const res = await unlockWithPhoneAndSim(phone, citizen);
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('unlock_in_person');
    expect((await smsTo(citizen.phone)).length).toBe(smsBefore); // refused before any SMS
    expect((await readAccount((await shardDb(me.accountId)), me.accountId))?.status).toBe('locked');
    expect((await phone.signIn()).body.error?.code).toBe('account_locked');
    expect(await (await shardDb(me.accountId)).prepare("SELECT count(*) AS n FROM audit_log WHERE subject = ? AND action = 'account.unlocked'").bind(me.accountId).first('n')).toBe(0);
  });

  it("after an officer's lock: the phone with its SIM cannot unlock either; the officer can", async () => {
    const officer = await invitedOfficer();
    const { phone, me, citizen } = await registeredPhone();
    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/lock`, { reason: 'Điện thoại bị trộm' })).status).toBe(200);
    expect(await lockedBy(me.accountId)).toBe('officer');
    expect((await unlockWithPhoneAndSim(phone, citizen)).body.error?.code).toBe('unlock_in_person');
    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/unlock`, { cardChecked: true })).body.account?.status).toBe('active');
    expect(await lockedBy(me.accountId)).toBeNull();
  });

  it('the thief starts an unlock of a lock made from the app, the citizen locks again from a computer before the SMS code is typed: the code no longer unlocks', async () => {
    const { phone, me, citizen } = await registeredPhone();
    expect((await api('/api/lock', { body: {}, cookie: phone.cookie })).status).toBe(204);
    expect(await lockedBy(me.accountId)).toBe('self');
    const start = await api<CodeSentResponse>('/api/unlock/start', { body: await stepUp(phone, '/api/unlock/options', 'unlock') });
    expect(start.status).toBe(201);
    const code = await latestSmsCode(citizen.phone);

    await lockFromComputer(citizen); // the citizen, from a computer: a stronger lock over the app's
    expect(await lockedBy(me.accountId)).toBe('remote');
    const res = await api('/api/unlock/confirm', { body: { requestId: start.body.requestId, code } });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('unlock_in_person');
    expect((await readAccount((await shardDb(me.accountId)), me.accountId))?.status).toBe('locked');
  });

  it('a lock racing the unlock transaction: the conditional unlock changes nothing, records nothing and leaves the documents suspended', async () => {
    const { phone, me, citizen } = await registeredPhone();
    const { body: challenge } = await api<{ challenge: string }>('/api/wallet/challenge', { body: {}, cookie: phone.cookie });
    await api('/api/wallet/sync', { body: { challenge: challenge.challenge, signature: await phone.sign('issue', challenge.challenge) }, cookie: phone.cookie });
    expect((await api('/api/lock', { body: {}, cookie: phone.cookie })).status).toBe(204);
    const start = await api<CodeSentResponse>('/api/unlock/start', { body: await stepUp(phone, '/api/unlock/options', 'unlock') });
    const code = await latestSmsCode(citizen.phone);
    // The remote lock commits after confirmUnlock read the account as self-locked: played by
    // changing the row under it at the moment of the batch (the statement re-checks in SQL).
    const shard = await shardOf(me.accountId);
    const batch = shard.db.batch.bind(shard.db);
    let raced = false;
    const racing = new Proxy(shard.db, {
      get(target, prop) {
        if (prop === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (!raced) {
              raced = true;
              await shard.db.prepare("UPDATE accounts SET locked_by = 'remote' WHERE id = ?").bind(me.accountId).run();
            }
            return batch(statements);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const deps = depsFromEnv({ ...env, [shard.binding]: racing }, Date.now());
    await expect(confirmUnlock(deps, { requestId: start.body.requestId, code })).rejects.toMatchObject({ code: 'unlock_in_person' });
    expect(raced).toBe(true);
    expect((await readAccount((await shardDb(me.accountId)), me.accountId))?.status).toBe('locked');
    expect(await documentStatuses(me.accountId)).toEqual([2]);
    expect(await (await shardDb(me.accountId)).prepare("SELECT count(*) AS n FROM audit_log WHERE subject = ? AND action = 'account.unlocked'").bind(me.accountId).first('n')).toBe(0);
  });

  it('a second, weaker lock never replaces a stronger one: a lock from the app over a lock from a computer leaves it a remote lock', async () => {
    const { me, citizen } = await registeredPhone();
    await lockFromComputer(citizen);
    const deps = depsFromEnv(env, Date.now());
    await lockAccount(deps, (await readAccount((await shardDb(me.accountId)), me.accountId))!, { actor: `account:${me.accountId}` }, 'self');
    expect(await lockedBy(me.accountId)).toBe('remote');
    await lockAccount(deps, (await readAccount((await shardDb(me.accountId)), me.accountId))!, { actor: 'officer:x' }, 'officer');
    await lockAccount(deps, (await readAccount((await shardDb(me.accountId)), me.accountId))!, { actor: 'client:x' }, 'remote');
    expect(await lockedBy(me.accountId)).toBe('officer');
  });
});

describe('lock provenance and device change', () => {
  it('locked from a computer, then an officer approves a new phone: the new phone unlocks itself; the thief with the old phone and the SIM cannot', async () => {
    const officer = await invitedOfficer();
    const { phone: oldPhone, me, citizen } = await registeredPhone();
    await lockFromComputer(citizen);
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    expect(opened).toMatchObject({ locked: true, canWait: false });
    expect((await officer.call(`/api/officer/citizens/${citizen.idNumber}/device-changes/${opened.requestId}/approve`, { code: opened.approvalCode, cardChecked: true })).status).toBe(200);
    const finished = await finishOnNewPhone(newPhone, opened.requestId);
    expect(finished.status).toBe(201);
    expect(finished.body.status).toBe('locked');
    expect(await lockedBy(me.accountId)).toBe('self'); // the phone it was against is gone

    const byThief = await unlockWithPhoneAndSim(oldPhone, citizen);
    expect(byThief.body.error?.code).toBe('credential_unknown');
    const byOwner = await unlockWithPhoneAndSim(newPhone, citizen);
    expect(byOwner.status).toBe(200);
    expect(byOwner.body).toMatchObject({ status: 'active', deviceKeyId: newPhone.deviceKeyId });
  });

  it("locked by an officer, then a new phone: the officer's lock stays, the new phone cannot unlock it", async () => {
    const officer = await invitedOfficer();
    const { me, citizen } = await registeredPhone();
    await officer.call(`/api/officer/citizens/${citizen.idNumber}/lock`, {});
    const newPhone = await TestPhone.create();
    const opened = await openDeviceChange(newPhone, citizen);
    await officer.call(`/api/officer/citizens/${citizen.idNumber}/device-changes/${opened.requestId}/approve`, { code: opened.approvalCode, cardChecked: true });
    expect((await finishOnNewPhone(newPhone, opened.requestId)).status).toBe(201);
    expect(await lockedBy(me.accountId)).toBe('officer');
    expect((await unlockWithPhoneAndSim(newPhone, citizen)).body.error?.code).toBe('unlock_in_person');
  });
});
