/**
 * D1 access for the daily cron: the per-account dates it needs (birthday, card expiry),
 * the queue of new accounts that fills them (migration 0011), and their refresh whenever
 * the account's registry record is read anyway.
 */
import type { ShardDb } from './shards';
export interface ReminderRow {
  accountId: string;
  /** MM-DD */
  birthMd: string;
  /** YYYY-MM-DD */
  cardExpires: string;
}

/** Accounts waiting for their first reminder row (queued by a trigger as they are created), with their ID numbers. */
export async function listQueuedAccounts(db: ShardDb, limit: number): Promise<Array<{ accountId: string; idNumber: string | null }>> {
  const { results } = await db
    .prepare('SELECT q.account_id, a.id_number FROM reminder_queue q LEFT JOIN accounts a ON a.id = q.account_id LIMIT ?')
    .bind(limit)
    .all<{ account_id: string; id_number: string | null }>();
  return results.map((r) => ({ accountId: r.account_id, idNumber: r.id_number }));
}

export function dequeueAccountsStatement(db: ShardDb, accountIds: readonly string[]): D1PreparedStatement {
  return db.prepare(`DELETE FROM reminder_queue WHERE account_id IN (${accountIds.map(() => '?').join(',')})`).bind(...accountIds);
}

export async function readReminder(db: ShardDb, accountId: string): Promise<ReminderRow | null> {
  const r = await db
    .prepare('SELECT account_id, birth_md, card_expires FROM account_reminders WHERE account_id = ?')
    .bind(accountId)
    .first<{ account_id: string; birth_md: string; card_expires: string }>();
  return r ? { accountId: r.account_id, birthMd: r.birth_md, cardExpires: r.card_expires } : null;
}

/** The first row of an account; one already there (written from a fresher registry read) stays. */
export function insertReminderStatement(db: ShardDb, r: ReminderRow, now: number): D1PreparedStatement {
  return db
    .prepare('INSERT INTO account_reminders (account_id, birth_md, card_expires, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (account_id) DO NOTHING')
    .bind(r.accountId, r.birthMd, r.cardExpires, now);
}

/** The row as the registry has it now (after a card renewal, a corrected birth date). */
export function upsertReminderStatement(db: ShardDb, r: ReminderRow, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO account_reminders (account_id, birth_md, card_expires, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET birth_md = excluded.birth_md, card_expires = excluded.card_expires, updated_at = excluded.updated_at`,
    )
    .bind(r.accountId, r.birthMd, r.cardExpires, now);
}

/** SELECT (account_id, dedupe_key) of the accounts whose birthday is one of `monthDays`, for `day`. */
export function birthdaySelect(monthDays: readonly string[], day: string): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT account_id, 'birthday:' || account_id || ':' || ? AS dedupe_key FROM account_reminders WHERE birth_md IN (${monthDays.map(() => '?').join(',')})`,
    params: [day, ...monthDays],
  };
}

/** SELECT (account_id, dedupe_key) of the accounts whose card expires on `expiry`. */
export function cardExpirySelect(expiry: string, daysLeft: number): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT account_id, 'card_expiry:' || account_id || ':' || card_expires || ':' || ? AS dedupe_key FROM account_reminders WHERE card_expires = ?`,
    params: [String(daysLeft), expiry],
  };
}
