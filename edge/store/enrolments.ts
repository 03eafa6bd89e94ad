/** D1 access for level-1 registrations in progress. */
import type { ShardDb } from './shards';
export type EnrolmentState = 'code_sent' | 'approved' | 'activated';

export interface Enrolment {
  id: string;
  idNumber: string;
  phone: string;
  accountId: string;
  state: EnrolmentState;
  createdAt: number;
  expiresAt: number;
  /** 1 online; 2 when an officer approved it in person. */
  level: 1 | 2;
  email: string | null;
}

interface EnrolmentRow {
  id: string;
  id_number: string;
  phone: string;
  account_id: string;
  state: EnrolmentState;
  created_at: number;
  expires_at: number;
  level: number;
  email: string | null;
}

export async function insertEnrolment(db: ShardDb, e: Enrolment): Promise<void> {
  await db
    .prepare('INSERT INTO enrolments (id, id_number, phone, account_id, state, created_at, expires_at, level, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(e.id, e.idNumber, e.phone, e.accountId, e.state, e.createdAt, e.expiresAt, e.level, e.email)
    .run();
}

export async function readEnrolment(db: ShardDb, id: string): Promise<Enrolment | null> {
  const row = await db.prepare('SELECT * FROM enrolments WHERE id = ?').bind(id).first<EnrolmentRow>();
  return row
    ? {
        id: row.id,
        idNumber: row.id_number,
        phone: row.phone,
        accountId: row.account_id,
        state: row.state,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        level: row.level === 2 ? 2 : 1,
        email: row.email,
      }
    : null;
}

/** Moves an enrolment from one state to the next; false when it was not in `from` (raced or replayed). */
export function transitionEnrolmentStatement(db: ShardDb, id: string, from: EnrolmentState, to: EnrolmentState): D1PreparedStatement {
  return db.prepare('UPDATE enrolments SET state = ? WHERE id = ? AND state = ?').bind(to, id, from);
}

export async function transitionEnrolment(db: ShardDb, id: string, from: EnrolmentState, to: EnrolmentState): Promise<boolean> {
  const r = await transitionEnrolmentStatement(db, id, from, to).run();
  return r.meta.changes === 1;
}
