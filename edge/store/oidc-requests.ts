/** D1 access for validated authorization requests waiting for the citizen's decision. */
import type { MainDb } from './shards';
export interface AuthRequest {
  id: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  nonce: string | null;
  /** base64url(SHA-256(code_verifier)); S256 is the only method accepted. */
  codeChallenge: string;
  /** The account level the portal requires (from acr_values). */
  minLevel: 1 | 2;
  prompt: string[];
  /** Seconds (OIDC max_age), or null. */
  maxAge: number | null;
  /** SHA-256 of the browser-binding cookie set by the authorization endpoint. */
  browserHash: string;
  createdAt: number;
  expiresAt: number;
}

interface AuthRequestRow {
  id: string;
  client_id: string;
  redirect_uri: string;
  scopes: string;
  state: string | null;
  nonce: string | null;
  code_challenge: string;
  min_level: number;
  prompt: string;
  max_age: number | null;
  browser_hash: string;
  created_at: number;
  expires_at: number;
}

function toAuthRequest(r: AuthRequestRow): AuthRequest {
  return {
    id: r.id,
    clientId: r.client_id,
    redirectUri: r.redirect_uri,
    scopes: r.scopes.split(' ').filter(Boolean),
    state: r.state,
    nonce: r.nonce,
    codeChallenge: r.code_challenge,
    minLevel: r.min_level === 2 ? 2 : 1,
    prompt: r.prompt.split(' ').filter(Boolean),
    maxAge: r.max_age,
    browserHash: r.browser_hash,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}

export async function insertAuthRequest(db: MainDb, r: AuthRequest): Promise<void> {
  await db
    .prepare(
      `INSERT INTO oidc_auth_requests (id, client_id, redirect_uri, scopes, state, nonce, code_challenge, min_level, prompt, max_age, browser_hash, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      r.id,
      r.clientId,
      r.redirectUri,
      r.scopes.join(' '),
      r.state,
      r.nonce,
      r.codeChallenge,
      r.minLevel,
      r.prompt.join(' '),
      r.maxAge,
      r.browserHash,
      r.createdAt,
      r.expiresAt,
    )
    .run();
}

export async function readAuthRequest(db: MainDb, id: string): Promise<AuthRequest | null> {
  const row = await db.prepare('SELECT * FROM oidc_auth_requests WHERE id = ?').bind(id).first<AuthRequestRow>();
  return row ? toAuthRequest(row) : null;
}

/** Takes a request out in one statement: of two racing decisions, exactly one gets it. */
export async function takeAuthRequest(db: MainDb, id: string): Promise<AuthRequest | null> {
  const row = await db.prepare('DELETE FROM oidc_auth_requests WHERE id = ? RETURNING *').bind(id).first<AuthRequestRow>();
  return row ? toAuthRequest(row) : null;
}

/** A validated RP-initiated logout request waiting for the PWA (edge/domain/oidc/logout.ts). */
export interface LogoutRequest {
  id: string;
  clientId: string | null;
  /** The pairwise `sub` of a valid id_token_hint: who the portal signed out. */
  hintSub: string | null;
  postLogoutRedirectUri: string | null;
  state: string | null;
  browserHash: string;
  expiresAt: number;
}

interface LogoutRequestRow {
  id: string;
  client_id: string | null;
  hint_sub: string | null;
  post_logout_redirect_uri: string | null;
  state: string | null;
  browser_hash: string;
  expires_at: number;
}

function toLogoutRequest(r: LogoutRequestRow): LogoutRequest {
  return {
    id: r.id,
    clientId: r.client_id,
    hintSub: r.hint_sub,
    postLogoutRedirectUri: r.post_logout_redirect_uri,
    state: r.state,
    browserHash: r.browser_hash,
    expiresAt: r.expires_at,
  };
}

export async function insertLogoutRequest(db: MainDb, r: LogoutRequest): Promise<void> {
  await db
    .prepare(
      `INSERT INTO oidc_logout_requests (id, client_id, hint_sub, post_logout_redirect_uri, state, browser_hash, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(r.id, r.clientId, r.hintSub, r.postLogoutRedirectUri, r.state, r.browserHash, r.expiresAt)
    .run();
}

export async function readLogoutRequest(db: MainDb, id: string): Promise<LogoutRequest | null> {
  const row = await db.prepare('SELECT * FROM oidc_logout_requests WHERE id = ?').bind(id).first<LogoutRequestRow>();
  return row ? toLogoutRequest(row) : null;
}

/** Takes a logout request out in one statement, only for the browser it is bound to: it is used once. */
export async function takeLogoutRequest(db: MainDb, id: string, browserHash: string): Promise<LogoutRequest | null> {
  const row = await db
    .prepare('DELETE FROM oidc_logout_requests WHERE id = ? AND browser_hash = ? RETURNING *')
    .bind(id, browserHash)
    .first<LogoutRequestRow>();
  return row ? toLogoutRequest(row) : null;
}
