/** D1 access for accounts. */
import type { ShardDb } from './shards';

/**
 * Who locked a locked account: `self` from the app on a bound phone, `remote` from any
 * computer with the ID number, the phone and an SMS code, `officer` at a police station.
 */
export type LockedBy = 'self' | 'remote' | 'officer';

export interface Account {
  id: string;
  idNumber: string;
  level: 1 | 2;
  status: 'active' | 'locked';
  /** Set while locked (null when active). */
  lockedBy: LockedBy | null;
  phone: string;
  email: string | null;
  /** The officer who last recorded or changed the phone at a desk, and when (null once the citizen changed it). */
  phoneOfficerId: string | null;
  phoneOfficerAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface AccountRow {
  id: string;
  id_number: string;
  level: number;
  status: string;
  locked_by: string | null;
  phone: string;
  email: string | null;
  phone_officer_id: string | null;
  phone_officer_at: number | null;
  created_at: number;
  updated_at: number;
}

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    idNumber: row.id_number,
    level: row.level === 2 ? 2 : 1,
    status: row.status === 'locked' ? 'locked' : 'active',
    lockedBy: row.status !== 'locked' ? null : row.locked_by === 'self' || row.locked_by === 'officer' ? row.locked_by : 'remote',
    phone: row.phone,
    email: row.email,
    phoneOfficerId: row.phone_officer_id ?? null,
    phoneOfficerAt: row.phone_officer_at ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function readAccount(db: ShardDb, id: string): Promise<Account | null> {
  const row = await db.prepare('SELECT * FROM accounts WHERE id = ?').bind(id).first<AccountRow>();
  return row ? toAccount(row) : null;
}

export async function readAccountByIdNumber(db: ShardDb, idNumber: string): Promise<Account | null> {
  const row = await db.prepare('SELECT * FROM accounts WHERE id_number = ?').bind(idNumber).first<AccountRow>();
  return row ? toAccount(row) : null;
}

export function insertAccountStatement(db: ShardDb, a: Account): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO accounts (id, id_number, level, status, locked_by, phone, email, phone_officer_id, phone_officer_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(a.id, a.idNumber, a.level, a.status, a.lockedBy, a.phone, a.email, a.phoneOfficerId, a.phoneOfficerAt, a.createdAt, a.updatedAt);
}

/** A lock's weight: a lock is never replaced by a weaker one (an unknown one counts as remote). */
const LOCK_RANK = "(CASE locked_by WHEN 'officer' THEN 2 WHEN 'self' THEN 0 ELSE 1 END)";
const rank = (by: LockedBy) => (by === 'officer' ? 2 : by === 'self' ? 0 : 1);

/**
 * Locks the account, recording who locked it; locking a locked account keeps the stronger of
 * the two (a thief's self lock never turns a remote or officer lock into one the phone undoes).
 * The caller batches it with the effects.
 */
export function lockAccountStatement(db: ShardDb, id: string, by: LockedBy, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE accounts SET locked_by = CASE WHEN status = 'locked' AND ${LOCK_RANK} >= ? THEN COALESCE(locked_by, 'remote') ELSE ? END,
         status = 'locked', updated_at = ? WHERE id = ?`,
    )
    .bind(rank(by), by, now, id);
}

/**
 * A lock from a computer becomes the bound phone's to undo once a new phone has replaced the
 * lost one (an officer approved that change after checking the card): the phone the lock was
 * against is no longer bound. An officer's lock stays an officer's.
 */
export function handLockToNewPhoneStatement(db: ShardDb, id: string, now: number): D1PreparedStatement {
  return db
    .prepare("UPDATE accounts SET locked_by = 'self', updated_at = ? WHERE id = ? AND status = 'locked' AND COALESCE(locked_by, 'remote') = 'remote'")
    .bind(now, id);
}

/** Unlocks the account only if it is locked by one of `allowed` (checked in the same statement as the change). */
export function unlockAccountStatement(db: ShardDb, id: string, allowed: readonly LockedBy[], now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE accounts SET status = 'active', locked_by = NULL, updated_at = ?
       WHERE id = ? AND status = 'locked' AND COALESCE(locked_by, 'remote') IN (${allowed.map(() => '?').join(', ')})`,
    )
    .bind(now, id, ...allowed);
}

/**
 * Level 2 in person: the officer records the phone and e-mail, only if the phone is still
 * `from` (what the officer saw and confirmed against). A new number is marked as recorded
 * by this officer (`officerId`), for the four-eyes rule on device change.
 */
export function setAccountLevel2Statement(
  db: ShardDb,
  a: { id: string; from: string; phone: string; email: string | null; officerId: string; now: number },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE accounts SET level = 2, phone = ?1, email = ?2, updated_at = ?3,
         phone_officer_id = CASE WHEN phone <> ?1 THEN ?4 ELSE phone_officer_id END,
         phone_officer_at = CASE WHEN phone <> ?1 THEN ?3 ELSE phone_officer_at END
       WHERE id = ?5 AND phone = ?6`,
    )
    .bind(a.phone, a.email, a.now, a.officerId, a.id, a.from);
}

/** The citizen changes the phone, only if it is still `from` (two confirmations racing: one wins); no officer recorded it. */
export function changeAccountPhoneStatement(db: ShardDb, id: string, from: string, to: string, now: number): D1PreparedStatement {
  return db
    .prepare('UPDATE accounts SET phone = ?, phone_officer_id = NULL, phone_officer_at = NULL, updated_at = ? WHERE id = ? AND phone = ?')
    .bind(to, now, id, from);
}
