/**
 * The token endpoint's grants (RFC 6749 §4.1.3 and §6, RFC 7636 §4.6) and the UserInfo
 * endpoint (OIDC Core §5.3). Codes are single use and consumed atomically; a second use
 * revokes what the first one issued. Refresh tokens rotate on every use, and a rotated one
 * presented again revokes the whole family. Tokens are opaque; only their hashes are stored.
 */
import * as v from 'valibot';
import { timingSafeEqual, utf8 } from '../../../shared/bytes';
import { ACR, AMR, itemsForScopes } from '../../../shared/oidc';
import { readAccount, type Account } from '../../store/accounts';
import { readClient, type OidcClient } from '../../store/oidc-clients';
import { disclosureDay, insertDisclosureStatement } from '../../store/oidc-consents';
import {
  consumeCode,
  insertTokenStatement,
  readAccessToken,
  readGrant,
  revokeGrant,
  useRefreshToken,
  type Grant,
} from '../../store/oidc-grants';
import type { ShardDb } from '../../store/shards';
import { audit } from '../audit';
import { sha256Base64Url } from '../crypto';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { enforceRateLimit } from '../rate-limit';
import { ACCESS_TOKEN_TTL_MS } from './authorization';
import { claimsForScopes } from './claims';
import { authenticateClient, claimedClientId, effectiveScopes, grantStillValid, type ClientCredentials } from './clients';
import { OAuthError } from './errors';
import { signJwt } from './keys';

/** Token requests per client per minute: a portal's whole traffic, far above what sign-ins need. */
export const TOKEN_RATE_LIMIT = { limit: 120, windowMs: 60_000 } as const;
export const ID_TOKEN_TTL_S = 10 * 60;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  id_token: string;
  scope: string;
  refresh_token?: string;
}

/** Codes and tokens: 48 base64url characters, carrying the account's shard key (store/shard-keys.ts). */
const Token48 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{48}$/));

const CodeGrant = v.object({
  code: v.pipe(v.string(), v.maxLength(128)),
  redirect_uri: v.pipe(v.string(), v.maxLength(512)),
  // RFC 7636 §4.1: 43–128 unreserved characters.
  code_verifier: v.pipe(v.string(), v.regex(/^[A-Za-z0-9._~-]{43,128}$/)),
});

const RefreshGrant = v.object({
  refresh_token: v.pipe(v.string(), v.maxLength(128)),
  scope: v.optional(v.pipe(v.string(), v.maxLength(1024))),
});

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);

/** Handles a token request: rate limit, client authentication, then the grant. */
export async function exchangeToken(
  deps: Deps,
  creds: ClientCredentials,
  params: Record<string, string>,
  endpoints: { issuer: string; tokenEndpoint: string },
): Promise<TokenResponse> {
  try {
    await enforceRateLimit(deps.db, `oidc:token:${(claimedClientId(creds) ?? 'unknown').slice(0, 128)}`, TOKEN_RATE_LIMIT, deps.now);
  } catch (err) {
    if (err instanceof AppError) throw new OAuthError('temporarily_unavailable', 'Too many token requests for this client.', undefined, err.retryAfter);
    throw err;
  }
  const client = await authenticateClient(deps, creds, endpoints);
  if (params.grant_type === 'authorization_code') return redeemCode(deps, client, params);
  if (params.grant_type === 'refresh_token') return refresh(deps, client, params);
  if (!params.grant_type) throw new OAuthError('invalid_request', 'grant_type is required.');
  throw new OAuthError('unsupported_grant_type', 'Supported grant types: authorization_code, refresh_token.');
}

function parse<S extends v.GenericSchema>(schema: S, params: Record<string, string>): v.InferOutput<S> {
  const result = v.safeParse(schema, params);
  if (!result.success) {
    const issue = result.issues[0];
    throw new OAuthError('invalid_request', `Missing or invalid parameter: ${issue ? (v.getDotPath(issue) ?? 'request') : 'request'}.`);
  }
  return result.output;
}

async function revokeForReuse(deps: Deps, db: ShardDb, grantId: string, what: string): Promise<void> {
  await revokeGrant(db, grantId, deps.now);
  await audit(deps, { at: deps.now, actor: 'system', action: 'sso.replay', subject: grantId, detail: { what } }, db);
}

async function liveAccount(deps: Deps, db: ShardDb, client: OidcClient, grant: Grant) {
  // A grant made before the portal was disabled stays revoked after it is enabled again.
  if (grant.revokedAt !== null || !grantStillValid(client, grant.createdAt)) throw invalidGrant('This grant was revoked.');
  const account = await readAccount(db, grant.accountId);
  if (!account || account.status !== 'active') throw invalidGrant('The account is locked or gone.');
  return account;
}

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6). */
async function redeemCode(deps: Deps, client: OidcClient, params: Record<string, string>): Promise<TokenResponse> {
  const input = parse(CodeGrant, params);
  const db = v.is(Token48, input.code) ? await deps.shards.dbForKey(input.code) : null;
  if (!db) throw invalidGrant('The authorization code is not valid.');
  // Consume first: a failed check below still uses the code up, so it cannot be tried again.
  const consumed = await consumeCode(db, await sha256Base64Url(input.code), deps.now);
  if (!consumed) throw invalidGrant('The authorization code is not valid.');
  if ('reused' in consumed) {
    // RFC 6749 §4.1.2: a code used twice may have been stolen; revoke what it gave.
    await revokeForReuse(deps, db, consumed.reused.grantId, 'code');
    throw invalidGrant('The authorization code was already used.');
  }
  const { code } = consumed;
  const grant = await readGrant(db, code.grantId);
  if (!grant || grant.clientId !== client.clientId) throw invalidGrant('The authorization code was issued to another client.');
  if (code.expiresAt <= deps.now) throw invalidGrant('The authorization code has expired.');
  if (code.redirectUri !== input.redirect_uri) throw invalidGrant('redirect_uri does not match the authorization request.');
  const challenge = await sha256Base64Url(input.code_verifier);
  if (!timingSafeEqual(utf8(challenge), utf8(code.codeChallenge))) throw invalidGrant('The PKCE code_verifier does not match the code_challenge.');
  const account = await liveAccount(deps, db, client, grant);
  return issueTokens(deps, db, client, grant, account, { nonce: code.nonce, disclose: true });
}

/** RFC 6749 §6, with rotation and reuse detection (RFC 9700 §4.14.2). */
async function refresh(deps: Deps, client: OidcClient, params: Record<string, string>): Promise<TokenResponse> {
  const input = parse(RefreshGrant, params);
  const db = v.is(Token48, input.refresh_token) ? await deps.shards.dbForKey(input.refresh_token) : null;
  if (!db) throw invalidGrant('The refresh token is not valid.');
  const used = await useRefreshToken(db, await sha256Base64Url(input.refresh_token), deps.now);
  if (!used) throw invalidGrant('The refresh token is not valid.');
  if ('reused' in used) {
    await revokeForReuse(deps, db, used.reused.grantId, 'refresh_token');
    throw invalidGrant('The refresh token was already used; the session has been revoked.');
  }
  const grant = await readGrant(db, used.token.grantId);
  if (!grant || grant.clientId !== client.clientId) throw invalidGrant('The refresh token was issued to another client.');
  if (used.token.expiresAt <= deps.now) throw invalidGrant('The refresh token has expired.');
  if (input.scope !== undefined && input.scope.split(' ').filter(Boolean).some((s) => !grant.scopes.includes(s))) {
    throw new OAuthError('invalid_scope', 'A refresh cannot widen the scope that was granted.');
  }
  // A supervisor took offline_access from the portal: it may no longer stay signed in.
  if (!client.scopes.includes('offline_access')) throw invalidGrant('This portal may no longer refresh tokens; sign the citizen in again.');
  const account = await liveAccount(deps, db, client, grant);
  return issueTokens(deps, db, client, grant, account, { nonce: null });
}

/** Access token, ID token and (for offline grants) the next refresh token; the disclosure goes into the sharing history. */
async function issueTokens(
  deps: Deps,
  db: ShardDb,
  client: OidcClient,
  grant: Grant,
  account: Account,
  opts: { nonce: string | null; disclose?: boolean },
): Promise<TokenResponse> {
  // What the portal is still allowed: a scope a supervisor removed since the grant is not given again.
  const scopes = effectiveScopes(grant.scopes, client);
  // Both name the account's shard, where they are kept (only their hashes).
  const accessToken = await deps.shards.newToken(account.idNumber);
  const refreshToken = scopes.includes('offline_access') ? await deps.shards.newToken(account.idNumber) : null;
  const iat = Math.floor(deps.now / 1000);
  const idToken = await signJwt(deps.config, {
    iss: deps.config.issuer,
    sub: grant.sub,
    aud: client.clientId,
    iat,
    exp: iat + ID_TOKEN_TTL_S,
    auth_time: Math.floor(grant.authTime / 1000),
    ...(opts.nonce !== null ? { nonce: opts.nonce } : {}),
    acr: ACR[grant.level],
    amr: [...AMR],
  });
  const statements = [
    insertTokenStatement(db, {
      tokenHash: await sha256Base64Url(accessToken),
      grantId: grant.id,
      kind: 'access',
      createdAt: deps.now,
      expiresAt: Math.min(deps.now + ACCESS_TOKEN_TTL_MS, grant.expiresAt),
      usedAt: null,
    }),
  ];
  if (refreshToken) {
    statements.push(
      insertTokenStatement(db, {
        tokenHash: await sha256Base64Url(refreshToken),
        grantId: grant.id,
        kind: 'refresh',
        createdAt: deps.now,
        expiresAt: grant.expiresAt,
        usedAt: null,
      }),
    );
  }
  if (opts.disclose) {
    // The sharing history: what this portal now holds about the citizen.
    statements.push(
      insertDisclosureStatement(db, {
        accountId: grant.accountId,
        clientId: client.clientId,
        clientName: client.name,
        items: itemsForScopes(scopes),
        level: account.level,
        at: deps.now,
        grantId: grant.id,
        kind: 'sign_in',
        day: disclosureDay(deps.now),
      }),
    );
  }
  await db.batch(statements);
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: Math.max(1, Math.floor((Math.min(deps.now + ACCESS_TOKEN_TTL_MS, grant.expiresAt) - deps.now) / 1000)),
    id_token: idToken,
    scope: scopes.join(' '),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
  };
}

/**
 * OIDC Core §5.3: the claims an access token's grant allows — as far as the portal is still
 * allowed them — with the pairwise `sub`. Each release goes into the citizen's sharing
 * history, at most once per grant, day and set of items (see recordUserInfoDisclosure).
 */
export async function userInfo(deps: Deps, accessToken: string): Promise<Record<string, string | boolean>> {
  const db = v.is(Token48, accessToken) ? await deps.shards.dbForKey(accessToken) : null;
  if (!db) throw new OAuthError('invalid_token', 'The access token is not valid.');
  const found = await readAccessToken(db, await sha256Base64Url(accessToken));
  if (!found || found.token.expiresAt <= deps.now || found.grant.revokedAt !== null) {
    throw new OAuthError('invalid_token', 'The access token is not valid, has expired or was revoked.');
  }
  const client = await readClient(deps.db, found.grant.clientId);
  // A disabled portal's tokens stop at once, and stay dead if it is enabled again.
  if (!client || !grantStillValid(client, found.grant.createdAt)) {
    throw new OAuthError('invalid_token', 'The access token is not valid, has expired or was revoked.');
  }
  const account = await readAccount(db, found.grant.accountId);
  if (!account || account.status !== 'active') throw new OAuthError('invalid_token', 'The account is locked.');
  const scopes = effectiveScopes(found.grant.scopes, client);
  const citizen = await deps.registry.findCitizen(account.idNumber);
  const claims = { sub: found.grant.sub, ...claimsForScopes(scopes, account, citizen) };
  await recordUserInfoDisclosure(deps, db, client, found.grant, account, scopes);
  return claims;
}

/**
 * Writes a UserInfo release to the sharing history. The sign-in's row (written when the code
 * is redeemed) already covers that day's calls under the same grant; later days — a portal
 * staying signed in with refreshed `offline_access` tokens — get one row per grant, day and
 * set of items, however often the portal calls: the citizen sees each day a portal fetched
 * their data, and a portal polling every ten minutes cannot flood the history (one
 * `INSERT … ON CONFLICT DO NOTHING` on a unique index, no read first).
 */
async function recordUserInfoDisclosure(deps: Deps, db: ShardDb, client: OidcClient, grant: Grant, account: Account, scopes: string[]): Promise<void> {
  await insertDisclosureStatement(db, {
    accountId: grant.accountId,
    clientId: client.clientId,
    clientName: client.name,
    items: itemsForScopes(scopes),
    level: account.level,
    at: deps.now,
    grantId: grant.id,
    kind: 'userinfo',
    day: disclosureDay(deps.now),
  }).run();
}
