/**
 * Removing what has expired, in bounded batches. At national scale the short-lived tables
 * take millions of rows a day (a used sign-in challenge, a session, a rate-limit window per
 * client and per ID number), so a purge of a few thousand rows a day would let them grow for
 * ever; each statement here deletes at most `BATCH` rows found through an expiry index, and
 * the scheduled handler repeats them while they come back full (edge/domain/housekeeping.ts).
 */
import type { MainDb, ShardDb } from './shards';
import { SMS_TRIES_FORGET_MS } from './sms';

/** Rows one statement deletes at most: small enough to keep one D1 call short. */
export const BATCH = 5_000;

/** The longest rate-limit window in edge/domain/rate-limit.ts (a day): older windows are over for every rule. */
export const LONGEST_RATE_WINDOW_MS = 24 * 60 * 60_000;

/** How long a finished SMS code is kept after it expired (a late try is told it expired, not that it is unknown). */
const SMS_CODE_KEEP_MS = 60 * 60_000;

const bounded = (table: string, key: string, where: string) =>
  `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${BATCH})`;

/**
 * Each purge: its table, the database that holds it (the main one, or every shard), and the
 * statement that deletes one batch of its expired rows at `now`.
 */
export interface Purge {
  table: string;
  database: 'main' | 'shard';
  statement: (db: D1Database, now: number) => D1PreparedStatement;
}

export const PURGES: readonly Purge[] = [
  { table: 'challenges', database: 'main', statement: (db, now) => db.prepare(bounded('challenges', 'challenge', 'expires_at < ?')).bind(now) },
  { table: 'sessions', database: 'shard', statement: (db, now) => db.prepare(bounded('sessions', 'token_hash', 'expires_at < ?')).bind(now) },
  { table: 'officer_sessions', database: 'main', statement: (db, now) => db.prepare(bounded('officer_sessions', 'token_hash', 'expires_at < ?')).bind(now) },
  {
    table: 'rate_limits', database: 'main',
    statement: (db, now) => db.prepare(bounded('rate_limits', 'key', 'window_start < ?')).bind(now - LONGEST_RATE_WINDOW_MS),
  },
  { table: 'sms_codes', database: 'main', statement: (db, now) => db.prepare(bounded('sms_codes', 'flow_id', 'expires_at < ?')).bind(now - SMS_CODE_KEEP_MS) },
  {
    // The lock lives here, not on the code: a locked phone's row stays until the lock and the count are over.
    table: 'sms_code_tries', database: 'main',
    statement: (db, now) =>
      db
        .prepare(
          `DELETE FROM sms_code_tries WHERE (phone, purpose) IN (SELECT phone, purpose FROM sms_code_tries WHERE updated_at < ?1
             AND (locked_until IS NULL OR locked_until < ?2) LIMIT ${BATCH})`,
        )
        .bind(now - SMS_TRIES_FORGET_MS, now),
  },
  // A registration in progress; once activated the account is the record, and nothing reads the row by then.
  { table: 'enrolments', database: 'shard', statement: (db, now) => db.prepare(bounded('enrolments', 'id', 'expires_at < ?')).bind(now) },
  { table: 'device_changes', database: 'shard', statement: (db, now) => db.prepare(bounded('device_changes', 'id', 'expires_at < ?')).bind(now) },
  { table: 'account_requests', database: 'shard', statement: (db, now) => db.prepare(bounded('account_requests', 'id', 'expires_at < ?')).bind(now) },
  { table: 'oidc_codes', database: 'shard', statement: (db, now) => db.prepare(bounded('oidc_codes', 'code_hash', 'expires_at < ?')).bind(now) },
  { table: 'oidc_tokens', database: 'shard', statement: (db, now) => db.prepare(bounded('oidc_tokens', 'token_hash', 'expires_at < ?')).bind(now) },
  { table: 'oidc_assertions', database: 'main', statement: (db, now) => db.prepare(bounded('oidc_assertions', 'key', 'expires_at < ?')).bind(now) },
  { table: 'oidc_auth_requests', database: 'main', statement: (db, now) => db.prepare(bounded('oidc_auth_requests', 'id', 'expires_at < ?')).bind(now) },
  { table: 'oidc_logout_requests', database: 'main', statement: (db, now) => db.prepare(bounded('oidc_logout_requests', 'id', 'expires_at < ?')).bind(now) },
  {
    // A grant goes only once nothing refers to it any more.
    table: 'oidc_grants', database: 'shard',
    statement: (db, now) =>
      db
        .prepare(
          `DELETE FROM oidc_grants WHERE id IN (SELECT id FROM oidc_grants g WHERE g.expires_at < ?
             AND NOT EXISTS (SELECT 1 FROM oidc_tokens t WHERE t.grant_id = g.id)
             AND NOT EXISTS (SELECT 1 FROM oidc_codes c WHERE c.grant_id = g.id) LIMIT ${BATCH})`,
        )
        .bind(now),
  },
];

/** Runs one batch of every purge of this database named in `tables`, in one round trip; returns the rows each deleted. */
export async function purgeBatch(
  target: { db: MainDb; database: 'main' } | { db: ShardDb; database: 'shard' },
  now: number,
  tables: readonly string[],
): Promise<Map<string, number>> {
  const database: D1Database = target.db;
  const chosen = PURGES.filter((p) => p.database === target.database && tables.includes(p.table));
  if (chosen.length === 0) return new Map();
  const results = await database.batch(chosen.map((p) => p.statement(database, now)));
  return new Map(chosen.map((p, i) => [p.table, results[i]?.meta.changes ?? 0]));
}
