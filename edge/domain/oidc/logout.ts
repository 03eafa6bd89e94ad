/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). A portal sends the citizen
 * here with the ID token it received: the identity session in this browser ends when it is
 * the same citizen, and the browser goes back to a post-logout URI registered for that
 * portal, and only then.
 */
import * as v from 'valibot';
import { readClient } from '../../store/oidc-clients';
import type { Session } from '../../store/sessions';
import type { Deps } from '../deps';
import { pairwiseSubject } from './claims';
import { OAuthError } from './errors';
import { verifyOwnJwt } from './keys';

const LogoutParams = v.object({
  id_token_hint: v.optional(v.pipe(v.string(), v.maxLength(4096))),
  client_id: v.optional(v.pipe(v.string(), v.maxLength(128))),
  post_logout_redirect_uri: v.optional(v.pipe(v.string(), v.maxLength(512))),
  state: v.optional(v.pipe(v.string(), v.maxLength(1024))),
});

/**
 * Decides what a logout request does. Returns whether to end the session in this browser and
 * where to send it (null: show the signed-out page). Throws OAuthError (shown, not redirected)
 * for a hint we did not sign or a post-logout URI the portal did not register.
 */
export async function rpInitiatedLogout(
  deps: Deps,
  params: Record<string, string>,
  current: { session: Session } | null,
): Promise<{ endSession: boolean; redirectTo: string | null }> {
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

  const client = clientId ? await readClient(deps.db, clientId) : null;
  let redirectTo: string | null = null;
  if (p.post_logout_redirect_uri !== undefined) {
    // A disabled portal is sent nowhere: its registration is not trusted while it is off.
    if (!client || client.status !== 'active' || !client.postLogoutRedirectUris.includes(p.post_logout_redirect_uri)) {
      throw new OAuthError('invalid_request', 'post_logout_redirect_uri is not registered for this portal.');
    }
    const url = new URL(p.post_logout_redirect_uri);
    if (p.state !== undefined) url.searchParams.set('state', p.state);
    redirectTo = url.href;
  }

  // Only the citizen the portal named is signed out here: a hint for someone else ends nothing.
  let end = false;
  if (current && client && hintSub) {
    end = hintSub === (await pairwiseSubject(deps.config.oidcPairwiseSecret, client.sectorId, current.session.accountId));
  }
  return { endSession: end, redirectTo };
}
