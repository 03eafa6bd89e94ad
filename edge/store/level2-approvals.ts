/** D1 access for officers' level-2 approvals of citizens who have no account yet. */
import type { ShardDb } from './shards';
export interface Level2Approval {
  idNumber: string;
  phone: string;
  email: string | null;
  officerId: string;
  unitCode: string;
  approvedAt: number;
  expiresAt: number;
  usedAt: number | null;
  /** HMAC of the one-time activation code handed to the citizen; null once used (or for an approval made before codes). */
  activationCodeHash: string | null;
  /** Wrong activation codes typed so far. */
  activationAttempts: number;
}

export async function readLevel2Approval(db: ShardDb, idNumber: string): Promise<Level2Approval | null> {
  const r = await db.prepare('SELECT * FROM level2_approvals WHERE id_number = ?').bind(idNumber).first<{
    id_number: string;
    phone: string;
    email: string | null;
    officer_id: string;
    unit_code: string;
    approved_at: number;
    expires_at: number;
    used_at: number | null;
    activation_code_hash: string | null;
    activation_attempts: number;
  }>();
  return r
    ? {
        idNumber: r.id_number,
        phone: r.phone,
        email: r.email,
        officerId: r.officer_id,
        unitCode: r.unit_code,
        approvedAt: r.approved_at,
        expiresAt: r.expires_at,
        usedAt: r.used_at,
        activationCodeHash: r.activation_code_hash,
        activationAttempts: r.activation_attempts,
      }
    : null;
}

/** Records (or renews) an approval; a later approval replaces an earlier one, with a new code and no tries counted. */
export function upsertLevel2ApprovalStatement(db: ShardDb, a: Omit<Level2Approval, 'usedAt' | 'activationAttempts'>): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO level2_approvals (id_number, phone, email, officer_id, unit_code, approved_at, expires_at, used_at, activation_code_hash, activation_attempts)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 0)
       ON CONFLICT (id_number) DO UPDATE SET phone = excluded.phone, email = excluded.email, officer_id = excluded.officer_id,
         unit_code = excluded.unit_code, approved_at = excluded.approved_at, expires_at = excluded.expires_at, used_at = NULL,
         activation_code_hash = excluded.activation_code_hash, activation_attempts = 0`,
    )
    .bind(a.idNumber, a.phone, a.email, a.officerId, a.unitCode, a.approvedAt, a.expiresAt, a.activationCodeHash);
}

/** Counts one wrong activation code atomically; returns the count after it. */
export async function recordFailedActivation(db: ShardDb, idNumber: string): Promise<number> {
  const row = await db
    .prepare('UPDATE level2_approvals SET activation_attempts = activation_attempts + 1 WHERE id_number = ? RETURNING activation_attempts')
    .bind(idNumber)
    .first<{ activation_attempts: number }>();
  return row?.activation_attempts ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Uses the activation code up: only the approval it was made for, still unused, in time and
 * with tries left. False when another activation used it first (a race) or it is void.
 */
export async function useActivationCode(db: ShardDb, idNumber: string, codeHash: string, maxAttempts: number, now: number): Promise<boolean> {
  const r = await db
    .prepare(
      `UPDATE level2_approvals SET activation_code_hash = NULL
       WHERE id_number = ? AND activation_code_hash = ? AND used_at IS NULL AND expires_at > ? AND activation_attempts < ?`,
    )
    .bind(idNumber, codeHash, now, maxAttempts)
    .run();
  return r.meta.changes === 1;
}

/** Marks an approval used by the activation that consumed it. */
export function useLevel2ApprovalStatement(db: ShardDb, idNumber: string, now: number): D1PreparedStatement {
  return db.prepare('UPDATE level2_approvals SET used_at = ? WHERE id_number = ? AND used_at IS NULL').bind(now, idNumber);
}
