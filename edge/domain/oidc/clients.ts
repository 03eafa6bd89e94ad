/**
 * Portals as OAuth clients: registration (for the officer console and the demo portal) and
 * client authentication at the token endpoint (RFC 6749 §2.3, OIDC Core §9): client_secret_basic,
 * client_secret_post, private_key_jwt (RFC 7523), or none for public clients, which PKCE protects.
 * A client authenticates only by the method it registered: no downgrade to a weaker one.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as v from 'valibot';
import { timingSafeEqual, utf8 } from '../../../shared/bytes';
import { SCOPES } from '../../../shared/oidc';
import { readClient, recordAssertion, upsertClient, type ClientAuthMethod, type OidcClient } from '../../store/oidc-clients';
import { newToken, sha256Base64Url } from '../crypto';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { OAuthError } from './errors';

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const satisfies readonly ClientAuthMethod[];
/** Signature algorithms accepted on client assertions; `none` and HMAC are not among them. */
export const CLIENT_ASSERTION_ALGS = ['ES256', 'PS256', 'RS256', 'EdDSA'];
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A client assertion may live at most this long (RFC 7523 §3 leaves it to the server). */
const ASSERTION_MAX_LIFETIME_MS = 10 * 60_000;

/** Exact strings, absolute, no fragment; https, or http only on a loopback host for development. */
function isRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash || value.includes('#') || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]');
}

const RedirectUri = v.pipe(v.string(), v.maxLength(512), v.check(isRedirectUri, 'redirect_uri'));

export const RegisterClientInput = v.object({
  /** Chosen by the operator (e.g. "dichvucong"), or generated. */
  clientId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{3,64}$/, 'client_id'))),
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
  authMethod: v.picklist(CLIENT_AUTH_METHODS),
  redirectUris: v.pipe(v.array(RedirectUri), v.minLength(1), v.maxLength(10)),
  postLogoutRedirectUris: v.optional(v.pipe(v.array(RedirectUri), v.maxLength(10)), []),
  /** What the portal may ask for; must include openid. `offline_access` allows refresh tokens. */
  scopes: v.pipe(
    v.array(v.picklist(SCOPES)),
    v.check((s) => s.includes('openid'), 'scopes must include openid'),
  ),
  /** Portals sharing a sector see the same `sub`; by default each portal is its own sector. */
  sectorId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  /** Public keys for private_key_jwt. */
  jwks: v.optional(v.object({ keys: v.pipe(v.array(v.looseObject({ kty: v.string() })), v.minLength(1), v.maxLength(10)) })),
  /** A pre-shared secret (at least 32 characters); otherwise one is generated and returned once. */
  clientSecret: v.optional(v.pipe(v.string(), v.minLength(32), v.maxLength(256))),
});
export type RegisterClientInput = v.InferInput<typeof RegisterClientInput>;

/**
 * Registers a portal, or replaces an existing registration with the same id. Only a hash
 * of the client secret is stored; the secret is returned once, here.
 */
export async function registerClient(
  deps: Pick<Deps, 'db' | 'now'>,
  input: RegisterClientInput,
): Promise<{ client: OidcClient; clientSecret: string | null }> {
  const parsed = v.safeParse(RegisterClientInput, input);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new AppError('validation_failed', `Invalid field: ${issue ? (v.getDotPath(issue) ?? issue.message) : 'client'}.`);
  }
  const c = parsed.output;
  const usesSecret = c.authMethod === 'client_secret_basic' || c.authMethod === 'client_secret_post';
  if (c.authMethod === 'private_key_jwt' && !c.jwks) throw new AppError('validation_failed', 'Invalid field: jwks.');
  const clientSecret = usesSecret ? (c.clientSecret ?? newToken()) : null;
  const clientId = c.clientId ?? `portal-${newToken().slice(0, 16)}`;
  const existing = await readClient(deps.db, clientId);
  const client: OidcClient = {
    clientId,
    name: c.name,
    authMethod: c.authMethod,
    secretHash: clientSecret ? await sha256Base64Url(clientSecret) : null,
    jwks: c.authMethod === 'private_key_jwt' && c.jwks ? { keys: c.jwks.keys as JsonWebKey[] } : null,
    redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    scopes: [...new Set(c.scopes)],
    sectorId: c.sectorId ?? clientId,
    status: 'active',
    createdAt: existing?.createdAt ?? deps.now,
    updatedAt: deps.now,
  };
  await upsertClient(deps.db, client);
  return { client, clientSecret };
}

/** The client credentials a token request carried, as the HTTP layer found them. */
export interface ClientCredentials {
  /** From `Authorization: Basic`, already URL-decoded (RFC 6749 §2.3.1). */
  basic?: { clientId: string; clientSecret: string };
  clientId?: string;
  clientSecret?: string;
  clientAssertionType?: string;
  clientAssertion?: string;
}

const FAILED = 'Client authentication failed.';

/** The client id a request claims to be, before it is authenticated (for rate limits). */
export function claimedClientId(creds: ClientCredentials): string | null {
  if (creds.basic) return creds.basic.clientId;
  if (creds.clientId) return creds.clientId;
  if (creds.clientAssertion) {
    try {
      const sub = decodeJwt(creds.clientAssertion).sub;
      return typeof sub === 'string' ? sub : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Authenticates the client of a token request by its registered method; throws invalid_client. */
export async function authenticateClient(
  deps: Deps,
  creds: ClientCredentials,
  endpoints: { issuer: string; tokenEndpoint: string },
): Promise<OidcClient> {
  const used = [creds.basic && 'basic', creds.clientSecret !== undefined && 'post', creds.clientAssertion !== undefined && 'jwt'].filter(Boolean);
  if (used.length > 1) throw new OAuthError('invalid_request', 'Use exactly one client authentication method.');
  if (creds.basic && creds.clientId !== undefined && creds.clientId !== creds.basic.clientId) {
    throw new OAuthError('invalid_request', 'client_id does not match the Authorization header.');
  }
  const clientId = claimedClientId(creds);
  if (!clientId) throw new OAuthError('invalid_client', 'Client authentication is required.');
  const client = await readClient(deps.db, clientId);
  if (!client || client.status !== 'active') throw new OAuthError('invalid_client', FAILED);

  const method: ClientAuthMethod = creds.basic
    ? 'client_secret_basic'
    : creds.clientSecret !== undefined
      ? 'client_secret_post'
      : creds.clientAssertion !== undefined
        ? 'private_key_jwt'
        : 'none';
  if (method !== client.authMethod) throw new OAuthError('invalid_client', FAILED);

  if (method === 'client_secret_basic' || method === 'client_secret_post') {
    const secret = creds.basic?.clientSecret ?? creds.clientSecret ?? '';
    if (!client.secretHash || !timingSafeEqual(utf8(await sha256Base64Url(secret)), utf8(client.secretHash))) {
      throw new OAuthError('invalid_client', FAILED);
    }
  } else if (method === 'private_key_jwt') {
    await verifyClientAssertion(deps, client, creds, endpoints);
  }
  return client;
}

/** RFC 7523 §3: signed by a registered key, iss = sub = client_id, aud = us, not expired, jti once. */
async function verifyClientAssertion(
  deps: Deps,
  client: OidcClient,
  creds: ClientCredentials,
  endpoints: { issuer: string; tokenEndpoint: string },
): Promise<void> {
  if (creds.clientAssertionType !== JWT_BEARER || !creds.clientAssertion || !client.jwks) {
    throw new OAuthError('invalid_client', FAILED);
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(creds.clientAssertion, createLocalJWKSet(client.jwks as never), {
      algorithms: CLIENT_ASSERTION_ALGS,
      issuer: client.clientId,
      subject: client.clientId,
      audience: [endpoints.tokenEndpoint, endpoints.issuer],
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(deps.now),
      clockTolerance: 30,
    }));
  } catch {
    // An unsigned (alg none) or HMAC assertion, a wrong key, audience or expiry: all the same to the caller.
    throw new OAuthError('invalid_client', FAILED);
  }
  const expiresAt = (payload.exp ?? 0) * 1000;
  if (typeof payload.jti !== 'string' || payload.jti.length > 256 || expiresAt - deps.now > ASSERTION_MAX_LIFETIME_MS) {
    throw new OAuthError('invalid_client', FAILED);
  }
  if (!(await recordAssertion(deps.db, client.clientId, payload.jti, expiresAt))) {
    throw new OAuthError('invalid_client', 'This client assertion was already used.');
  }
}
