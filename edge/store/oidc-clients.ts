/** D1 access for registered portals (OAuth clients) and the client assertions they have used. */
import type { MainDb } from './shards';
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface OidcClient {
  clientId: string;
  name: string;
  authMethod: ClientAuthMethod;
  /** base64url(SHA-256(secret)) for the client_secret_* methods, else null. */
  secretHash: string | null;
  /** The portal's public keys, for private_key_jwt. */
  jwks: { keys: JsonWebKey[] } | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  sectorId: string;
  status: 'active' | 'disabled';
  /**
   * Grants and consents given at or before this time (ms) are void: set when the portal is
   * disabled, so its tokens and remembered consents stay dead after it is enabled again.
   */
  revokedBefore: number;
  createdAt: number;
  updatedAt: number;
}

interface ClientRow {
  client_id: string;
  name: string;
  auth_method: ClientAuthMethod;
  secret_hash: string | null;
  jwks: string | null;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  scopes: string;
  sector_id: string;
  status: string;
  revoked_before: number;
  created_at: number;
  updated_at: number;
}

function stringArray(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return []; // a corrupt column matches no redirect URI: fail closed
  }
}

function toClient(row: ClientRow): OidcClient {
  let jwks: OidcClient['jwks'] = null;
  if (row.jwks) {
    try {
      const parsed = JSON.parse(row.jwks) as { keys?: unknown };
      if (Array.isArray(parsed.keys)) jwks = { keys: parsed.keys as JsonWebKey[] };
    } catch {
      jwks = null;
    }
  }
  return {
    clientId: row.client_id,
    name: row.name,
    authMethod: row.auth_method,
    secretHash: row.secret_hash,
    jwks,
    redirectUris: stringArray(row.redirect_uris),
    postLogoutRedirectUris: stringArray(row.post_logout_redirect_uris),
    scopes: row.scopes.split(' ').filter(Boolean),
    sectorId: row.sector_id,
    status: row.status === 'active' ? 'active' : 'disabled',
    revokedBefore: row.revoked_before ?? 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function readClient(db: MainDb, clientId: string): Promise<OidcClient | null> {
  const row = await db.prepare('SELECT * FROM oidc_clients WHERE client_id = ?').bind(clientId).first<ClientRow>();
  return row ? toClient(row) : null;
}

/** Several clients by id (the consents of one citizen, read from their shard), in one round trip. */
export async function readClients(db: MainDb, clientIds: readonly string[]): Promise<Map<string, OidcClient>> {
  if (clientIds.length === 0) return new Map();
  const { results } = await db.prepare('SELECT * FROM oidc_clients WHERE client_id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(clientIds)).all<ClientRow>();
  return new Map(results.map((r) => [r.client_id, toClient(r)]));
}

/**
 * Inserts a new client. A taken id fails the statement (and the batch it is in) with a
 * unique-constraint error: a registration never replaces another portal's, whose redirect
 * URIs are where its codes go.
 */
export function insertClientStatement(db: MainDb, c: OidcClient): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO oidc_clients (client_id, name, auth_method, secret_hash, jwks, redirect_uris, post_logout_redirect_uris, scopes, sector_id, status, revoked_before, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      c.clientId,
      c.name,
      c.authMethod,
      c.secretHash,
      c.jwks ? JSON.stringify(c.jwks) : null,
      JSON.stringify(c.redirectUris),
      JSON.stringify(c.postLogoutRedirectUris),
      c.scopes.join(' '),
      c.sectorId,
      c.status,
      c.revokedBefore,
      c.createdAt,
      c.updatedAt,
    );
}

/**
 * The same insert as one SQL text with the values inline, for `wrangler d1 execute` (the seed
 * step of `npm start`): it registers the client only when its id is free, and otherwise
 * changes nothing (a supervisor's disable, rotated secret or edits stay). RETURNING names the
 * client when it was inserted.
 */
export function insertClientIfAbsentSql(c: OidcClient): string {
  const q = (s: string | null) => (s === null ? 'NULL' : `'${s.replace(/'/g, "''")}'`);
  const n = (x: number) => String(Math.trunc(x));
  return `INSERT INTO oidc_clients (client_id, name, auth_method, secret_hash, jwks, redirect_uris, post_logout_redirect_uris, scopes, sector_id, status, revoked_before, created_at, updated_at)
VALUES (${[
    q(c.clientId),
    q(c.name),
    q(c.authMethod),
    q(c.secretHash),
    q(c.jwks ? JSON.stringify(c.jwks) : null),
    q(JSON.stringify(c.redirectUris)),
    q(JSON.stringify(c.postLogoutRedirectUris)),
    q(c.scopes.join(' ')),
    q(c.sectorId),
    q(c.status),
    n(c.revokedBefore),
    n(c.createdAt),
    n(c.updatedAt),
  ].join(', ')})
ON CONFLICT (client_id) DO NOTHING RETURNING client_id;`;
}

/** Whether an error is SQLite's refusal of a duplicate key. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(err.message);
}

/** The fields a registration update replaces; id, sector, status and times of revocation stay. */
export type ClientRegistration = Pick<OidcClient, 'name' | 'authMethod' | 'secretHash' | 'jwks' | 'redirectUris' | 'postLogoutRedirectUris' | 'scopes'>;

/** Replaces a client's registration; a statement, so the audit row goes in the same batch. */
export function updateClientStatement(db: MainDb, clientId: string, r: ClientRegistration, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE oidc_clients SET name = ?, auth_method = ?, secret_hash = ?, jwks = ?, redirect_uris = ?, post_logout_redirect_uris = ?, scopes = ?, updated_at = ?
       WHERE client_id = ?`,
    )
    .bind(
      r.name,
      r.authMethod,
      r.secretHash,
      r.jwks ? JSON.stringify(r.jwks) : null,
      JSON.stringify(r.redirectUris),
      JSON.stringify(r.postLogoutRedirectUris),
      r.scopes.join(' '),
      now,
      clientId,
    );
}

/**
 * Sets a client's status. Disabling also voids every grant and consent given until now
 * (`revoked_before`); disabling twice only moves that moment later, which voids nothing more
 * than the first did plus what came between.
 */
export function setClientStatusStatement(db: MainDb, clientId: string, status: 'active' | 'disabled', now: number): D1PreparedStatement {
  return status === 'disabled'
    ? db
        .prepare("UPDATE oidc_clients SET status = 'disabled', revoked_before = ?1, updated_at = ?1 WHERE client_id = ?2")
        .bind(now, clientId)
    : db.prepare("UPDATE oidc_clients SET status = 'active', updated_at = ?1 WHERE client_id = ?2").bind(now, clientId);
}

/** Replaces the stored hash of a client's secret (rotation): the old secret fails from now on. */
export function replaceSecretHashStatement(db: MainDb, clientId: string, secretHash: string, now: number): D1PreparedStatement {
  return db
    .prepare("UPDATE oidc_clients SET secret_hash = ?, updated_at = ? WHERE client_id = ? AND auth_method IN ('client_secret_basic', 'client_secret_post')")
    .bind(secretHash, now, clientId);
}

/** Replaces only the redirect URI lists (the demo portal adding its own after the origin changed). */
export async function replaceRedirectUris(db: MainDb, clientId: string, redirectUris: string[], postLogoutRedirectUris: string[], now: number): Promise<void> {
  await db
    .prepare('UPDATE oidc_clients SET redirect_uris = ?, post_logout_redirect_uris = ?, updated_at = ? WHERE client_id = ?')
    .bind(JSON.stringify(redirectUris), JSON.stringify(postLogoutRedirectUris), now, clientId)
    .run();
}

/** One page of clients in client-id order (the primary key), after a given id. */
export async function listClients(db: MainDb, opts: { after?: string | undefined; limit: number }): Promise<OidcClient[]> {
  const { results } = await db
    .prepare('SELECT * FROM oidc_clients WHERE client_id > ? ORDER BY client_id LIMIT ?')
    .bind(opts.after ?? '', opts.limit)
    .all<ClientRow>();
  return results.map(toClient);
}

/**
 * Records a client assertion's jti until it expires. False when it was seen before: a
 * replayed assertion (RFC 7523 §3, item 7).
 */
export async function recordAssertion(db: MainDb, clientId: string, jti: string, expiresAt: number): Promise<boolean> {
  const r = await db
    .prepare('INSERT INTO oidc_assertions (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
    .bind(`${clientId}:${jti}`, expiresAt)
    .run();
  return r.meta.changes === 1;
}
