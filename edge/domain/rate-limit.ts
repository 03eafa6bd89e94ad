import type { MainDb } from '../store/shards';
import { hitRateLimit } from '../store/rate-limits';
import { AppError } from './errors';

/** The limits in force: how many hits a key may make per window. */
export const LIMITS = {
  /** Registration attempts per ID number (guessing who matches the registry). */
  enrolPerIdNumber: { limit: 5, windowMs: 60 * 60_000 },
  /** Registration attempts per client address. */
  enrolPerClient: { limit: 20, windowMs: 60 * 60_000 },
  /** SMS codes sent to one phone number. */
  smsPerPhone: { limit: 5, windowMs: 60 * 60_000 },
  /** SMS codes typed per client address, whatever the phone (one client guessing across many phones). */
  smsChecksPerClient: { limit: 30, windowMs: 60 * 60_000 },
  /** Sign-in verifications per client address. */
  signInPerClient: { limit: 30, windowMs: 60_000 },
  /** Device-change requests per ID number and per client (each sends an SMS). */
  deviceChangePerIdNumber: { limit: 5, windowMs: 60 * 60_000 },
  deviceChangePerClient: { limit: 20, windowMs: 60 * 60_000 },
  /** Codes typed on the old phone to find a request to approve. */
  deviceChangeLookupPerAccount: { limit: 10, windowMs: 60 * 60_000 },
  /** Lock from a computer, per ID number and per client. */
  lockPerIdNumber: { limit: 5, windowMs: 60 * 60_000 },
  lockPerClient: { limit: 20, windowMs: 60 * 60_000 },
  /** Unlock attempts per client and per account. */
  unlockPerClient: { limit: 20, windowMs: 60 * 60_000 },
  unlockPerAccount: { limit: 5, windowMs: 60 * 60_000 },
  /** Phone-number changes per account. */
  phoneChangePerAccount: { limit: 3, windowMs: 24 * 60 * 60_000 },
  /** Officer registration and sign-in per client; citizen look-ups per officer (an insider reading records in bulk). */
  officerAuthPerClient: { limit: 30, windowMs: 60 * 60_000 },
  officerLookupsPerOfficer: { limit: 200, windowMs: 60 * 60_000 },
} as const;

/** Counts a hit on `key` and refuses with `rate_limited` (and when to retry) past the limit. */
export async function enforceRateLimit(
  db: MainDb,
  key: string,
  rule: { limit: number; windowMs: number },
  now: number,
): Promise<void> {
  refuseOverLimit(await hitRateLimit(db, key, rule.windowMs, now), rule, now);
}

/** Refuses a counted hit that went past the limit (for hits counted inside a batch). */
export function refuseOverLimit(hit: { count: number; windowStart: number }, rule: { limit: number; windowMs: number }, now: number): void {
  if (hit.count > rule.limit) {
    const retryAfter = Math.max(1, Math.ceil((hit.windowStart + rule.windowMs - now) / 1000));
    throw new AppError('rate_limited', 'Too many attempts. Try again later.', retryAfter);
  }
}
