/**
 * D1 access for what an approval leads to: the grant, its authorization code, and the
 * access and refresh tokens issued under it (codes and tokens stored only as hashes).
 */
import type { ShardDb } from './shards';
export interface Grant {
  id: string;
  accountId: string;
  clientId: string;
  /** The pairwise subject the client knows the citizen by. */
  sub: string;
  scopes: string[];
  level: 1 | 2;
  /** When the citizen signed in (ms). */
  authTime: number;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface AuthorizationCode {
  codeHash: string;
  grantId: string;
  redirectUri: string;
  nonce: string | null;
  codeChallenge: string;
  expiresAt: number;
  consumedAt: number | null;
}

export type TokenKind = 'access' | 'refresh';

export interface IssuedToken {
  tokenHash: string;
  grantId: string;
  kind: TokenKind;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

interface GrantRow {
  id: string;
  account_id: string;
  client_id: string;
  sub: string;
  scopes: string;
  level: number;
  auth_time: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

interface CodeRow {
  code_hash: string;
  grant_id: string;
  redirect_uri: string;
  nonce: string | null;
  code_challenge: string;
  expires_at: number;
  consumed_at: number | null;
}

interface TokenRow {
  token_hash: string;
  grant_id: string;
  kind: TokenKind;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

function toGrant(r: GrantRow): Grant {
  return {
    id: r.id,
    accountId: r.account_id,
    clientId: r.client_id,
    sub: r.sub,
    scopes: r.scopes.split(' ').filter(Boolean),
    level: r.level === 2 ? 2 : 1,
    authTime: r.auth_time,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

function toCode(r: CodeRow): AuthorizationCode {
  return {
    codeHash: r.code_hash,
    grantId: r.grant_id,
    redirectUri: r.redirect_uri,
    nonce: r.nonce,
    codeChallenge: r.code_challenge,
    expiresAt: r.expires_at,
    consumedAt: r.consumed_at,
  };
}

function toToken(r: TokenRow): IssuedToken {
  return { tokenHash: r.token_hash, grantId: r.grant_id, kind: r.kind, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at };
}

export function insertGrantStatement(db: ShardDb, g: Grant): D1PreparedStatement {
  return db
    .prepare(
      'INSERT INTO oidc_grants (id, account_id, client_id, sub, scopes, level, auth_time, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(g.id, g.accountId, g.clientId, g.sub, g.scopes.join(' '), g.level, g.authTime, g.createdAt, g.expiresAt);
}

export function insertCodeStatement(db: ShardDb, c: AuthorizationCode): D1PreparedStatement {
  return db
    .prepare('INSERT INTO oidc_codes (code_hash, grant_id, redirect_uri, nonce, code_challenge, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(c.codeHash, c.grantId, c.redirectUri, c.nonce, c.codeChallenge, c.expiresAt);
}

export function insertTokenStatement(db: ShardDb, t: IssuedToken): D1PreparedStatement {
  return db
    .prepare('INSERT INTO oidc_tokens (token_hash, grant_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
    .bind(t.tokenHash, t.grantId, t.kind, t.createdAt, t.expiresAt);
}

export async function readGrant(db: ShardDb, id: string): Promise<Grant | null> {
  const row = await db.prepare('SELECT * FROM oidc_grants WHERE id = ?').bind(id).first<GrantRow>();
  return row ? toGrant(row) : null;
}

/**
 * Marks a code used in one statement, so of two racing exchanges exactly one gets it.
 * Returns the code when this call consumed it, `'reused'` (with its grant) when it had been
 * consumed before, or null when it is unknown.
 */
export async function consumeCode(
  db: ShardDb,
  codeHash: string,
  now: number,
): Promise<{ code: AuthorizationCode } | { reused: AuthorizationCode } | null> {
  const row = await db
    .prepare('UPDATE oidc_codes SET consumed_at = ? WHERE code_hash = ? AND consumed_at IS NULL RETURNING *')
    .bind(now, codeHash)
    .first<CodeRow>();
  if (row) return { code: toCode(row) };
  const seen = await db.prepare('SELECT * FROM oidc_codes WHERE code_hash = ?').bind(codeHash).first<CodeRow>();
  return seen ? { reused: toCode(seen) } : null;
}

/** An access token with its grant, or null. */
export async function readAccessToken(db: ShardDb, tokenHash: string): Promise<{ token: IssuedToken; grant: Grant } | null> {
  const row = await db
    .prepare(
      `SELECT t.token_hash, t.grant_id, t.kind, t.created_at AS t_created_at, t.expires_at AS t_expires_at, t.used_at, g.*
       FROM oidc_tokens t JOIN oidc_grants g ON g.id = t.grant_id WHERE t.token_hash = ? AND t.kind = 'access'`,
    )
    .bind(tokenHash)
    .first<GrantRow & { token_hash: string; grant_id: string; kind: TokenKind; t_created_at: number; t_expires_at: number; used_at: number | null }>();
  if (!row) return null;
  return {
    token: toToken({ token_hash: row.token_hash, grant_id: row.grant_id, kind: row.kind, created_at: row.t_created_at, expires_at: row.t_expires_at, used_at: row.used_at }),
    grant: toGrant(row),
  };
}

/**
 * Uses a refresh token once (rotation), in one statement. Returns the token when this call
 * used it, `reused` when it had been used before (the caller revokes the family), or null.
 */
export async function useRefreshToken(
  db: ShardDb,
  tokenHash: string,
  now: number,
): Promise<{ token: IssuedToken } | { reused: IssuedToken } | null> {
  const row = await db
    .prepare("UPDATE oidc_tokens SET used_at = ? WHERE token_hash = ? AND kind = 'refresh' AND used_at IS NULL RETURNING *")
    .bind(now, tokenHash)
    .first<TokenRow>();
  if (row) return { token: toToken(row) };
  const seen = await db.prepare("SELECT * FROM oidc_tokens WHERE token_hash = ? AND kind = 'refresh'").bind(tokenHash).first<TokenRow>();
  return seen ? { reused: toToken(seen) } : null;
}

export async function revokeGrant(db: ShardDb, grantId: string, now: number): Promise<void> {
  await db.prepare('UPDATE oidc_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').bind(now, grantId).run();
}

/** Revokes every live grant a citizen gave a portal (consent withdrawn). */
export function revokeGrantsStatement(db: ShardDb, accountId: string, clientId: string, now: number): D1PreparedStatement {
  return db
    .prepare('UPDATE oidc_grants SET revoked_at = ? WHERE account_id = ? AND client_id = ? AND revoked_at IS NULL')
    .bind(now, accountId, clientId);
}

/** Revokes every live grant of an account, at every portal (the account moved to a new phone). */
export function revokeAllGrantsOfAccountStatement(db: ShardDb, accountId: string, now: number): D1PreparedStatement {
  return db.prepare('UPDATE oidc_grants SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL').bind(now, accountId);
}
