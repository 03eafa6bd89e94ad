/** D1 access for one-time SMS codes (hashed), the tries counted per phone, and the development outbox. */
import type { MainDb } from './shards';
export interface SmsCode {
  flowId: string;
  purpose: string;
  phone: string;
  codeHash: string;
  expiresAt: number;
  consumedAt: number | null;
}

interface SmsCodeRow {
  flow_id: string;
  purpose: string;
  phone: string;
  code_hash: string;
  expires_at: number;
  consumed_at: number | null;
}

/** Stores a fresh code for a flow, replacing an earlier one. */
export async function upsertSmsCode(db: MainDb, c: Omit<SmsCode, 'consumedAt'>): Promise<void> {
  await db
    .prepare(
      `INSERT INTO sms_codes (flow_id, purpose, phone, code_hash, expires_at, consumed_at)
       VALUES (?, ?, ?, ?, ?, NULL)
       ON CONFLICT (flow_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at,
         consumed_at = NULL, phone = excluded.phone, purpose = excluded.purpose`,
    )
    .bind(c.flowId, c.purpose, c.phone, c.codeHash, c.expiresAt)
    .run();
}

export async function readSmsCode(db: MainDb, flowId: string): Promise<SmsCode | null> {
  const row = await db.prepare('SELECT * FROM sms_codes WHERE flow_id = ?').bind(flowId).first<SmsCodeRow>();
  return row
    ? {
        flowId: row.flow_id,
        purpose: row.purpose,
        phone: row.phone,
        codeHash: row.code_hash,
        expiresAt: row.expires_at,
        consumedAt: row.consumed_at,
      }
    : null;
}

/** A phone's count of tries is forgotten a day after its last try (every lock has ended by then). */
export const SMS_TRIES_FORGET_MS = 24 * 60 * 60_000;

/** How tries at codes are counted for one phone and purpose (edge/domain/sms-codes.ts). */
export interface SmsTryRule {
  maxAttempts: number;
  /** The first lock; each further one (until a right code) lasts twice as long, at most `lockMs << maxLockShift`. */
  lockMs: number;
  maxLockShift: number;
  /** A count untouched this long is forgotten. */
  forgetMs: number;
}

/** When the phone's codes for this purpose are locked until, or null. */
export async function readSmsLock(db: MainDb, phone: string, purpose: string, now: number): Promise<number | null> {
  const row = await db
    .prepare('SELECT locked_until FROM sms_code_tries WHERE phone = ? AND purpose = ? AND locked_until > ?')
    .bind(phone, purpose, now)
    .first<{ locked_until: number }>();
  return row?.locked_until ?? null;
}

/**
 * Counts one try at a code for a phone and purpose, before the code is compared. In one
 * transaction: an ended lock or a forgotten count starts again from zero, then a single
 * conditional UPDATE counts the try only while the phone is not locked and has tries left,
 * and the try that uses the last one sets the lock. Concurrent tries from any number of
 * isolates are counted one by one: no more than `maxAttempts` are ever judged.
 * Returns the tries counted with this one and the lock it set, or null when refused (locked).
 */
export async function countSmsTry(
  db: MainDb,
  phone: string,
  purpose: string,
  rule: SmsTryRule,
  now: number,
): Promise<{ attempts: number; lockedUntil: number | null } | null> {
  const [, counted] = await db.batch<{ attempts: number; locked_until: number | null }>([
    db
      .prepare(
        `INSERT INTO sms_code_tries (phone, purpose, attempts, lockouts, locked_until, updated_at) VALUES (?1, ?2, 0, 0, NULL, ?3)
         ON CONFLICT (phone, purpose) DO UPDATE SET attempts = 0, locked_until = NULL,
           lockouts = CASE WHEN sms_code_tries.updated_at <= ?3 - ?4 THEN 0 ELSE sms_code_tries.lockouts END
         WHERE sms_code_tries.locked_until <= ?3 OR sms_code_tries.updated_at <= ?3 - ?4`,
      )
      .bind(phone, purpose, now, rule.forgetMs),
    db
      .prepare(
        `UPDATE sms_code_tries SET attempts = attempts + 1, updated_at = ?3,
           locked_until = CASE WHEN attempts + 1 >= ?4 THEN ?3 + (?5 << min(lockouts, ?6)) ELSE NULL END,
           lockouts = lockouts + (attempts + 1 >= ?4)
         WHERE phone = ?1 AND purpose = ?2 AND attempts < ?4 AND locked_until IS NULL
         RETURNING attempts, locked_until`,
      )
      .bind(phone, purpose, now, rule.maxAttempts, rule.lockMs, rule.maxLockShift),
  ]);
  const row = counted?.results[0];
  return row ? { attempts: row.attempts, lockedUntil: row.locked_until } : null;
}

/**
 * Uses a code up and, as the right code was given, clears the phone's count for the purpose
 * (also when the code was already used: whoever sent it knew it). False if it was already
 * used (a replay or a race).
 */
export async function consumeSmsCode(db: MainDb, code: Pick<SmsCode, 'flowId' | 'phone' | 'purpose'>, now: number): Promise<boolean> {
  const [consumed] = await db.batch([
    db.prepare('UPDATE sms_codes SET consumed_at = ? WHERE flow_id = ? AND consumed_at IS NULL').bind(now, code.flowId),
    db.prepare('DELETE FROM sms_code_tries WHERE phone = ? AND purpose = ?').bind(code.phone, code.purpose),
  ]);
  return consumed?.meta.changes === 1;
}

export async function insertOutboxMessage(db: MainDb, phone: string, body: string, now: number): Promise<void> {
  await db.prepare('INSERT INTO sms_outbox (phone, body, created_at) VALUES (?, ?, ?)').bind(phone, body, now).run();
}

export interface OutboxMessage {
  id: number;
  phone: string;
  body: string;
  createdAt: number;
}

export async function listOutbox(db: MainDb, phone: string | null, limit: number): Promise<OutboxMessage[]> {
  const stmt = phone
    ? db.prepare('SELECT * FROM sms_outbox WHERE phone = ? ORDER BY id DESC LIMIT ?').bind(phone, limit)
    : db.prepare('SELECT * FROM sms_outbox ORDER BY id DESC LIMIT ?').bind(limit);
  const { results } = await stmt.all<{ id: number; phone: string; body: string; created_at: number }>();
  return results.map((r) => ({ id: r.id, phone: r.phone, body: r.body, createdAt: r.created_at }));
}
