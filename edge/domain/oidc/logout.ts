/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). A portal sends the citizen to
 * the end-session endpoint, usually with the ID token it received. The session cookie is
 * SameSite=Strict, so a navigation from a portal on another site never carries it: the
 * endpoint only validates the request and stores it, and the PWA's /sso/logout, on our
 * origin, reads it and ends the session with a same-origin POST — at once when the hint names
 * the citizen signed in here, after asking otherwise (§2: the OP MUST ask when there is no
 * id_token_hint or it does not belong to the current session). The browser then goes back to
 * a post-logout URI registered for that portal, with `state`, and only then.
 */
import * as v from 'valibot';
import type { SsoLogoutView } from '../../../shared/oidc';
import { readClient, type OidcClient } from '../../store/oidc-clients';
import { insertLogoutRequest, readLogoutRequest, takeLogoutRequest, type LogoutRequest } from '../../store/oidc-requests';
import type { Session } from '../../store/sessions';
import { newToken } from '../crypto';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { pairwiseSubject } from './claims';
import { OAuthError } from './errors';
import { verifyOwnJwt } from './keys';

/** How long the citizen has to answer the sign-out question. */
export const LOGOUT_REQUEST_TTL_MS = 10 * 60_000;

const LogoutParams = v.object({
  id_token_hint: v.optional(v.pipe(v.string(), v.maxLength(4096))),
  client_id: v.optional(v.pipe(v.string(), v.maxLength(128))),
  post_logout_redirect_uri: v.optional(v.pipe(v.string(), v.maxLength(512))),
  state: v.optional(v.pipe(v.string(), v.maxLength(1024))),
});

/** A disabled portal is sent nowhere and trusted with nothing: its registration does not hold while it is off. */
function activeClient(client: OidcClient | null): OidcClient | null {
  return client && client.status === 'active' ? client : null;
}

/**
 * Validates a logout request and stores it for the PWA. Throws OAuthError (shown as a page,
 * never redirected) for a hint we did not sign, a client_id that is not the hint's audience,
 * or a post-logout URI the portal did not register.
 */
export async function startLogout(deps: Deps, params: Record<string, string>, browserHash: string): Promise<{ requestId: string }> {
  const parsed = v.safeParse(LogoutParams, params);
  if (!parsed.success) throw new OAuthError('invalid_request', 'The logout request is malformed.');
  const p = parsed.output;

  let clientId = p.client_id ?? null;
  let hintSub: string | null = null;
  if (p.id_token_hint) {
    const claims = await verifyOwnJwt(deps.config, p.id_token_hint);
    if (!claims || typeof claims.sub !== 'string' || typeof claims.aud !== 'string') {
      throw new OAuthError('invalid_request', 'id_token_hint was not issued by this provider.');
    }
    if (clientId !== null && clientId !== claims.aud) throw new OAuthError('invalid_request', 'client_id does not match id_token_hint.');
    clientId = claims.aud;
    hintSub = claims.sub;
  }

  const client = activeClient(clientId ? await readClient(deps.db, clientId) : null);
  if (p.post_logout_redirect_uri !== undefined) {
    // Exact match against the portal's registration (§3); without a known portal, nowhere.
    if (!client || !client.postLogoutRedirectUris.includes(p.post_logout_redirect_uri)) {
      throw new OAuthError('invalid_request', 'post_logout_redirect_uri is not registered for this portal.');
    }
  }

  const request: LogoutRequest = {
    id: newToken(),
    clientId: client?.clientId ?? null,
    hintSub: client ? hintSub : null,
    postLogoutRedirectUri: p.post_logout_redirect_uri ?? null,
    state: p.state ?? null,
    browserHash,
    expiresAt: deps.now + LOGOUT_REQUEST_TTL_MS,
  };
  await insertLogoutRequest(deps.db, request);
  return { requestId: request.id };
}

function invalid(): AppError {
  return new AppError('sso_request_invalid', 'This sign-out request has expired or was opened in another browser. Go back to the portal.');
}

/** Whether the portal's hint names the citizen signed in here (their pairwise sub for that portal). */
async function hintNamesCitizen(deps: Deps, request: LogoutRequest, client: OidcClient | null, session: Session | null): Promise<boolean> {
  if (!session || !client || request.hintSub === null) return false;
  return request.hintSub === (await pairwiseSubject(deps.config.oidcPairwiseSecret, client.sectorId, session.accountId));
}

async function clientOf(deps: Deps, request: LogoutRequest): Promise<OidcClient | null> {
  return activeClient(request.clientId ? await readClient(deps.db, request.clientId) : null);
}

/** What the PWA shows: which portal, whether it must ask, and whether the browser goes back. */
export async function describeLogout(deps: Deps, id: string, browserHash: string, session: Session | null): Promise<SsoLogoutView> {
  const request = await readLogoutRequest(deps.db, id);
  // One answer for unknown, expired and another browser's request.
  if (!request || request.expiresAt <= deps.now || request.browserHash !== browserHash) throw invalid();
  const client = await clientOf(deps, request);
  return {
    id: request.id,
    client: client ? { id: client.clientId, name: client.name } : null,
    returnsToPortal: client !== null && request.postLogoutRedirectUri !== null,
    signedIn: session !== null,
    confirm: session !== null && !(await hintNamesCitizen(deps, request, client, session)),
  };
}

/**
 * The PWA's answer (a same-origin POST, CSRF-guarded): the request is used up, the session
 * ends if the citizen chose to sign out, and the browser is sent back to the portal's
 * registered post-logout URI with `state` (the portal, disabled since, gets nothing).
 */
export async function finishLogout(
  deps: Deps,
  id: string,
  browserHash: string,
  signOut: boolean,
): Promise<{ endSession: boolean; redirectTo: string | null }> {
  const request = await takeLogoutRequest(deps.db, id, browserHash);
  if (!request || request.expiresAt <= deps.now) throw invalid();
  const client = await clientOf(deps, request);
  let redirectTo: string | null = null;
  if (client && request.postLogoutRedirectUri !== null && client.postLogoutRedirectUris.includes(request.postLogoutRedirectUri)) {
    const url = new URL(request.postLogoutRedirectUri);
    if (request.state !== null) url.searchParams.set('state', request.state);
    redirectTo = url.href;
  }
  return { endSession: signOut, redirectTo };
}
