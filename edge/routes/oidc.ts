/**
 * The OpenID Connect provider's protocol surface: discovery, JWKS, authorization, token,
 * userinfo and end-session. Errors here are OAuth's `{ error, error_description }` (RFC 6749
 * §5.2), which client libraries expect, not the app's `{ error: { code } }`; before a
 * portal's redirect URI is known good they are shown as a page and never redirected.
 */
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { fromBase64Url, fromUtf8 } from '../../shared/bytes';
import { AppError } from '../domain/errors';
import { authorizationResponseUrl, startAuthorization, type RawParams } from '../domain/oidc/authorization';
import type { ClientCredentials } from '../domain/oidc/clients';
import { OAuthError } from '../domain/oidc/errors';
import { publicJwks } from '../domain/oidc/keys';
import { startLogout } from '../domain/oidc/logout';
import { providerEndpoints, providerMetadata } from '../domain/oidc/metadata';
import { exchangeToken, userInfo } from '../domain/oidc/tokens';
import { createRouter, depsFor, type AppContext } from '../http/app';
import { htmlPage, PROVIDER_CSS, type Html } from '../http/html';
import { bindBrowser } from '../http/sso-browser';

/** OAuth errors are 400 unless RFC 6749 §5.2 / RFC 6750 §3.1 say otherwise. */
function oauthStatus(err: OAuthError): ContentfulStatusCode {
  if (err.retryAfter !== undefined) return 429;
  if (err.error === 'invalid_client' || err.error === 'invalid_token') return 401;
  if (err.error === 'server_error') return 500;
  return 400;
}

function oauthErrorResponse(c: AppContext, err: OAuthError): Response {
  if (err.error === 'invalid_client' && c.req.header('authorization')?.toLowerCase().startsWith('basic ')) {
    c.header('WWW-Authenticate', 'Basic realm="vneid", charset="UTF-8"');
  }
  if (err.error === 'invalid_token') c.header('WWW-Authenticate', `Bearer realm="vneid", error="invalid_token"`);
  if (err.retryAfter !== undefined) c.header('Retry-After', String(err.retryAfter));
  c.header('Cache-Control', 'no-store');
  return c.json({ error: err.error, error_description: err.description }, oauthStatus(err));
}

function oauthOnError(err: Error, c: AppContext): Response {
  if (err instanceof OAuthError) return oauthErrorResponse(c, err);
  if (err instanceof AppError) return oauthErrorResponse(c, new OAuthError('invalid_request', err.message));
  console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId'), path: c.req.path, error: err.name, message: err.message, stack: err.stack }));
  return oauthErrorResponse(c, new OAuthError('server_error', 'Something went wrong on our side.'));
}

/** The provider's own page: an error that must not be redirected. */
function providerPage(c: AppContext, status: ContentfulStatusCode, body: Html, title: string): Response | Promise<Response> {
  c.header('Cache-Control', 'no-store');
  return c.html(htmlPage({ title, stylesheet: '/oidc/page.css', body }), status);
}

function errorPage(c: AppContext, err: OAuthError, what: 'sign-in' | 'logout' = 'sign-in') {
  const title = what === 'logout' ? 'Không thể đăng xuất theo yêu cầu này' : 'Không thể tiếp tục đăng nhập';
  return providerPage(
    c,
    400,
    what === 'logout'
      ? html`<main><div class="card error" role="alert">
<h1>${title}</h1>
<p>Yêu cầu đăng xuất do cổng dịch vụ gửi tới không hợp lệ, nên bạn không được chuyển tiếp đi đâu cả và không có gì thay đổi. Hãy quay lại trang của cổng dịch vụ; nếu vẫn lỗi, hãy báo cho cổng dịch vụ.</p>
<p lang="en" class="detail">The portal's sign-out request is not valid: nothing changed and you were not sent anywhere.</p>
<p class="detail"><code>${err.error}</code>: ${err.description}</p>
</div></main>`
      : html`<main><div class="card error" role="alert">
<h1>${title}</h1>
<p>Yêu cầu đăng nhập do cổng dịch vụ gửi tới không hợp lệ, nên bạn không được chuyển tiếp đi đâu cả. Hãy quay lại trang của cổng dịch vụ và thử lại; nếu vẫn lỗi, hãy báo cho cổng dịch vụ.</p>
<p lang="en" class="detail">Sign-in cannot continue: the portal's request is not valid, so you were not sent anywhere.</p>
<p class="detail"><code>${err.error}</code>: ${err.description}</p>
</div></main>`,
    title,
  );
}

/** Every value of every parameter; parameters without a value count as absent (OIDC Core §3.1.2.1). */
// Parameter names are the caller's: no prototype, so "valueOf" or "__proto__" is just a name.
function rawParams(search: URLSearchParams): RawParams {
  const out: RawParams = Object.create(null) as RawParams;
  for (const [name, value] of search) if (value !== '') (out[name] ??= []).push(value);
  return out;
}

async function requestParams(c: AppContext): Promise<URLSearchParams> {
  if (c.req.method !== 'POST') return new URL(c.req.url).searchParams;
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
  }
  return new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
}

/** Single-valued parameters; one that appears twice is refused (RFC 6749 §3.1, §3.2). */
function singleParams(search: URLSearchParams): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, values] of Object.entries(rawParams(search))) {
    if (values.length > 1) throw new OAuthError('invalid_request', `${name} must not appear more than once.`);
    out[name] = values[0]!;
  }
  return out;
}

/** `Authorization: Basic` client credentials, form-urlencoded inside (RFC 6749 §2.3.1). */
function basicCredentials(c: AppContext): ClientCredentials['basic'] {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const m = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  const decoded = m ? fromBase64Url(m[1]!.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')) : null;
  let text: string | null = null;
  try {
    text = decoded ? fromUtf8(decoded) : null;
  } catch {
    text = null;
  }
  const colon = text?.indexOf(':') ?? -1;
  if (!text || colon < 1) throw new OAuthError('invalid_client', 'The Authorization header is malformed.');
  const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { clientId: formDecode(text.slice(0, colon)), clientSecret: formDecode(text.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_client', 'The Authorization header is malformed.');
  }
}

/** Public metadata: any origin may read it (a single-page portal fetches it). */
const publicCors = cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 });

export const oidcDiscovery = createRouter()
  .use('*', publicCors)
  .get('/', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(providerMetadata(depsFor(c).config));
  });

export const oidc = createRouter();
oidc.onError(oauthOnError);
oidc.use('/jwks', publicCors);
oidc.use('/token', publicCors);
oidc.use('/userinfo', publicCors);
oidc.use(
  '*',
  bodyLimit({ maxSize: 16 * 1024, onError: (c) => oauthErrorResponse(c, new OAuthError('invalid_request', 'The request is too large.')) }),
);

oidc.get('/page.css', (c) => {
  c.header('Content-Type', 'text/css; charset=utf-8');
  c.header('Cache-Control', 'public, max-age=3600');
  return c.body(PROVIDER_CSS);
});

oidc.get('/jwks', (c) => {
  c.header('Cache-Control', 'public, max-age=300');
  return c.json(publicJwks(depsFor(c).config));
});

/**
 * Authorization endpoint (OIDC Core §3.1.2.1): validate, store, and hand the request to the
 * PWA's sign-in and consent screen at /sso.
 */
oidc.on(['GET', 'POST'], '/authorize', async (c) => {
  const deps = depsFor(c);
  c.header('Cache-Control', 'no-store');
  try {
    const params = rawParams(await requestParams(c));
    const { requestId } = await startAuthorization(deps, params, await bindBrowser(c));
    return c.redirect(`/sso?request=${encodeURIComponent(requestId)}`, 302);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    if (err.redirect) return c.redirect(authorizationResponseUrl(deps, err.redirect, { error: err.error, error_description: err.description }), 302);
    return errorPage(c, err);
  }
});

/** Token endpoint (RFC 6749 §3.2): client authentication, then the code or refresh grant. */
oidc.post('/token', async (c) => {
  const deps = depsFor(c);
  const params = singleParams(await requestParams(c));
  const creds: ClientCredentials = {
    basic: basicCredentials(c),
    clientId: params.client_id,
    clientSecret: params.client_secret,
    clientAssertionType: params.client_assertion_type,
    clientAssertion: params.client_assertion,
  };
  const tokens = await exchangeToken(deps, creds, params, providerEndpoints(deps.config));
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
  return c.json(tokens);
});

/** UserInfo (OIDC Core §5.3): the bearer token in the Authorization header, or in a POST form body (RFC 6750 §2.2). */
oidc.on(['GET', 'POST'], '/userinfo', async (c) => {
  const header = c.req.header('authorization');
  let token: string | undefined;
  if (header) {
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
    if (!m) throw new OAuthError('invalid_token', 'Send the access token as "Authorization: Bearer <token>".');
    token = m[1];
  } else if (c.req.method === 'POST') {
    token = singleParams(await requestParams(c)).access_token;
  }
  if (!token) throw new OAuthError('invalid_token', 'An access token is required.');
  const claims = await userInfo(depsFor(c), token);
  c.header('Cache-Control', 'no-store');
  return c.json(claims);
});

/**
 * End-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2): validate and store, and
 * hand the request to the PWA's /sso/logout. The session cookie (SameSite=Strict) is not sent
 * on a portal's cross-site navigation, so the session is ended there, same-origin.
 */
oidc.on(['GET', 'POST'], '/logout', async (c) => {
  const deps = depsFor(c);
  c.header('Cache-Control', 'no-store');
  try {
    const params = singleParams(await requestParams(c));
    const { requestId } = await startLogout(deps, params, await bindBrowser(c));
    return c.redirect(`/sso/logout?request=${encodeURIComponent(requestId)}`, 302);
  } catch (err) {
    if (err instanceof OAuthError) return errorPage(c, err, 'logout');
    throw err;
  }
});
