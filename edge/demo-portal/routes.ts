/**
 * "Cổng dịch vụ công (demo)": a relying party served under /portal/ by the same worker, so a
 * person can try single sign-on with `npm start` alone. Code flow with PKCE, state and nonce
 * (openid-client), a confidential client; its state lives in its own signed cookies. Not
 * served in production.
 */
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import * as client from 'openid-client';
import { getConfig } from '../config';
import { createRouter, type AppContext } from '../http/app';
import { errorResponse } from '../http/errors';
import { DEMO_PORTAL, portalSetup, type PortalSetup, type ProviderFetch } from './client';
import { landingPage, PORTAL_CSS, providerErrorText, signedInPage, type PortalSession } from './views';

const FLOW_COOKIE = 'vneid_demo_portal_flow';
const SESSION_COOKIE = 'vneid_demo_portal';
const FLOW_TTL_S = 10 * 60;
const SESSION_TTL_S = 60 * 60;
const cookieOptions = (maxAge: number) => ({ httpOnly: true, secure: true, sameSite: 'Lax' as const, path: '/portal', maxAge });

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
}

async function readSigned<T>(c: AppContext, setup: PortalSetup, name: string): Promise<T | null> {
  const value = await getSignedCookie(c, setup.cookieSecret, name);
  if (!value) return null;
  try {
    return JSON.parse(value) as T;
  } catch {
    return null;
  }
}

/** The portal's routes, with their full paths (mount at "/"): its home is "/portal/", with the slash. */
export function createDemoPortal(provider: ProviderFetch) {
  const portal = createRouter();

  portal.use('/portal/*', async (c, next) => {
    if (!getConfig(c.env).demoPortal) return errorResponse(c, 'not_found', 'Not found.');
    await next();
  });
  // Its forms post only from its own pages. A form post under `Referrer-Policy: no-referrer`
  // carries `Origin: null`, so Fetch Metadata decides when the origin is hidden.
  portal.use('/portal/*', async (c, next) => {
    if (c.req.method === 'POST') {
      const origin = c.req.header('origin');
      const sameOrigin = origin && origin !== 'null' ? getConfig(c.env).origins.includes(origin) : c.req.header('sec-fetch-site') === 'same-origin';
      if (!sameOrigin) return errorResponse(c, 'csrf_rejected', 'This form did not come from the portal.');
    }
    await next();
  });

  portal.get('/portal', (c) => c.redirect('/portal/', 301));

  portal.get('/portal/portal.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(PORTAL_CSS);
  });

  portal.get('/portal/', async (c) => {
    const setup = await portalSetup(c.env, provider);
    c.header('Cache-Control', 'no-store');
    const session = await readSigned<PortalSession>(c, setup, SESSION_COOKIE);
    if (session) return c.html(signedInPage(session));
    const error = c.req.query('error');
    const notice = error
      ? { kind: 'error' as const, text: providerErrorText(error) }
      : c.req.query('signed_out') !== undefined || c.req.query('state') === 'signed-out'
        ? { kind: 'info' as const, text: 'Bạn đã đăng xuất.' }
        : null;
    return c.html(landingPage(notice));
  });

  portal.post('/portal/login', async (c) => {
    const setup = await portalSetup(c.env, provider);
    // A body that is not a form (a malformed multipart one throws) is an empty form: level 1.
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const flow: Flow = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
    const parameters: Record<string, string> = {
      redirect_uri: setup.redirectUri,
      scope: DEMO_PORTAL.scope,
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    };
    if (form.level === '2') parameters.acr_values = 'urn:vneid:loa:2';
    await setSignedCookie(c, FLOW_COOKIE, JSON.stringify(flow), setup.cookieSecret, cookieOptions(FLOW_TTL_S));
    return c.redirect(client.buildAuthorizationUrl(setup.config, parameters).href, 303);
  });

  portal.get('/portal/callback', async (c) => {
    const setup = await portalSetup(c.env, provider);
    const flow = await readSigned<Flow>(c, setup, FLOW_COOKIE);
    deleteCookie(c, FLOW_COOKIE, { path: '/portal', secure: true });
    const error = c.req.query('error');
    if (error) return c.redirect(`/portal/?error=${encodeURIComponent(error)}`, 303);
    if (!flow) return c.redirect('/portal/?error=expired', 303);
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    let userinfo: client.UserInfoResponse;
    try {
      // The library checks state, iss, PKCE, the ID token's signature against the JWKS, aud, nonce, exp.
      tokens = await client.authorizationCodeGrant(setup.config, new URL(c.req.url), {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      userinfo = await client.fetchUserInfo(setup.config, tokens.access_token, tokens.claims()!.sub);
    } catch (err) {
      console.error(JSON.stringify({ level: 'warn', requestId: c.get('requestId'), path: c.req.path, error: err instanceof Error ? err.name : 'unknown', message: err instanceof Error ? err.message : '' }));
      return c.redirect('/portal/?error=failed', 303);
    }
    const idClaims = tokens.claims()!;
    const session: PortalSession = {
      claims: { ...userinfo },
      idToken: {
        iss: idClaims.iss,
        sub: idClaims.sub,
        acr: typeof idClaims.acr === 'string' ? idClaims.acr : undefined,
        amr: Array.isArray(idClaims.amr) ? idClaims.amr.map(String) : undefined,
        authTime: typeof idClaims.auth_time === 'number' ? idClaims.auth_time : undefined,
        raw: tokens.id_token!,
      },
      signedInAt: Date.now(),
    };
    await setSignedCookie(c, SESSION_COOKIE, JSON.stringify(session), setup.cookieSecret, cookieOptions(SESSION_TTL_S));
    return c.redirect('/portal/', 303);
  });

  portal.post('/portal/logout', async (c) => {
    const setup = await portalSetup(c.env, provider);
    const session = await readSigned<PortalSession>(c, setup, SESSION_COOKIE);
    deleteCookie(c, SESSION_COOKIE, { path: '/portal', secure: true });
    if (!session) return c.redirect('/portal/', 303);
    const url = client.buildEndSessionUrl(setup.config, {
      id_token_hint: session.idToken.raw,
      post_logout_redirect_uri: setup.postLogoutRedirectUri,
      state: 'signed-out',
    });
    return c.redirect(url.href, 303);
  });

  return portal;
}
