/**
 * A relying party for the provider tests: portals registered with the real domain function,
 * and `openid-client` (a real RP library, not our code) configured by discovery, its HTTP
 * calls routed to the worker (SELF) inside workerd. The browser steps between (the PWA's
 * consent API) are driven with a TestPhone's session cookie.
 */
import { env, SELF } from 'cloudflare:test';
import { exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { getConfig } from '../../../edge/config';
import { registerClient, type RegisterClientInput } from '../../../edge/domain/oidc/clients';
import type { SsoDecisionResponse, SsoLogoutResponse, SsoLogoutView, SsoRequestView } from '../../../shared/oidc';
import { api, ORIGIN, type ApiResult, type TestPhone } from './phone';
import { mainDb } from '../../../edge/http/app';
import { shardDb } from './shards';

export const ISSUER = ORIGIN;

export interface TestPortal {
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
  config: client.Configuration;
  /** For private_key_jwt portals: the key their assertions are signed with. */
  privateKey?: CryptoKey;
}

let counter = 0;

/** The worker as openid-client's fetch. Each call from its own address, so per-client limits are what is tested. */
export const viaWorker: client.CustomFetch = (url, options) =>
  SELF.fetch(url, { ...(options as RequestInit), headers: withAddress(options.headers as Headers | Record<string, string>) });

function withAddress(headers: Headers | Record<string, string>): Headers {
  const h = new Headers(headers);
  h.set('cf-connecting-ip', `203.0.113.${Math.floor(Math.random() * 254) + 1}`);
  return h;
}

/** Registers a portal (the real registerClient) and configures openid-client for it by discovery. */
export async function createPortal(
  opts: Partial<Omit<RegisterClientInput, 'redirectUris'>> & { redirectUris?: string[]; fetch?: client.CustomFetch } = {},
): Promise<TestPortal> {
  const n = ++counter;
  const authMethod = opts.authMethod ?? 'client_secret_basic';
  const redirectUri = opts.redirectUris?.[0] ?? `https://portal-${n}.example.vn/callback`;
  let privateKey: CryptoKey | undefined;
  let jwks = opts.jwks;
  if (authMethod === 'private_key_jwt' && !jwks) {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey as CryptoKey;
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kty: 'EC', kid: `portal-${n}`, alg: 'ES256', use: 'sig' }] };
  }
  const { client: registered, clientSecret } = await registerClient(
    { db: mainDb(env), now: Date.now() },
    {
      clientId: opts.clientId ?? `test-portal-${n}-${crypto.randomUUID().slice(0, 8)}`,
      name: opts.name ?? `Cổng thử nghiệm ${n}`,
      authMethod,
      redirectUris: opts.redirectUris ?? [redirectUri],
      postLogoutRedirectUris: opts.postLogoutRedirectUris ?? [`https://portal-${n}.example.vn/`],
      scopes: opts.scopes ?? ['openid', 'profile', 'phone'],
      sectorId: opts.sectorId,
      jwks,
    },
  );
  return configurePortal({ clientId: registered.clientId, clientSecret, authMethod, redirectUri, privateKey, fetch: opts.fetch });
}

/** openid-client configured by discovery for a portal registered by any means (the officer API too). */
export async function configurePortal(p: {
  clientId: string;
  clientSecret: string | null;
  authMethod: RegisterClientInput['authMethod'];
  redirectUri: string;
  privateKey?: CryptoKey | undefined;
  fetch?: client.CustomFetch | undefined;
}): Promise<TestPortal> {
  const auth =
    p.authMethod === 'client_secret_basic'
      ? client.ClientSecretBasic(p.clientSecret!)
      : p.authMethod === 'client_secret_post'
        ? client.ClientSecretPost(p.clientSecret!)
        : p.authMethod === 'private_key_jwt'
          ? client.PrivateKeyJwt(p.privateKey!)
          : client.None();
  // enableNonRepudiationChecks: the library verifies every ID token's signature against our JWKS
  // (by default it may trust TLS for a token-endpoint response, OIDC Core §3.1.3.7 step 6).
  const config = await client.discovery(new URL(ISSUER), p.clientId, undefined, auth, {
    [client.customFetch]: p.fetch ?? viaWorker,
    execute: [client.enableNonRepudiationChecks],
  });
  return { clientId: p.clientId, clientSecret: p.clientSecret, redirectUri: p.redirectUri, config, privateKey: p.privateKey };
}

/** What an RP keeps between sending the citizen away and the callback. */
export interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  url: URL;
}

export async function authorizationUrl(portal: TestPortal, params: Record<string, string> = {}): Promise<Pending> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(portal.config, {
    redirect_uri: portal.redirectUri,
    scope: 'openid profile phone',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { verifier, state, nonce, url };
}

/** The browser visits the authorization endpoint (no redirects followed). */
export async function visitAuthorize(url: URL | string, cookie = ''): Promise<Response> {
  return SELF.fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}

/** Follows the authorization endpoint to the PWA: returns the request id and this browser's binding cookie. */
export async function startSignIn(pending: Pending): Promise<{ requestId: string; browserCookie: string }> {
  const res = await visitAuthorize(pending.url);
  if (res.status !== 302) throw new Error(`authorize ${res.status}: ${await res.text()}`);
  const location = new URL(res.headers.get('location')!, ISSUER);
  if (location.pathname !== '/sso') throw new Error(`authorize redirected to ${location.href}`);
  const browserCookie = res.headers.get('set-cookie')!.match(/(__Host-vneid_sso=[^;]+)/)![1]!;
  return { requestId: location.searchParams.get('request')!, browserCookie };
}

export function cookies(...parts: string[]): string {
  return parts.filter(Boolean).join('; ');
}

export function viewRequest(requestId: string, cookie: string): Promise<ApiResult<SsoRequestView>> {
  return api<SsoRequestView>(`/api/sso/requests/${requestId}`, { cookie });
}

export function decide(requestId: string, cookie: string, approve: boolean): Promise<ApiResult<SsoDecisionResponse>> {
  return api<SsoDecisionResponse>(`/api/sso/requests/${requestId}/decision`, { body: { approve }, cookie });
}

/** The whole front channel: authorize → (PWA) consent as the phone's citizen → the portal's callback URL. */
export async function frontChannel(phone: TestPhone, pending: Pending): Promise<URL> {
  const { requestId, browserCookie } = await startSignIn(pending);
  const res = await decide(requestId, cookies(phone.cookie, browserCookie), true);
  if (res.status !== 200) throw new Error(`decision ${res.status}: ${JSON.stringify(res.body)}`);
  return new URL(res.body.redirectTo);
}

/**
 * A portal sends the browser to the end-session endpoint (no cookies: a navigation from
 * another site does not carry the SameSite=Strict session). Returns the hand-over to the
 * PWA's /sso/logout: the request id and this browser's binding cookie.
 */
export async function startLogout(url: URL | string, cookie = ''): Promise<{ requestId: string; browserCookie: string; response: Response }> {
  const response = await SELF.fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  if (response.status !== 302) throw new Error(`logout ${response.status}: ${await response.text()}`);
  const location = new URL(response.headers.get('location')!, ISSUER);
  if (location.pathname !== '/sso/logout') throw new Error(`logout redirected to ${location.href}`);
  const browserCookie = response.headers.get('set-cookie')!.match(/(__Host-vneid_sso=[^;]+)/)![1]!;
  return { requestId: location.searchParams.get('request')!, browserCookie, response };
}

/** The PWA's /sso/logout reads the request (same-origin: the session cookie is sent). */
export function viewLogout(requestId: string, cookie: string): Promise<ApiResult<SsoLogoutView>> {
  return api<SsoLogoutView>(`/api/sso/logout/${requestId}`, { cookie });
}

/** The PWA's answer: sign out (or stay), then where the browser goes. */
export function answerLogout(requestId: string, cookie: string, signOut: boolean): Promise<ApiResult<SsoLogoutResponse>> {
  return api<SsoLogoutResponse>(`/api/sso/logout/${requestId}`, { body: { signOut }, cookie });
}

/** A complete sign-in to a portal with openid-client: code + PKCE, ID token validated against the JWKS. */
export async function signInToPortal(phone: TestPhone, portal: TestPortal, params: Record<string, string> = {}) {
  const pending = await authorizationUrl(portal, params);
  const callback = await frontChannel(phone, pending);
  const tokens = await client.authorizationCodeGrant(portal.config, callback, {
    pkceCodeVerifier: pending.verifier,
    expectedState: pending.state,
    expectedNonce: pending.nonce,
    idTokenExpected: true,
  });
  return { tokens, claims: tokens.claims()!, pending, callback };
}

/** A raw token request (for the cases openid-client will not send). */
export async function tokenRequest(body: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, string>; headers: Headers }> {
  const res = await SELF.fetch(`${ISSUER}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.9', ...headers },
    body: new URLSearchParams(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string>, headers: res.headers };
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}`;
}

export async function setAccountLevel(accountId: string, level: 1 | 2): Promise<void> {
  await (await shardDb(accountId)).prepare('UPDATE accounts SET level = ? WHERE id = ?').bind(level, accountId).run();
}

/** The provider's configuration as the worker sees it (for the pairwise secret in assertions). */
export function providerConfig() {
  return getConfig(env);
}
