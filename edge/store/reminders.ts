/**
 * D1 access for the daily cron: the per-account dates it needs (birthday, card expiry),
 * the walk over new accounts that fills them, and small named job state.
 */
export interface ReminderRow {
  accountId: string;
  /** MM-DD */
  birthMd: string;
  /** YYYY-MM-DD */
  cardExpires: string;
}

export interface AccountCursor {
  createdAt: number;
  id: string;
}

/** Accounts created after the cursor, in creation order (index accounts_created). */
export async function listAccountsAfter(db: D1Database, cursor: AccountCursor, limit: number): Promise<Array<{ id: string; idNumber: string; createdAt: number }>> {
  const { results } = await db
    .prepare('SELECT id, id_number, created_at FROM accounts WHERE (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?')
    .bind(cursor.createdAt, cursor.id, limit)
    .all<{ id: string; id_number: string; created_at: number }>();
  return results.map((r) => ({ id: r.id, idNumber: r.id_number, createdAt: r.created_at }));
}

export function upsertReminderStatement(db: D1Database, r: ReminderRow, now: number): D1PreparedStatement {
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

export async function readJobState(db: D1Database, name: string): Promise<string | null> {
  const r = await db.prepare('SELECT value FROM job_state WHERE name = ?').bind(name).first<{ value: string }>();
  return r?.value ?? null;
}

export function writeJobStateStatement(db: D1Database, name: string, value: string): D1PreparedStatement {
  return db.prepare('INSERT INTO job_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').bind(name, value);
}
