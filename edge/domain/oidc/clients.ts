/**
 * Portals as OAuth clients: registration (for the officer console and the demo portal) and
 * client authentication at the token endpoint (RFC 6749 §2.3, OIDC Core §9): client_secret_basic,
 * client_secret_post, private_key_jwt (RFC 7523), or none for public clients, which PKCE protects.
 * A client authenticates only by the method it registered: no downgrade to a weaker one.
 */
import { createLocalJWKSet, decodeJwt, importJWK, jwtVerify, type JWK } from 'jose';
import * as v from 'valibot';
import { timingSafeEqual, utf8 } from '../../../shared/bytes';
import {
  PORTAL_AUTH_METHODS,
  PortalClientId,
  PortalJwks,
  PortalPostLogoutUris,
  PortalRedirectUris,
  PortalScopes,
  usesClientSecret,
} from '../../../shared/portals';
import {
  insertClientStatement,
  isUniqueViolation,
  readClient,
  recordAssertion,
  replaceRedirectUris,
  type ClientAuthMethod,
  type ClientRegistration,
  type OidcClient,
} from '../../store/oidc-clients';
import { newToken, sha256Base64Url } from '../crypto';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { OAuthError } from './errors';

export const CLIENT_AUTH_METHODS = PORTAL_AUTH_METHODS satisfies readonly ClientAuthMethod[];
/** Signature algorithms accepted on client assertions; `none` and HMAC are not among them. */
export const CLIENT_ASSERTION_ALGS = ['ES256', 'PS256', 'RS256', 'EdDSA'];
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A client assertion may live at most this long (RFC 7523 §3 leaves it to the server). */
const ASSERTION_MAX_LIFETIME_MS = 10 * 60_000;

export const RegisterClientInput = v.object({
  /** Chosen by the operator (e.g. "dichvucong"), or generated. */
  clientId: v.optional(PortalClientId),
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120)),
  authMethod: v.picklist(CLIENT_AUTH_METHODS),
  redirectUris: PortalRedirectUris,
  postLogoutRedirectUris: v.optional(PortalPostLogoutUris, []),
  /** What the portal may ask for; must include openid. `offline_access` allows refresh tokens. */
  scopes: PortalScopes,
  /** Portals sharing a sector see the same `sub`; by default each portal is its own sector. */
  sectorId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
  /** Public keys for private_key_jwt. */
  jwks: v.optional(PortalJwks),
  /** A pre-shared secret (at least 32 characters); otherwise one is generated and returned once. */
  clientSecret: v.optional(v.pipe(v.string(), v.minLength(32), v.maxLength(256))),
});
export type RegisterClientInput = v.InferInput<typeof RegisterClientInput>;

function validate<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, input);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new AppError('validation_failed', `Invalid field: ${issue ? (v.getDotPath(issue) ?? issue.message) : 'client'}.`);
  }
  return parsed.output;
}

/** The algorithm a portal's public key signs assertions with: its own `alg`, or the usual one for its type. */
function assertionAlg(k: JWK): string | undefined {
  if (k.alg) return k.alg;
  if (k.kty === 'EC') return k.crv === 'P-256' ? 'ES256' : undefined;
  if (k.kty === 'RSA') return 'RS256';
  if (k.kty === 'OKP') return 'EdDSA';
  return undefined;
}

/** Every key must be a public key we can verify assertions with: a bad one is refused now, not at the first sign-in. */
async function checkJwks(jwks: { keys: unknown[] }): Promise<void> {
  for (const key of jwks.keys as JWK[]) {
    const alg = assertionAlg(key);
    if (!alg || !CLIENT_ASSERTION_ALGS.includes(alg)) throw new AppError('validation_failed', 'Invalid field: jwks.');
    try {
      await importJWK(key, alg);
    } catch {
      throw new AppError('validation_failed', 'Invalid field: jwks.');
    }
  }
}

/**
 * The registration a set of fields makes: a secret for the client_secret_* methods (the
 * given one, or a new one), the JWK Set for private_key_jwt (required), neither for `none`.
 * Only the secret's hash is kept; the secret itself goes back to the caller, once.
 */
export async function clientRegistration(
  c: { name: string; authMethod: ClientAuthMethod; redirectUris: string[]; postLogoutRedirectUris: string[]; scopes: string[]; jwks?: { keys: unknown[] } | undefined },
  secret: { keepHash: string | null } | { given?: string | undefined },
): Promise<{ registration: ClientRegistration; clientSecret: string | null }> {
  if (c.authMethod === 'private_key_jwt') {
    if (!c.jwks) throw new AppError('validation_failed', 'Invalid field: jwks.');
    await checkJwks(c.jwks);
  }
  let secretHash: string | null = null;
  let clientSecret: string | null = null;
  if (usesClientSecret(c.authMethod)) {
    if ('keepHash' in secret && secret.keepHash) secretHash = secret.keepHash;
    else {
      clientSecret = ('given' in secret ? secret.given : undefined) ?? newToken();
      secretHash = await sha256Base64Url(clientSecret);
    }
  }
  return {
    registration: {
      name: c.name,
      authMethod: c.authMethod,
      secretHash,
      jwks: c.authMethod === 'private_key_jwt' && c.jwks ? { keys: c.jwks.keys as JsonWebKey[] } : null,
      redirectUris: [...new Set(c.redirectUris)],
      postLogoutRedirectUris: [...new Set(c.postLogoutRedirectUris)],
      scopes: [...new Set(c.scopes)],
    },
    clientSecret,
  };
}

/** The client a registration makes (validated; active; its own sector unless given one), not yet stored. */
export async function newClient(input: RegisterClientInput, now: number): Promise<{ client: OidcClient; clientSecret: string | null }> {
  const c = validate(RegisterClientInput, input);
  const clientId = c.clientId ?? `portal-${newToken().slice(0, 16)}`;
  const { registration, clientSecret } = await clientRegistration(c, { given: c.clientSecret });
  const client: OidcClient = {
    clientId,
    ...registration,
    sectorId: c.sectorId ?? clientId,
    status: 'active',
    revokedBefore: 0,
    createdAt: now,
    updatedAt: now,
  };
  return { client, clientSecret };
}

/**
 * Registers a new portal. A client id already taken is refused (`portal_exists`): a
 * registration never takes over a live portal's redirect URIs; changing one is an explicit
 * update (domain/portals.ts). Only a hash of the client secret is stored; the secret is
 * returned once, here. `alsoWrite` (the audit row) is written in the same transaction, so it
 * exists exactly when the portal does.
 */
export async function registerClient(
  deps: Pick<Deps, 'db' | 'now'>,
  input: RegisterClientInput,
  alsoWrite: (client: OidcClient) => D1PreparedStatement[] = () => [],
): Promise<{ client: OidcClient; clientSecret: string | null }> {
  const { client, clientSecret } = await newClient(input, deps.now);
  try {
    await deps.db.batch([insertClientStatement(deps.db, client), ...alsoWrite(client)]);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('portal_exists', 'A portal with this client id is already registered.');
    throw err;
  }
  return { client, clientSecret };
}

/**
 * Registers a client when its id is free; otherwise leaves the registration as it stands —
 * status, secret, scopes, which a supervisor may have changed — and only adds redirect URIs
 * it lacks. For the worker's own demo portal, whose callback follows the configured origin:
 * a supervisor's disable is never undone by it.
 */
export async function ensureClientRegistered(deps: Pick<Deps, 'db' | 'now'>, input: RegisterClientInput & { clientId: string }): Promise<OidcClient> {
  const existing = await readClient(deps.db, input.clientId);
  if (!existing) {
    try {
      return (await registerClient(deps, input)).client;
    } catch (err) {
      // Two first requests raced; the other one registered it.
      if (!(err instanceof AppError && err.code === 'portal_exists')) throw err;
      return (await readClient(deps.db, input.clientId))!;
    }
  }
  const redirectUris = [...new Set([...existing.redirectUris, ...input.redirectUris])];
  const postLogout = [...new Set([...existing.postLogoutRedirectUris, ...(input.postLogoutRedirectUris ?? [])])];
  if (redirectUris.length > existing.redirectUris.length || postLogout.length > existing.postLogoutRedirectUris.length) {
    // Bounded like a registration: the oldest go first.
    const next = { redirectUris: redirectUris.slice(-10), postLogoutRedirectUris: postLogout.slice(-10) };
    await replaceRedirectUris(deps.db, existing.clientId, next.redirectUris, next.postLogoutRedirectUris, deps.now);
    return { ...existing, ...next };
  }
  return existing;
}

/**
 * Whether a grant (or consent) made at `createdAt` still counts for this client: the client
 * is active and was not disabled after it was made.
 */
export function grantStillValid(client: Pick<OidcClient, 'status' | 'revokedBefore'>, createdAt: number): boolean {
  return client.status === 'active' && createdAt > client.revokedBefore;
}

/** The scopes a grant still carries: those it was given and the portal is still allowed. */
export function effectiveScopes(grantScopes: readonly string[], client: Pick<OidcClient, 'scopes'>): string[] {
  return grantScopes.filter((s) => client.scopes.includes(s));
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
