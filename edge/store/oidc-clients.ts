/** D1 access for registered portals (OAuth clients) and the client assertions they have used. */
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function readClient(db: D1Database, clientId: string): Promise<OidcClient | null> {
  const row = await db.prepare('SELECT * FROM oidc_clients WHERE client_id = ?').bind(clientId).first<ClientRow>();
  return row ? toClient(row) : null;
}

/** Inserts a client, or replaces its registration (keeping created_at) when the id exists. */
export async function upsertClient(db: D1Database, c: OidcClient): Promise<void> {
  await db
    .prepare(
      `INSERT INTO oidc_clients (client_id, name, auth_method, secret_hash, jwks, redirect_uris, post_logout_redirect_uris, scopes, sector_id, status, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
       ON CONFLICT (client_id) DO UPDATE SET name = ?2, auth_method = ?3, secret_hash = ?4, jwks = ?5, redirect_uris = ?6,
         post_logout_redirect_uris = ?7, scopes = ?8, sector_id = ?9, status = ?10, updated_at = ?12`,
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
      c.createdAt,
      c.updatedAt,
    )
    .run();
}

/**
 * Records a client assertion's jti until it expires. False when it was seen before: a
 * replayed assertion (RFC 7523 §3, item 7).
 */
export async function recordAssertion(db: D1Database, clientId: string, jti: string, expiresAt: number): Promise<boolean> {
  const r = await db
    .prepare('INSERT INTO oidc_assertions (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
    .bind(`${clientId}:${jti}`, expiresAt)
    .run();
  return r.meta.changes === 1;
}
