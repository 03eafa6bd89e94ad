/**
 * The authorization endpoint's rules (OIDC Core §3.1.2, RFC 6749 §4.1, RFC 7636) and the
 * citizen's decision that ends it. A request is validated, stored, and handed to the PWA,
 * which signs the citizen in and asks for consent; the decision then sends the browser back
 * to the portal with a code, or an error.
 */
import * as v from 'valibot';
import { ACR, itemsForScopes, levelOfAcr, SCOPES, type SsoRequestView } from '../../../shared/oidc';
import type { Account } from '../../store/accounts';
import { readClient, type OidcClient } from '../../store/oidc-clients';
import { readConsent, upsertConsentStatement } from '../../store/oidc-consents';
import { insertCodeStatement, insertGrantStatement } from '../../store/oidc-grants';
import { insertAuthRequest, readAuthRequest, takeAuthRequest, type AuthRequest } from '../../store/oidc-requests';
import type { Session } from '../../store/sessions';
import { recordAudit } from '../audit';
import { newId, newToken, sha256Base64Url } from '../crypto';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { pairwiseSubject, previewValues } from './claims';
import { grantStillValid } from './clients';
import { OAuthError } from './errors';

/** How long the citizen has to sign in and decide. */
export const AUTH_REQUEST_TTL_MS = 10 * 60_000;
/** Authorization codes: short-lived and single use (RFC 6749 §4.1.2 recommends at most 10 minutes). */
export const CODE_TTL_MS = 60_000;
/** How long a grant with a refresh token lasts (an absolute limit: then the citizen signs in again). */
export const OFFLINE_GRANT_TTL_MS = 30 * 24 * 60 * 60_000;
/** Access tokens. */
export const ACCESS_TOKEN_TTL_MS = 10 * 60_000;

/** Every value of every parameter, as received (query string or form body). */
export type RawParams = Record<string, string[]>;

const ClientId = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const RedirectUri = v.pipe(v.string(), v.minLength(1), v.maxLength(512));

// After the client and redirect URI are known good, errors go back to the portal.
const AuthorizeParams = v.object({
  response_type: v.optional(v.pipe(v.string(), v.maxLength(64))),
  response_mode: v.optional(v.pipe(v.string(), v.maxLength(32))),
  scope: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  nonce: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(512))),
  code_challenge: v.optional(v.string()),
  code_challenge_method: v.optional(v.string()),
  prompt: v.optional(v.pipe(v.string(), v.maxLength(128))),
  max_age: v.optional(v.pipe(v.string(), v.regex(/^\d{1,9}$/))),
  acr_values: v.optional(v.pipe(v.string(), v.maxLength(512))),
});

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

function single(params: RawParams, name: string): string | undefined {
  return params[name]?.[0];
}

/**
 * Validates an authorization request and stores it for the citizen. Throws OAuthError:
 * without `redirect` while the client or redirect URI is in doubt (shown as a page, never
 * redirected: RFC 6749 §4.1.2.1), with `redirect` after.
 */
export async function startAuthorization(deps: Deps, params: RawParams, browserHash: string): Promise<{ requestId: string }> {
  // RFC 6749 §3.1: parameters must not appear twice.
  if ((params.client_id?.length ?? 0) > 1 || (params.redirect_uri?.length ?? 0) > 1) {
    throw new OAuthError('invalid_request', 'client_id and redirect_uri must appear once.');
  }
  const clientId = v.safeParse(ClientId, single(params, 'client_id'));
  if (!clientId.success) throw new OAuthError('invalid_request', 'The request names no portal (client_id is missing).');
  const client = await readClient(deps.db, clientId.output);
  if (!client || client.status !== 'active') throw new OAuthError('invalid_client', 'This portal is not registered with the identity provider.');
  const redirectUri = v.safeParse(RedirectUri, single(params, 'redirect_uri'));
  // Exact string comparison (OIDC Core §3.1.2.1): no prefix, no normalisation.
  if (!redirectUri.success || !client.redirectUris.includes(redirectUri.output)) {
    throw new OAuthError('invalid_request', 'The return address (redirect_uri) is not registered for this portal.');
  }

  const stateValues = params.state ?? [];
  const stateOk = stateValues.length <= 1 && (stateValues[0]?.length ?? 0) <= 1024;
  const redirect = { uri: redirectUri.output, state: stateOk ? (stateValues[0] ?? null) : null };
  const fail = (error: ConstructorParameters<typeof OAuthError>[0], description: string) => new OAuthError(error, description, redirect);

  if (!stateOk) throw fail('invalid_request', 'state must appear once and be at most 1024 characters.');
  const repeated = Object.entries(params).find(([, values]) => values.length > 1);
  if (repeated) throw fail('invalid_request', `${repeated[0]} must not appear more than once.`);
  if (params.request) throw fail('request_not_supported', 'Request objects are not supported; send the parameters in the query.');
  if (params.request_uri) throw fail('request_uri_not_supported', 'request_uri is not supported.');

  const parsed = v.safeParse(
    AuthorizeParams,
    Object.fromEntries(Object.entries(params).map(([name, values]) => [name, values[0]])),
  );
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw fail('invalid_request', `Invalid parameter: ${issue ? (v.getDotPath(issue) ?? 'request') : 'request'}.`);
  }
  const p = parsed.output;
  if (!p.response_type) throw fail('invalid_request', 'response_type is required.');
  if (p.response_type !== 'code') throw fail('unsupported_response_type', 'Only the authorization code flow (response_type=code) is supported.');
  if (p.response_mode !== undefined && p.response_mode !== 'query') throw fail('invalid_request', 'Only response_mode=query is supported.');

  const requested = [...new Set((p.scope ?? '').split(' ').filter(Boolean))];
  if (!requested.includes('openid')) throw fail('invalid_scope', 'The openid scope is required.');
  // Scopes we do not define are ignored (RFC 6749 §3.3); ones we define must be allowed for this portal.
  const scopes = requested.filter((s) => (SCOPES as readonly string[]).includes(s));
  const refused = scopes.filter((s) => !client.scopes.includes(s));
  if (refused.length > 0) throw fail('invalid_scope', `This portal is not allowed the scope ${refused.join(', ')}.`);

  // PKCE with S256 is required of every client (RFC 9700 §2.1.1); plain is refused.
  if (p.code_challenge_method !== 'S256') {
    throw fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256.');
  }
  if (!p.code_challenge || !/^[A-Za-z0-9_-]{43}$/.test(p.code_challenge)) {
    throw fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier (43 characters).');
  }

  const prompt = [...new Set((p.prompt ?? '').split(' ').filter(Boolean))];
  if (prompt.some((x) => !PROMPTS.has(x))) throw fail('invalid_request', 'Unknown prompt value.');
  if (prompt.includes('none')) {
    // The citizen's session cookie is SameSite=Strict: a portal's navigation never carries it,
    // so the provider cannot tell silently who is there. Interaction is always needed.
    if (prompt.length > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other values.');
    throw fail('login_required', 'Signing in needs the citizen: send the request without prompt=none.');
  }

  // acr_values lists the levels the portal accepts; the lowest of them is what it requires.
  const levels = (p.acr_values ?? '').split(' ').map(levelOfAcr).filter((l): l is 1 | 2 => l !== null);
  const minLevel: 1 | 2 = levels.length > 0 ? (Math.min(...levels) as 1 | 2) : 1;

  const request: AuthRequest = {
    id: newToken(),
    clientId: client.clientId,
    redirectUri: redirect.uri,
    scopes,
    state: redirect.state,
    nonce: p.nonce ?? null,
    codeChallenge: p.code_challenge,
    minLevel,
    prompt,
    maxAge: p.max_age !== undefined ? Number(p.max_age) : null,
    browserHash,
    createdAt: deps.now,
    expiresAt: deps.now + AUTH_REQUEST_TTL_MS,
  };
  await insertAuthRequest(deps.db, request);
  return { requestId: request.id };
}

/** The portal's redirect URI with the response parameters, `state` and `iss` (RFC 9207) added. */
export function authorizationResponseUrl(deps: Deps, redirect: { uri: string; state: string | null }, params: Record<string, string>): string {
  const url = new URL(redirect.uri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (redirect.state !== null) url.searchParams.set('state', redirect.state);
  url.searchParams.set('iss', deps.config.issuer);
  return url.href;
}

async function liveRequest(deps: Deps, id: string, browserHash: string): Promise<{ request: AuthRequest; client: OidcClient }> {
  const request = await readAuthRequest(deps.db, id);
  // One answer for unknown, expired and another browser's request: none of them may go on.
  if (!request || request.expiresAt <= deps.now || request.browserHash !== browserHash) {
    throw new AppError('sso_request_invalid', 'This sign-in request has expired or was opened in another browser. Go back to the portal and start again.');
  }
  const client = await readClient(deps.db, request.clientId);
  // A request started before the portal was disabled does not go on after it is enabled again.
  if (!client || !grantStillValid(client, request.createdAt)) throw new AppError('sso_request_invalid', 'This portal is no longer registered.');
  return { request, client };
}

/** The citizen's remembered consent for this portal, unless the portal was disabled since it was given. */
async function currentConsent(deps: Deps, account: Account, client: OidcClient) {
  const consent = await readConsent(deps.shards.dbFor(account.idNumber), account.id, client.clientId);
  return consent && grantStillValid(client, consent.grantedAt) ? consent : null;
}

/** Whether the portal asked for a sign-in fresher than this session (prompt=login, max_age). */
function needsReauthentication(request: AuthRequest, session: Session, now: number): boolean {
  if (request.prompt.includes('login') && session.createdAt < request.createdAt) return true;
  return request.maxAge !== null && now - session.createdAt > request.maxAge * 1000;
}

/** What the PWA shows for a pending request: the portal, exactly what it would receive, and whether the citizen may go on. */
export async function describeRequest(
  deps: Deps,
  id: string,
  browserHash: string,
  signedIn: { account: Account; session: Session } | null,
): Promise<SsoRequestView> {
  const { request, client } = await liveRequest(deps, id, browserHash);
  const view: SsoRequestView = {
    id: request.id,
    client: { id: client.clientId, name: client.name },
    items: itemsForScopes(request.scopes),
    offline: request.scopes.includes('offline_access'),
    requiredLevel: request.minLevel,
    expiresAt: request.expiresAt,
    account: null,
  };
  if (signedIn) {
    const { account, session } = signedIn;
    const consent = await currentConsent(deps, account, client);
    view.account = {
      level: account.level,
      levelSatisfied: account.level >= request.minLevel,
      reauthenticate: needsReauthentication(request, session, deps.now),
      consentRemembered: !request.prompt.includes('consent') && !!consent && request.scopes.every((s) => consent.scopes.includes(s)),
      values: previewValues(request.scopes, account, await deps.registry.findCitizen(account.idNumber)),
    };
  }
  return view;
}

/**
 * The citizen's decision on a request. Approval makes a grant and a 60-second single-use
 * code, remembers the consent, and returns the portal's redirect URI with the code. An account
 * below the level the portal requires (whatever the answer) or a refusal returns it with the error.
 */
export async function decideRequest(
  deps: Deps,
  id: string,
  browserHash: string,
  signedIn: { account: Account; session: Session },
  approve: boolean,
): Promise<{ redirectTo: string }> {
  const { account, session } = signedIn;
  const { request: pending, client } = await liveRequest(deps, id, browserHash);
  if (approve && account.level >= pending.minLevel && needsReauthentication(pending, session, deps.now)) {
    throw new AppError('sso_reauthentication_required', 'The portal asks you to sign in again before continuing.');
  }
  // Decided once: of two racing decisions, one takes the request.
  const request = await takeAuthRequest(deps.db, id);
  if (!request) throw new AppError('sso_request_invalid', 'This sign-in request was already answered.');
  const redirect = { uri: request.redirectUri, state: request.state };

  // The portal learns why it got no code; the app told the citizen before they were sent back.
  if (account.level < request.minLevel) {
    return {
      redirectTo: authorizationResponseUrl(deps, redirect, {
        error: 'unmet_authentication_requirements',
        error_description: `This portal requires a level-${request.minLevel} account (${ACR[request.minLevel]}); the account is level ${account.level}.`,
      }),
    };
  }
  if (!approve) {
    return { redirectTo: authorizationResponseUrl(deps, redirect, { error: 'access_denied', error_description: 'The citizen declined to share their data.' }) };
  }

  // The code names the account's shard, where the grant and the code are kept (store/shard-keys.ts).
  const code = await deps.shards.newToken(account.idNumber);
  const grantId = newId();
  const earlier = await currentConsent(deps, account, client);
  const consented = [...new Set([...(earlier?.scopes ?? []), ...request.scopes])];
  const offline = request.scopes.includes('offline_access');
  const db = deps.shards.dbFor(account.idNumber);
  await db.batch([
    insertGrantStatement(db, {
      id: grantId,
      accountId: account.id,
      clientId: client.clientId,
      sub: await pairwiseSubject(deps.config.oidcPairwiseSecret, client.sectorId, account.id),
      scopes: request.scopes,
      level: account.level,
      authTime: session.createdAt,
      createdAt: deps.now,
      expiresAt: deps.now + (offline ? OFFLINE_GRANT_TTL_MS : CODE_TTL_MS + ACCESS_TOKEN_TTL_MS),
      revokedAt: null,
    }),
    insertCodeStatement(db, {
      codeHash: await sha256Base64Url(code),
      grantId,
      redirectUri: request.redirectUri,
      nonce: request.nonce,
      codeChallenge: request.codeChallenge,
      expiresAt: deps.now + CODE_TTL_MS,
      consumedAt: null,
    }),
    upsertConsentStatement(db, { accountId: account.id, clientId: client.clientId, scopes: consented, grantedAt: deps.now }),
    recordAudit(
      deps,
      { at: deps.now, actor: `account:${account.id}`, action: 'sso.approved', subject: account.id, detail: { clientId: client.clientId, scopes: request.scopes.join(' '), grantId } },
      db,
    ).statement,
  ]);
  return { redirectTo: authorizationResponseUrl(deps, redirect, { code }) };
}
