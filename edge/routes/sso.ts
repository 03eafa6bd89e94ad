/**
 * Single sign-on from the citizen's app: the pending request the consent screen shows, the
 * decision, the portals allowed (revocable), the sharing history, and a portal's sign-out
 * request (/sso/logout). App errors here are the usual `{ error: { code, message } }`.
 */
import * as v from 'valibot';
import {
  SsoDecisionRequest,
  SsoLogoutRequest,
  type SsoConsent,
  type SsoDecisionResponse,
  type SsoDisclosure,
  type SsoLogoutResponse,
  type SsoLogoutView,
  type SsoRequestView,
} from '../../shared/oidc';
import { AppError } from '../domain/errors';
import { decideRequest, describeRequest } from '../domain/oidc/authorization';
import { listPortalConsents, listSharingHistory, revokePortalConsent } from '../domain/oidc/consent';
import { describeLogout, finishLogout } from '../domain/oidc/logout';
import { endSession, resolveSession } from '../domain/sessions';
import { createRouter, depsFor, type AppContext } from '../http/app';
import { clearSessionCookie, requireSession, sessionToken } from '../http/session';
import { browserBinding } from '../http/sso-browser';
import { readJson } from '../http/validate';

const RequestId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));
const ClientId = v.pipe(v.string(), v.minLength(1), v.maxLength(128));

function requestId(c: AppContext): string {
  const id = c.req.param('id');
  if (!v.is(RequestId, id)) throw new AppError('sso_request_invalid', 'This sign-in request is not valid. Go back to the portal and start again.');
  return id;
}

export const sso = createRouter()
  // Works signed out too (the sign-in screen names the portal); `account` is filled in once signed in.
  .get('/requests/:id', async (c) => {
    const deps = depsFor(c);
    const id = requestId(c);
    const token = sessionToken(c);
    const signedIn = token ? await resolveSession(deps, token) : null;
    const view: SsoRequestView = await describeRequest(deps, id, await browserBinding(c), signedIn);
    return c.json(view);
  })
  .post('/requests/:id/decision', requireSession, async (c) => {
    const id = requestId(c);
    const { approve } = await readJson(c, SsoDecisionRequest);
    const { account, session } = c.get('session')!;
    const result: SsoDecisionResponse = await decideRequest(depsFor(c), id, await browserBinding(c), { account, session }, approve);
    return c.json(result);
  })
  .get('/consents', requireSession, async (c) => {
    const consents: SsoConsent[] = await listPortalConsents(depsFor(c), c.get('session')!.account);
    return c.json({ consents });
  })
  .delete('/consents/:clientId', requireSession, async (c) => {
    const clientId = c.req.param('clientId');
    if (!v.is(ClientId, clientId)) throw new AppError('validation_failed', 'Invalid parameter: clientId.');
    await revokePortalConsent(depsFor(c), c.get('session')!.account, clientId);
    return c.body(null, 204);
  })
  .get('/history', requireSession, async (c) => {
    const history: SsoDisclosure[] = await listSharingHistory(depsFor(c), c.get('session')!.account);
    return c.json({ history });
  })
  // A portal's sign-out (RP-initiated logout), handed over by /oidc/logout; signed in or not.
  .get('/logout/:id', async (c) => {
    const deps = depsFor(c);
    const token = sessionToken(c);
    const signedIn = token ? await resolveSession(deps, token) : null;
    const view: SsoLogoutView = await describeLogout(deps, requestId(c), await browserBinding(c), signedIn?.session ?? null);
    return c.json(view);
  })
  // Same-origin, so the SameSite=Strict session cookie is here, and CSRF-guarded like every POST under /api.
  .post('/logout/:id', async (c) => {
    const deps = depsFor(c);
    const id = requestId(c);
    const { signOut } = await readJson(c, SsoLogoutRequest);
    const { endSession: end, redirectTo } = await finishLogout(deps, id, await browserBinding(c), signOut);
    const token = sessionToken(c);
    if (end && token) {
      await endSession(deps, token);
      clearSessionCookie(c);
    }
    const result: SsoLogoutResponse = { redirectTo };
    return c.json(result);
  });
