/**
 * One-time SMS codes: 6 digits, stored only as an HMAC, valid 5 minutes. Tries are counted
 * per phone and purpose, whichever code they are at: 5 tries, then locked for 15 minutes,
 * each further lock before a right code twice as long (at most 16 hours), so asking for new
 * codes brings no new tries. The code itself is never logged or stored in clear (the
 * development outbox holds the message, as a phone would).
 */
import { timingSafeEqual, utf8 } from '../../shared/bytes';
import { consumeSmsCode, countSmsTry, readSmsCode, readSmsLock, SMS_TRIES_FORGET_MS, upsertSmsCode, type SmsTryRule } from '../store/sms';
import { hmacBase64Url, randomDigits } from './crypto';
import type { Deps } from './deps';
import { AppError } from './errors';
import { enforceRateLimit, LIMITS } from './rate-limit';

export const SMS_CODE_TTL_MS = 5 * 60_000;
export const SMS_CODE_MAX_ATTEMPTS = 5;
export const SMS_CODE_LOCK_MS = 15 * 60_000;

export const SMS_TRY_RULE: SmsTryRule = {
  maxAttempts: SMS_CODE_MAX_ATTEMPTS,
  lockMs: SMS_CODE_LOCK_MS,
  maxLockShift: 6, // 15 min × 2⁶ = 16 h
  forgetMs: SMS_TRIES_FORGET_MS,
};

function hashCode(secret: string, flowId: string, code: string): Promise<string> {
  return hmacBase64Url(secret, `sms-code:${flowId}:${code}`);
}

function locked(lockedUntil: number, now: number): AppError {
  return new AppError('code_locked', 'Too many wrong codes. Try again later.', Math.max(1, Math.ceil((lockedUntil - now) / 1000)));
}

/** No new code while the phone is locked for this purpose: the code could not be checked anyway. */
async function refuseWhileLocked(deps: Deps, phone: string, purpose: string): Promise<void> {
  const lockedUntil = await readSmsLock(deps.db, phone, purpose, deps.now);
  if (lockedUntil !== null) throw locked(lockedUntil, deps.now);
}

/** Sends a fresh code for a flow to a phone; the message text is built around the code. */
export async function sendSmsCode(
  deps: Deps,
  input: { flowId: string; purpose: string; phone: string; message: (code: string) => string },
): Promise<{ expiresAt: number }> {
  await refuseWhileLocked(deps, input.phone, input.purpose);
  await enforceRateLimit(deps.db, `sms:phone:${input.phone}`, LIMITS.smsPerPhone, deps.now);
  const code = randomDigits(6);
  const expiresAt = deps.now + SMS_CODE_TTL_MS;
  await upsertSmsCode(deps.db, {
    flowId: input.flowId,
    purpose: input.purpose,
    phone: input.phone,
    codeHash: await hashCode(deps.config.sessionSecret, input.flowId, code),
    expiresAt,
  });
  await deps.sms.send(input.phone, input.message(code), deps.now);
  return { expiresAt };
}

/** Counts a code typed by a client, before anything else is read: refused past the limit. */
export function countSmsCheck(deps: Deps, clientKey: string): Promise<void> {
  return enforceRateLimit(deps.db, `sms-check:client:${clientKey}`, LIMITS.smsChecksPerClient, deps.now);
}

/**
 * Checks a code for a flow and uses it up; throws code_invalid / code_expired / code_locked.
 * The try is counted (atomically, for the phone and purpose) before the code is compared.
 */
export async function checkSmsCode(deps: Deps, flowId: string, code: string): Promise<void> {
  const stored = await readSmsCode(deps.db, flowId);
  if (!stored || stored.consumedAt !== null) throw new AppError('code_invalid', 'The code is not valid.');
  if (stored.expiresAt <= deps.now) throw new AppError('code_expired', 'The code has expired. Ask for a new one.');
  const counted = await countSmsTry(deps.db, stored.phone, stored.purpose, SMS_TRY_RULE, deps.now);
  if (!counted) {
    throw locked((await readSmsLock(deps.db, stored.phone, stored.purpose, deps.now)) ?? deps.now + SMS_CODE_LOCK_MS, deps.now);
  }
  const given = await hashCode(deps.config.sessionSecret, flowId, code);
  if (!timingSafeEqual(utf8(given), utf8(stored.codeHash))) {
    if (counted.lockedUntil !== null) throw locked(counted.lockedUntil, deps.now);
    throw new AppError('code_invalid', `The code is not valid. ${SMS_CODE_MAX_ATTEMPTS - counted.attempts} tries left.`);
  }
  if (!(await consumeSmsCode(deps.db, stored, deps.now))) throw new AppError('code_invalid', 'The code is not valid.');
}

/**
 * For details that match nothing: stores a code no one knows and sends nothing, under the
 * same rate limits, so that every later answer (wrong code, expired, locked) is the same as
 * for a real request. The caller must not reveal which it was.
 */
export async function sendDecoyCode(deps: Deps, input: { flowId: string; purpose: string; phone: string }): Promise<{ expiresAt: number }> {
  await refuseWhileLocked(deps, input.phone, input.purpose);
  await enforceRateLimit(deps.db, `sms:phone:${input.phone}`, LIMITS.smsPerPhone, deps.now);
  const expiresAt = deps.now + SMS_CODE_TTL_MS;
  await upsertSmsCode(deps.db, {
    flowId: input.flowId,
    purpose: input.purpose,
    phone: input.phone,
    // The HMAC of a random secret: no 6-digit code can match it.
    codeHash: await hashCode(deps.config.sessionSecret, input.flowId, crypto.randomUUID()),
    expiresAt,
  });
  return { expiresAt };
}
