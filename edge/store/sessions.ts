/** D1 access for server-side sessions (the cookie holds a token; the table only its hash). */
import { toAccount, type Account, type AccountRow } from './accounts';
import type { ShardDb } from './shards';
export interface Session {
  tokenHash: string;
  accountId: string;
  deviceKeyId: string;
  createdAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
}

interface SessionRow {
  token_hash: string;
  account_id: string;
  device_key_id: string;
  created_at: number;
  expires_at: number;
  absolute_expires_at: number;
}

export async function insertSession(db: ShardDb, s: Session): Promise<void> {
  await db
    .prepare(
      'INSERT INTO sessions (token_hash, account_id, device_key_id, created_at, expires_at, absolute_expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .bind(s.tokenHash, s.accountId, s.deviceKeyId, s.createdAt, s.expiresAt, s.absoluteExpiresAt)
    .run();
}

/**
 * The session for a token hash and the account it belongs to, in one round trip (every
 * signed-in request starts with this).
 */
export async function readSessionWithAccount(db: ShardDb, tokenHash: string): Promise<{ session: Session; account: Account | null } | null> {
  const [s, a] = await db.batch([
    db.prepare('SELECT * FROM sessions WHERE token_hash = ?').bind(tokenHash),
    db.prepare('SELECT * FROM accounts WHERE id = (SELECT account_id FROM sessions WHERE token_hash = ?)').bind(tokenHash),
  ]);
  const row = s?.results[0] as SessionRow | undefined;
  if (!row) return null;
  const account = a?.results[0] as AccountRow | undefined;
  return {
    session: {
      tokenHash: row.token_hash,
      accountId: row.account_id,
      deviceKeyId: row.device_key_id,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      absoluteExpiresAt: row.absolute_expires_at,
    },
    account: account ? toAccount(account) : null,
  };
}

export async function extendSession(db: ShardDb, tokenHash: string, expiresAt: number): Promise<void> {
  await db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?').bind(expiresAt, tokenHash).run();
}

export async function deleteSession(db: ShardDb, tokenHash: string): Promise<void> {
  await db.prepare('DELETE FROM sessions WHERE token_hash = ?').bind(tokenHash).run();
}

export async function deleteSessionsOfAccount(db: ShardDb, accountId: string): Promise<number> {
  const r = await db.prepare('DELETE FROM sessions WHERE account_id = ?').bind(accountId).run();
  return r.meta.changes;
}

export function deleteSessionsOfAccountStatement(db: ShardDb, accountId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM sessions WHERE account_id = ?').bind(accountId);
}
