/** D1 access for one-time SMS codes (hashed) and the development outbox. */
export interface SmsCode {
  flowId: string;
  purpose: string;
  phone: string;
  codeHash: string;
  expiresAt: number;
  attempts: number;
  lockedUntil: number | null;
  consumedAt: number | null;
}

interface SmsCodeRow {
  flow_id: string;
  purpose: string;
  phone: string;
  code_hash: string;
  expires_at: number;
  attempts: number;
  locked_until: number | null;
  consumed_at: number | null;
}

/** Stores a fresh code for a flow, replacing an earlier one unless that one is locked. */
export async function upsertSmsCode(db: D1Database, c: SmsCode): Promise<void> {
  await db
    .prepare(
      `INSERT INTO sms_codes (flow_id, purpose, phone, code_hash, expires_at, attempts, locked_until, consumed_at)
       VALUES (?, ?, ?, ?, ?, 0, NULL, NULL)
       ON CONFLICT (flow_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at,
         attempts = 0, consumed_at = NULL, phone = excluded.phone, purpose = excluded.purpose`,
    )
    .bind(c.flowId, c.purpose, c.phone, c.codeHash, c.expiresAt)
    .run();
}

export async function readSmsCode(db: D1Database, flowId: string): Promise<SmsCode | null> {
  const row = await db.prepare('SELECT * FROM sms_codes WHERE flow_id = ?').bind(flowId).first<SmsCodeRow>();
  return row
    ? {
        flowId: row.flow_id,
        purpose: row.purpose,
        phone: row.phone,
        codeHash: row.code_hash,
        expiresAt: row.expires_at,
        attempts: row.attempts,
        lockedUntil: row.locked_until,
        consumedAt: row.consumed_at,
      }
    : null;
}

/**
 * Counts one failed try atomically and locks the code when the tries run out.
 * Returns the number of attempts after this one.
 */
export async function recordFailedSmsAttempt(
  db: D1Database,
  flowId: string,
  maxAttempts: number,
  lockUntil: number,
): Promise<number> {
  const row = await db
    .prepare(
      `UPDATE sms_codes SET attempts = attempts + 1,
         locked_until = CASE WHEN attempts + 1 >= ? THEN ? ELSE locked_until END
       WHERE flow_id = ? RETURNING attempts`,
    )
    .bind(maxAttempts, lockUntil, flowId)
    .first<{ attempts: number }>();
  return row?.attempts ?? maxAttempts;
}

/** Marks a code used; false if it was already used (a replay or a race). */
export async function consumeSmsCode(db: D1Database, flowId: string, now: number): Promise<boolean> {
  const r = await db
    .prepare('UPDATE sms_codes SET consumed_at = ? WHERE flow_id = ? AND consumed_at IS NULL')
    .bind(now, flowId)
    .run();
  return r.meta.changes === 1;
}

export async function insertOutboxMessage(db: D1Database, phone: string, body: string, now: number): Promise<void> {
  await db.prepare('INSERT INTO sms_outbox (phone, body, created_at) VALUES (?, ?, ?)').bind(phone, body, now).run();
}

export interface OutboxMessage {
  id: number;
  phone: string;
  body: string;
  createdAt: number;
}

export async function listOutbox(db: D1Database, phone: string | null, limit: number): Promise<OutboxMessage[]> {
  const stmt = phone
    ? db.prepare('SELECT * FROM sms_outbox WHERE phone = ? ORDER BY id DESC LIMIT ?').bind(phone, limit)
    : db.prepare('SELECT * FROM sms_outbox ORDER BY id DESC LIMIT ?').bind(limit);
  const { results } = await stmt.all<{ id: number; phone: string; body: string; created_at: number }>();
  return results.map((r) => ({ id: r.id, phone: r.phone, body: r.body, createdAt: r.created_at }));
}
