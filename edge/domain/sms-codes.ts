/**
 * One-time SMS codes: 6 digits, stored only as an HMAC, valid 5 minutes, 5 tries and then
 * locked for 15 minutes. The code itself is never logged or stored in clear (the
 * development outbox holds the message, as a phone would).
 */
import { timingSafeEqual, utf8 } from '../../shared/bytes';
import { consumeSmsCode, readSmsCode, recordFailedSmsAttempt, upsertSmsCode } from '../store/sms';
import { hmacBase64Url, randomDigits } from './crypto';
import type { Deps } from './deps';
import { AppError } from './errors';
import { enforceRateLimit, LIMITS } from './rate-limit';

export const SMS_CODE_TTL_MS = 5 * 60_000;
export const SMS_CODE_MAX_ATTEMPTS = 5;
export const SMS_CODE_LOCK_MS = 15 * 60_000;

function hashCode(secret: string, flowId: string, code: string): Promise<string> {
  return hmacBase64Url(secret, `sms-code:${flowId}:${code}`);
}

/** Sends a fresh code for a flow to a phone; the message text is built around the code. */
export async function sendSmsCode(
  deps: Deps,
  input: { flowId: string; purpose: string; phone: string; message: (code: string) => string },
): Promise<{ expiresAt: number }> {
  const existing = await readSmsCode(deps.db, input.flowId);
  if (existing?.lockedUntil && existing.lockedUntil > deps.now) {
    throw new AppError('code_locked', 'Too many wrong codes. Try again later.', Math.ceil((existing.lockedUntil - deps.now) / 1000));
  }
  await enforceRateLimit(deps.db, `sms:phone:${input.phone}`, LIMITS.smsPerPhone, deps.now);
  const code = randomDigits(6);
  const expiresAt = deps.now + SMS_CODE_TTL_MS;
  await upsertSmsCode(deps.db, {
    flowId: input.flowId,
    purpose: input.purpose,
    phone: input.phone,
    codeHash: await hashCode(deps.config.sessionSecret, input.flowId, code),
    expiresAt,
    attempts: 0,
    lockedUntil: null,
    consumedAt: null,
  });
  await deps.sms.send(input.phone, input.message(code), deps.now);
  return { expiresAt };
}

/** Checks a code for a flow and uses it up; throws code_invalid / code_expired / code_locked. */
export async function checkSmsCode(deps: Deps, flowId: string, code: string): Promise<void> {
  const stored = await readSmsCode(deps.db, flowId);
  if (!stored || stored.consumedAt !== null) throw new AppError('code_invalid', 'The code is not valid.');
  if (stored.lockedUntil && stored.lockedUntil > deps.now) {
    throw new AppError('code_locked', 'Too many wrong codes. Try again later.', Math.ceil((stored.lockedUntil - deps.now) / 1000));
  }
  if (stored.expiresAt <= deps.now) throw new AppError('code_expired', 'The code has expired. Ask for a new one.');
  const given = await hashCode(deps.config.sessionSecret, flowId, code);
  if (!timingSafeEqual(utf8(given), utf8(stored.codeHash))) {
    const attempts = await recordFailedSmsAttempt(deps.db, flowId, SMS_CODE_MAX_ATTEMPTS, deps.now + SMS_CODE_LOCK_MS);
    if (attempts >= SMS_CODE_MAX_ATTEMPTS) {
      throw new AppError('code_locked', 'Too many wrong codes. Try again later.', SMS_CODE_LOCK_MS / 1000);
    }
    throw new AppError('code_invalid', `The code is not valid. ${SMS_CODE_MAX_ATTEMPTS - attempts} tries left.`);
  }
  if (!(await consumeSmsCode(deps.db, flowId, deps.now))) throw new AppError('code_invalid', 'The code is not valid.');
}

/**
 * For details that match nothing: stores a code no one knows and sends nothing, under the
 * same rate limits, so that every later answer (wrong code, expired, locked) is the same as
 * for a real request. The caller must not reveal which it was.
 */
export async function sendDecoyCode(deps: Deps, input: { flowId: string; purpose: string; phone: string }): Promise<{ expiresAt: number }> {
  await enforceRateLimit(deps.db, `sms:phone:${input.phone}`, LIMITS.smsPerPhone, deps.now);
  const expiresAt = deps.now + SMS_CODE_TTL_MS;
  await upsertSmsCode(deps.db, {
    flowId: input.flowId,
    purpose: input.purpose,
    phone: input.phone,
    // The HMAC of a random secret: no 6-digit code can match it.
    codeHash: await hashCode(deps.config.sessionSecret, input.flowId, crypto.randomUUID()),
    expiresAt,
    attempts: 0,
    lockedUntil: null,
    consumedAt: null,
  });
  return { expiresAt };
}
