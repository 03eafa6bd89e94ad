/**
 * Guessing SMS codes, against the real worker in workerd with real D1. Tries are counted per
 * phone and purpose by one conditional UPDATE before the code is compared
 * (edge/store/sms.ts): neither concurrency nor asking for new codes gets an attacker more
 * than five guesses per lock, and every endpoint that compares a code counts the client too.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../edge/domain/rate-limit';
import { SMS_CODE_LOCK_MS } from '../../edge/domain/sms-codes';
import { registeredPhone, smsTo } from './helpers/accounts';
import { api, freshCitizen, latestSmsCode } from './helpers/phone';

type Citizen = Awaited<ReturnType<typeof freshCitizen>>;

function startEnrolment(c: Citizen, headers?: Record<string, string>) {
  return api<{ enrolmentId: string }>('/api/enrol/start', {
    body: { idNumber: c.idNumber, fullName: c.fullName, birthDate: c.birthDate, phone: c.phone },
    headers,
  });
}

const verify = (enrolmentId: string, code: string, headers?: Record<string, string>) =>
  api('/api/enrol/verify', { body: { enrolmentId, code }, headers });

const wrongFor = (right: string) => (right === '000000' ? '111111' : '000000');

const tries = (phone: string, purpose: string) =>
  env.DB.prepare('SELECT attempts, lockouts, locked_until FROM sms_code_tries WHERE phone = ? AND purpose = ?')
    .bind(phone, purpose)
    .first<{ attempts: number; lockouts: number; locked_until: number | null }>();

/** Plays the lock's end: its time has passed. */
const endLock = (phone: string, purpose: string) =>
  env.DB.prepare('UPDATE sms_code_tries SET locked_until = ? WHERE phone = ? AND purpose = ?').bind(Date.now() - 1, phone, purpose).run();

describe('SMS codes: guessing', () => {
  it('concurrent guessing: 40 wrong codes sent at once are judged five times at most, the rest refused as locked', async () => {
    const c = await freshCitizen();
    const start = await startEnrolment(c);
    const right = await latestSmsCode(c.phone);
    // 40 different wrong codes, all at once (as many isolates would receive them).
    const guesses = Array.from({ length: 40 }, (_, i) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all(guesses.map((g) => verify(start.body.enrolmentId, g)));
    const codes = answers.map((a) => a.body.error?.code);
    // Four judged wrong, the fifth judged wrong and locking, 35 never compared.
    expect(codes.filter((x) => x === 'code_invalid')).toHaveLength(4);
    expect(codes.filter((x) => x === 'code_locked')).toHaveLength(36);
    expect(answers.every((a) => a.status === 400 || a.status === 429)).toBe(true);
    expect(await tries(c.phone, 'enrol')).toMatchObject({ attempts: 5, lockouts: 1 });
    // The right code now gets no judgement either.
    const late = await verify(start.body.enrolmentId, right);
    expect(late.status).toBe(429);
    expect(late.body.error?.code).toBe('code_locked');
  });

  it('a new code brings no new tries: asked during the lock it is refused until the lock ends; then the right code works', async () => {
    const c = await freshCitizen();
    const first = await startEnrolment(c);
    const wrong = wrongFor(await latestSmsCode(c.phone));
    for (let i = 0; i < 5; i++) await verify(first.body.enrolmentId, wrong);
    const sent = (await smsTo(c.phone)).length;

    const again = await startEnrolment(c);
    expect(again.status).toBe(429);
    expect(again.body.error?.code).toBe('code_locked');
    const retryAfter = Number(again.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(SMS_CODE_LOCK_MS / 1000 - 60);
    expect(retryAfter).toBeLessThanOrEqual(SMS_CODE_LOCK_MS / 1000);
    expect((await smsTo(c.phone)).length).toBe(sent); // no SMS went out for it

    await endLock(c.phone, 'enrol');
    const after = await startEnrolment(c);
    expect(after.status).toBe(201);
    const ok = await verify(after.body.enrolmentId, await latestSmsCode(c.phone));
    expect(ok.status).toBe(200);
    // The right code clears the count.
    expect(await tries(c.phone, 'enrol')).toBeNull();
  });

  it('tries add up across codes: four wrong at one code and one wrong at the next lock the phone', async () => {
    const c = await freshCitizen();
    const first = await startEnrolment(c);
    const wrong = wrongFor(await latestSmsCode(c.phone));
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await verify(first.body.enrolmentId, wrong)).body.error?.code);
    expect(codes).toEqual(['code_invalid', 'code_invalid', 'code_invalid', 'code_invalid']);
    const second = await startEnrolment(c);
    expect(second.status).toBe(201);
    const right = await latestSmsCode(c.phone);
    expect((await verify(second.body.enrolmentId, wrongFor(right))).body.error?.code).toBe('code_locked');
    expect((await verify(second.body.enrolmentId, right)).body.error?.code).toBe('code_locked');
  });

  it('locks in a row get longer: the second lock before a right code lasts twice the first', async () => {
    const c = await freshCitizen();
    const first = await startEnrolment(c);
    const wrong = wrongFor(await latestSmsCode(c.phone));
    for (let i = 0; i < 5; i++) await verify(first.body.enrolmentId, wrong);
    await endLock(c.phone, 'enrol');
    const second = await startEnrolment(c);
    const wrong2 = wrongFor(await latestSmsCode(c.phone));
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await verify(second.body.enrolmentId, wrong2));
    expect(answers.map((a) => a.body.error?.code)).toEqual(['code_invalid', 'code_invalid', 'code_invalid', 'code_invalid', 'code_locked']);
    expect(Number(answers[4]!.headers.get('retry-after'))).toBeGreaterThan((2 * SMS_CODE_LOCK_MS) / 1000 - 60);
    expect(await tries(c.phone, 'enrol')).toMatchObject({ attempts: 5, lockouts: 2 });
  });

  it('locks are per purpose: a phone locked for registration can still confirm a lock from a computer', async () => {
    const { citizen } = await registeredPhone();
    await env.DB.prepare(
      `INSERT INTO sms_code_tries (phone, purpose, attempts, lockouts, locked_until, updated_at) VALUES (?, 'enrol', 5, 1, ?, ?)`,
    ).bind(citizen.phone, Date.now() + SMS_CODE_LOCK_MS, Date.now()).run();
    const start = await api<{ requestId: string }>('/api/lock/start', { body: { idNumber: citizen.idNumber, phone: citizen.phone } });
    expect(start.status).toBe(201);
    const res = await api('/api/lock/confirm', { body: { requestId: start.body.requestId, code: await latestSmsCode(citizen.phone) } });
    expect(res.status).toBe(200);
  });

  it('probing through the lock: a decoy request (details that match no account) locks and refuses exactly as a real one', async () => {
    const { citizen } = await registeredPhone();
    const stranger = await freshCitizen(); // no account: the lock request is a decoy
    const answers: Record<string, unknown[]> = {};
    for (const who of [citizen, stranger]) {
      const start = await api<{ requestId: string }>('/api/lock/start', { body: { idNumber: who.idNumber, phone: who.phone } });
      const seen: unknown[] = [start.status];
      for (let i = 0; i < 5; i++) {
        const res = await api('/api/lock/confirm', { body: { requestId: start.body.requestId, code: '000000' } });
        seen.push(res.status, res.body.error?.code);
      }
      const again = await api('/api/lock/start', { body: { idNumber: who.idNumber, phone: who.phone } });
      seen.push(again.status, again.body.error?.code);
      answers[who === citizen ? 'real' : 'decoy'] = seen;
    }
    // (A real code could be 000000 once in a million runs; then the real one locks the account instead.)
    expect(answers.decoy).toEqual([201, 400, 'code_invalid', 400, 'code_invalid', 400, 'code_invalid', 400, 'code_invalid', 429, 'code_locked', 429, 'code_locked']);
    expect(answers.real).toEqual(answers.decoy);
  });

  it(`one client guessing across many phones: past ${LIMITS.smsChecksPerClient.limit} codes an hour, every code endpoint refuses it before comparing`, async () => {
    const c = await freshCitizen();
    const headers = { 'cf-connecting-ip': '192.0.2.77' };
    const start = await startEnrolment(c, headers);
    const right = await latestSmsCode(c.phone);
    const unknown = crypto.randomUUID();
    const paths = ['/api/enrol/verify', '/api/device-change/verify', '/api/lock/confirm', '/api/unlock/confirm'];
    for (let i = 0; i < LIMITS.smsChecksPerClient.limit; i++) {
      const path = paths[i % paths.length]!;
      const body = path === '/api/enrol/verify' ? { enrolmentId: unknown, code: '000000' } : { requestId: unknown, code: '000000', deviceKeyId: 'x'.repeat(43) };
      expect((await api(path, { body, headers })).status).toBe(400);
    }
    const limited = await verify(start.body.enrolmentId, right, headers);
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The code was not judged: from another address it still works, first time.
    expect((await verify(start.body.enrolmentId, right)).status).toBe(200);
  });
});
