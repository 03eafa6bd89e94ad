/**
 * A sign-in's D1 work in as few round trips as its rules allow: none for the options (the
 * challenge is signed, edge/domain/signed-challenge.ts); to read, one on the main database
 * (count the client, mark the challenge used) and, at the same time, one on the account's shard
 * (passkey, account, device key); one on the shard to write everything a successful sign-in
 * changes. Each is a D1 batch: one transaction, one round trip. Locally a D1 round trip costs about as much CPU as the rest of a sign-in together
 * (tests/bench/edge-signin.bench.ts, "Edge calibration"); in production each is a network
 * hop to the database. The statements are the same ones the single-purpose store
 * functions run, with the conditions that made them sequential written into the SQL.
 */
import { toAccount, type Account, type AccountRow } from './accounts';
import type { AuditEvent } from './audit';
import { toDeviceKey, type DeviceKey, type DeviceKeyRow } from './device-keys';
import { toPasskey, type Passkey, type PasskeyRow } from './passkeys';
import { hitRateLimitStatement } from './rate-limits';
import type { Session } from './sessions';
import type { MainDb, ShardDb } from './shards';

export interface RateRule {
  key: string;
  limit: number;
  windowMs: number;
}

export interface RateHit {
  count: number;
  windowStart: number;
}

type HitRow = { count: number; window_start: number };

const hitOf = (rows: unknown[] | undefined, now: number): RateHit => {
  const row = rows?.[0] as HitRow | undefined;
  return { count: row?.count ?? 1, windowStart: row?.window_start ?? now };
};

/** Within this batch, after the hit was counted: is the client still under its limit? */
const UNDER_LIMIT = '(SELECT count FROM rate_limits WHERE key = ?) <= ?';

/**
 * Counts the attempt and marks the (signed, unexpired) challenge used — only under the limit, so
 * a refused attempt does not burn it; the primary key makes a second use find the mark. One round
 * trip on the main database (the client's count is global). The mark lives until the challenge
 * expires (then purged).
 */
export async function countSignIn(
  db: MainDb,
  q: { rule: RateRule; now: number; challenge: string; usedPurpose: string; challengeExpiresAt: number },
): Promise<{ hit: RateHit; challengeFresh: boolean }> {
  const [hit, used] = await db.batch([
    hitRateLimitStatement(db, q.rule.key, q.rule.windowMs, q.now),
    db
      .prepare(
        `INSERT INTO challenges (challenge, purpose, subject, expires_at) SELECT ?, ?, NULL, ? WHERE ${UNDER_LIMIT}
         ON CONFLICT (challenge) DO NOTHING RETURNING challenge`,
      )
      .bind(q.challenge, q.usedPurpose, q.challengeExpiresAt, q.rule.key, q.rule.limit),
  ]);
  return { hit: hitOf(hit?.results, q.now), challengeFresh: (used?.results.length ?? 0) === 1 };
}

export interface SignInRows {
  passkey: Passkey | null;
  account: Account | null;
  device: DeviceKey | null;
}

/** The passkey, the account named by the user handle and the device key named by the proof: one round trip on the account's shard. */
export async function readSignIn(db: ShardDb, q: { credentialId: string; accountId: string; deviceKeyId: string }): Promise<SignInRows> {
  const [passkey, account, device] = await db.batch([
    db.prepare('SELECT * FROM passkeys WHERE credential_id = ?').bind(q.credentialId),
    db.prepare('SELECT * FROM accounts WHERE id = ?').bind(q.accountId),
    db.prepare('SELECT * FROM device_keys WHERE key_id = ?').bind(q.deviceKeyId),
  ]);
  const p = passkey?.results[0] as PasskeyRow | undefined;
  const a = account?.results[0] as AccountRow | undefined;
  const d = device?.results[0] as DeviceKeyRow | undefined;
  return {
    passkey: p ? toPasskey(p) : null,
    account: a ? toAccount(a) : null,
    device: d ? toDeviceKey(d) : null,
  };
}

export interface SignInWrite {
  credentialId: string;
  /** The counter the assertion was verified against, and the one it carried. */
  expectedCounter: number;
  newCounter: number;
  backedUp: boolean;
  deviceKeyId: string;
  session: Session;
  audit: AuditEvent;
}

/**
 * Records a verified sign-in in one transaction: the sign counter moves by compare-and-swap;
 * only if it moved (SQLite's `changes()` of the statement just before, on this
 * transaction's connection) and the account is still active and the device key still bound,
 * the session is stored; only if the session was stored, the audit event and the device's
 * last use. A lock or a device change runs in a transaction of its own, before or after
 * this one: no session of a locked account or a revoked device survives either order.
 * Returns what happened, and the account's status to say why a session was refused. `also`: reads
 * to run in the same round trip (after the writes), whose results come back in order.
 */
export async function recordSignIn(
  db: ShardDb,
  w: SignInWrite,
  also: readonly D1PreparedStatement[] = [],
): Promise<{ counterMoved: boolean; sessionStored: boolean; accountStatus: string | null; also: D1Result[] }> {
  const s = w.session;
  const [cas, session, , , status, ...rest] = await db.batch([
    db
      .prepare('UPDATE passkeys SET counter = ?, backed_up = ?, last_used_at = ? WHERE credential_id = ? AND counter = ? AND revoked_at IS NULL')
      .bind(w.newCounter, w.backedUp ? 1 : 0, s.createdAt, w.credentialId, w.expectedCounter),
    db
      .prepare(
        `INSERT INTO sessions (token_hash, account_id, device_key_id, created_at, expires_at, absolute_expires_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6
         WHERE changes() = 1
           AND EXISTS (SELECT 1 FROM accounts WHERE id = ?2 AND status = 'active')
           AND EXISTS (SELECT 1 FROM device_keys WHERE key_id = ?3 AND account_id = ?2 AND revoked_at IS NULL)`,
      )
      .bind(s.tokenHash, s.accountId, s.deviceKeyId, s.createdAt, s.expiresAt, s.absoluteExpiresAt),
    db
      .prepare('INSERT INTO audit_log (at, actor, action, subject, detail) SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE token_hash = ?)')
      .bind(w.audit.at, w.audit.actor, w.audit.action, w.audit.subject, w.audit.detail ? JSON.stringify(w.audit.detail) : null, s.tokenHash),
    db
      .prepare('UPDATE device_keys SET last_used_at = ? WHERE key_id = ? AND EXISTS (SELECT 1 FROM sessions WHERE token_hash = ?)')
      .bind(s.createdAt, w.deviceKeyId, s.tokenHash),
    db.prepare('SELECT status FROM accounts WHERE id = ?').bind(s.accountId),
    ...also,
  ]);
  return {
    counterMoved: cas?.meta.changes === 1,
    sessionStored: session?.meta.changes === 1,
    accountStatus: (status?.results[0] as { status: string } | undefined)?.status ?? null,
    also: rest,
  };
}
