/**
 * Level-2 activation, one attack a test, in workerd + D1. An officer approved a citizen who
 * has no account yet; the approval is activated on a phone. Whoever swaps the citizen's SIM
 * has the ID number, the phone and every SMS code: the one-time activation code handed over
 * on paper at the desk is what they lack.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { DeviceChangeStatus } from '../../shared/accounts';
import type { CitizenRecord, Level2ApprovalResponse } from '../../shared/officer';
import { adultCitizen, invitedOfficer, openDeviceChange, smsTo, type OfficerDesk } from './helpers/accounts';
import { api, latestSmsCode, TestPhone } from './helpers/phone';
import { shardDb } from './helpers/shards';

type Verify = { options: { challenge: string; user: { id: string } } };

async function approve(officer: OfficerDesk, citizen: { idNumber: string; phone: string }): Promise<string> {
  const res = await officer.call<Level2ApprovalResponse>(`/api/officer/citizens/${citizen.idNumber}/level2`, { cardChecked: true, phone: citizen.phone });
  expect(res.status).toBe(200);
  return res.body.activation!.code;
}

/**
 * Steps 1–2 as the holder of the SIM does them: ID number + phone, the SMS code, and an
 * activation code. Each try starts afresh with a new SMS code (the last one was used), so the
 * hourly limits on starts and SMS (5 each) are reset first: a patient attacker waits them out.
 */
async function activateWith(citizen: { idNumber: string; phone: string }, activationCode: string) {
  await env.DB.prepare('DELETE FROM rate_limits WHERE key IN (?, ?)').bind(`enrol:id:${citizen.idNumber}`, `sms:phone:${citizen.phone}`).run();
  const start = await api<{ enrolmentId: string }>('/api/enrol/approved', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
  expect(start.status).toBe(201);
  const sms = (await smsTo(citizen.phone)).at(-1) ?? '';
  const code = /kich hoat tai khoan dinh danh dien tu muc 2/.test(sms) ? await latestSmsCode(citizen.phone) : '000000';
  const verify = await api<Verify>('/api/enrol/approved/verify', { body: { enrolmentId: start.body.enrolmentId, code, activationCode } });
  return { enrolmentId: start.body.enrolmentId, verify };
}

function wrongCode(right: string): string {
  return right.startsWith('ZZZZ') ? 'YYYY-YYYY' : 'ZZZZ-ZZZZ';
}

async function accountCount(idNumber: string): Promise<unknown> {
  return (await shardDb(idNumber)).prepare('SELECT count(*) AS n FROM accounts WHERE id_number = ?').bind(idNumber).first('n');
}

describe('level-2 activation needs the code from the desk', () => {
  it('SIM swapper: ID number, phone and the SMS code without the activation code do not activate (old route refused, wrong code refused), no account', async () => {
    const officer = await invitedOfficer();
    const citizen = await adultCitizen();
    const right = await approve(officer, citizen);

    // The level-1 verification route no longer takes a level-2 request.
    const start = await api<{ enrolmentId: string }>('/api/enrol/approved', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
    const old = await api('/api/enrol/verify', { body: { enrolmentId: start.body.enrolmentId, code: await latestSmsCode(citizen.phone) } });
    expect(old.status).toBe(400);
    expect(old.body.error?.code).toBe('enrolment_invalid');
    // No activation code at all: refused by the schema.
    const none = await api('/api/enrol/approved/verify', { body: { enrolmentId: start.body.enrolmentId, code: await latestSmsCode(citizen.phone) } });
    expect(none.body.error?.code).toBe('validation_failed');

    const { verify } = await activateWith(citizen, wrongCode(right));
    expect(verify.status).toBe(400);
    expect(verify.body.error?.code).toBe('activation_code_invalid');
    expect(verify.body.error?.message).toMatch(/4 tries left/);
    expect(await accountCount(citizen.idNumber)).toBe(0);
    // The citizen, with the paper, still activates.
    expect((await activateWith(citizen, right)).verify.status).toBe(200);
  });

  it('guessing the activation code: five wrong codes void the approval; then even the right one is refused, no SMS is sent, and the desk sees no approval pending', async () => {
    const officer = await invitedOfficer();
    const citizen = await adultCitizen();
    const right = await approve(officer, citizen);
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 5; i++) codes.push((await activateWith(citizen, wrongCode(right))).verify.body.error?.code);
    expect(codes).toEqual(['activation_code_invalid', 'activation_code_invalid', 'activation_code_invalid', 'activation_code_invalid', 'activation_code_locked']);

    const smsBefore = (await smsTo(citizen.phone)).length;
    const after = await activateWith(citizen, right);
    expect((await smsTo(citizen.phone)).length).toBe(smsBefore); // a void approval is answered as none: no SMS
    expect(after.verify.body.error?.code).toBe('code_invalid');
    expect((await officer.call<CitizenRecord>(`/api/officer/citizens/${citizen.idNumber}`)).body.level2Approval).toBeNull();

    // A new approval makes a new code, with its tries counted afresh.
    const renewed = await approve(officer, citizen);
    expect(renewed).not.toBe(right);
    expect((await activateWith(citizen, renewed)).verify.status).toBe(200);
  });

  it('an activation code is used once: the code that activated cannot start a second activation', async () => {
    const officer = await invitedOfficer();
    const citizen = await adultCitizen();
    const right = await approve(officer, citizen);
    const first = await activateWith(citizen, right);
    expect(first.verify.status).toBe(200);
    // Before the passkey step, someone else with the SIM and a copy of the paper tries the same code.
    const second = await activateWith(citizen, right);
    expect(second.verify.body.error?.code).toBe('code_invalid'); // no approval left to send a code for
    const finished = await (await TestPhone.create()).finishRegistration(first.enrolmentId, first.verify.body.options);
    expect(finished.status).toBe(201);
    expect(await accountCount(citizen.idNumber)).toBe(1);
  });

  it('an expired approval (past 7 days): no SMS, no activation', async () => {
    const officer = await invitedOfficer();
    const citizen = await adultCitizen();
    const right = await approve(officer, citizen);
    await (await shardDb(citizen.idNumber)).prepare('UPDATE level2_approvals SET expires_at = ? WHERE id_number = ?').bind(Date.now() - 1, citizen.idNumber).run();
    const smsBefore = (await smsTo(citizen.phone)).length;
    expect((await activateWith(citizen, right)).verify.body.error?.code).toBe('code_invalid');
    expect((await smsTo(citizen.phone)).length).toBe(smsBefore);
  });

  it('the activation code is stored only as a hash', async () => {
    const officer = await invitedOfficer();
    const citizen = await adultCitizen();
    const right = await approve(officer, citizen);
    const row = await (await shardDb(citizen.idNumber)).prepare('SELECT * FROM level2_approvals WHERE id_number = ?').bind(citizen.idNumber).first<Record<string, unknown>>();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(right);
    expect(stored).not.toContain(right.replace('-', ''));
    expect(row?.activation_code_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('four eyes from the approval on: the officer who recorded the phone cannot approve the device change of the account activated from it', async () => {
    const officer = await invitedOfficer();
    const citizen = await adultCitizen();
    const right = await approve(officer, citizen);
    const { enrolmentId, verify } = await activateWith(citizen, right);
    expect((await (await TestPhone.create()).finishRegistration(enrolmentId, verify.body.options)).status).toBe(201);

    const opened = await openDeviceChange(await TestPhone.create(), citizen);
    const path = `/api/officer/citizens/${citizen.idNumber}/device-changes/${opened.requestId}/approve`;
    expect((await officer.call(path, { code: opened.approvalCode, cardChecked: true })).body.error?.code).toBe('second_officer_required');
    expect((await api<DeviceChangeStatus>('/api/device-change/status', { body: { requestId: opened.requestId } })).body.state).toBe('pending');
    expect((await (await invitedOfficer()).call(path, { code: opened.approvalCode, cardChecked: true })).status).toBe(200);
  });
});
