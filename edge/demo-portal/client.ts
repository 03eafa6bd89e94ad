/**
 * The demo portal's OpenID Connect client: an ordinary relying party built on `openid-client`.
 * It knows the provider only by its issuer URL and talks to it over OIDC; its HTTP calls go
 * in-process to the worker's own fetch (no network hop) through openid-client's customFetch.
 * Its registration is the one piece of provider code it uses (./registration.ts): `npm start`
 * seeds it as a confidential client (client_secret_basic) with a secret derived from the
 * session secret, and the worker registers it the same way on first use where the seed did
 * not run, so `npm start` alone is enough to try single sign-on. Once registered it is a
 * portal like any other in the officer console: it only adds its callback when the origin
 * changed, and never re-enables itself or resets its secret — a supervisor who disables it or
 * rotates its secret (which it cannot learn) takes it out of service.
 */
import * as client from 'openid-client';
import { getConfig } from '../config';
import { hmacBase64Url } from '../domain/crypto';
import { ensureClientRegistered } from '../domain/oidc/clients';
import type { Env } from '../env';
import { mainDb } from '../http/app';
import { DEMO_PORTAL, demoPortalRegistration } from './registration';

export { DEMO_PORTAL };

/** How the portal reaches the provider: the worker's own fetch. */
export type ProviderFetch = (request: Request, env: Env) => Promise<Response>;

export interface PortalSetup {
  config: client.Configuration;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** Key for the portal's signed cookies. */
  cookieSecret: string;
}

const setups = new WeakMap<Env, Promise<PortalSetup>>();

/** The portal's client configuration (discovery done once per worker instance). */
export function portalSetup(env: Env, provider: ProviderFetch): Promise<PortalSetup> {
  let pending = setups.get(env);
  if (!pending) {
    pending = createSetup(env, provider);
    pending.catch(() => setups.delete(env)); // try again on the next request
    setups.set(env, pending);
  }
  return pending;
}

async function createSetup(env: Env, provider: ProviderFetch): Promise<PortalSetup> {
  const { issuer, sessionSecret } = getConfig(env);
  const registration = await demoPortalRegistration(issuer, sessionSecret);
  const [redirectUri] = registration.redirectUris as [string];
  const [postLogoutRedirectUri] = registration.postLogoutRedirectUris as [string];
  const { clientSecret } = registration;
  await ensureClientRegistered({ db: mainDb(env), now: Date.now() }, registration);
  const inProcess: client.CustomFetch = (url, options) => provider(new Request(url, options as RequestInit), env);
  const config = await client.discovery(
    new URL(issuer),
    DEMO_PORTAL.clientId,
    { redirect_uris: [redirectUri], post_logout_redirect_uris: [postLogoutRedirectUri] },
    client.ClientSecretBasic(clientSecret),
    {
      [client.customFetch]: inProcess,
      // Local development serves the provider over http://localhost.
      // Verify ID-token signatures against the provider's JWKS, not only trust the channel.
      execute: issuer.startsWith('http://') ? [client.allowInsecureRequests, client.enableNonRepudiationChecks] : [client.enableNonRepudiationChecks],
    },
  );
  return { config, redirectUri, postLogoutRedirectUri, cookieSecret: await hmacBase64Url(sessionSecret, 'vneid:demo-portal:cookie-key') };
}
