// The OpenID Connect provider driven by openid-client (a real RP library) inside workerd,
// against real D1: discovery, code + PKCE, ID token checked against the JWKS, userinfo,
// pairwise subjects, consent remembered and revoked, refresh rotation, logout, the demo portal.
import { describe, expect, it } from 'vitest';
import { env, SELF } from 'cloudflare:test';
import * as client from 'openid-client';
import { ACR } from '../../shared/oidc';
import type { SsoConsent, SsoDisclosure } from '../../shared/oidc';
import { api, freshCitizen, ORIGIN, TestPhone } from './helpers/phone';
import {
  answerLogout,
  authorizationUrl,
  cookies,
  createPortal,
  decide,
  ISSUER,
  setAccountLevel,
  signInToPortal,
  startLogout,
  startSignIn,
  viewLogout,
  viewRequest,
  visitAuthorize,
} from './helpers/oidc';
import { allOnShards } from './helpers/shards';

async function citizenWithPhone() {
  const citizen = await freshCitizen();
  const phone = await TestPhone.create();
  const me = await phone.register(citizen);
  return { citizen, phone, me };
}

describe('OpenID Connect provider: the happy paths (openid-client against workerd + D1)', { timeout: 20_000 }, () => {
  it('publishes discovery metadata and an ES256 JWKS addressed by kid', async () => {
    const portal = await createPortal();
    const meta = portal.config.serverMetadata();
    expect(meta).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oidc/authorize`,
      token_endpoint: `${ISSUER}/oidc/token`,
      userinfo_endpoint: `${ISSUER}/oidc/userinfo`,
      jwks_uri: `${ISSUER}/oidc/jwks`,
      end_session_endpoint: `${ISSUER}/oidc/logout`,
      response_types_supported: ['code'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
      acr_values_supported: [ACR[1], ACR[2]],
      authorization_response_iss_parameter_supported: true,
    });
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
    const jwks = (await (await SELF.fetch(`${ISSUER}/oidc/jwks`)).json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: 'test-oidc-1' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('signs a citizen in with code + PKCE: the library validates the ID token against the JWKS; userinfo gives the claims of the scopes', async () => {
    const { citizen, phone, me } = await citizenWithPhone();
    const portal = await createPortal({ name: 'Cổng thuế điện tử (thử)' });
    const { tokens, claims, pending } = await signInToPortal(phone, portal);

    expect(claims).toMatchObject({ iss: ISSUER, aud: portal.clientId, nonce: pending.nonce, acr: ACR[1], amr: ['hwk', 'user', 'pop', 'mfa'] });
    expect(claims.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(claims.sub).not.toBe(me.accountId);
    expect(claims.exp - claims.iat).toBe(600);
    expect(Math.abs((claims.auth_time as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('openid profile phone');
    expect(tokens.refresh_token).toBeUndefined();
    // The ID token carries no personal data: that comes from UserInfo, by scope.
    expect(claims).not.toHaveProperty('name');

    const info = await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub);
    expect(info).toEqual({
      sub: claims.sub,
      name: citizen.fullName,
      birthdate: citizen.birthDate,
      gender: citizen.sex === 'F' ? 'female' : 'male',
      phone_number: citizen.phone,
      phone_number_verified: true,
    });

    // The app's sharing history and connected portals list the disclosure.
    const history = await api<{ history: SsoDisclosure[] }>('/api/sso/history', { cookie: phone.cookie });
    expect(history.status).toBe(200);
    expect(history.body.history).toEqual([
      expect.objectContaining({ clientId: portal.clientId, clientName: 'Cổng thuế điện tử (thử)', items: ['sub', 'acr', 'name', 'birthdate', 'gender', 'phone_number'], level: 1 }),
    ]);
    const consents = await api<{ consents: SsoConsent[] }>('/api/sso/consents', { cookie: phone.cookie });
    expect(consents.body.consents).toEqual([expect.objectContaining({ clientId: portal.clientId, clientName: 'Cổng thuế điện tử (thử)' })]);
  });

  it('shows the PWA exactly what goes to which portal, remembers the consent, and revoking it revokes the portal’s tokens', async () => {
    const { citizen, phone } = await citizenWithPhone();
    const portal = await createPortal({ name: 'Cổng bảo hiểm xã hội (thử)', scopes: ['openid', 'profile'] });
    const pending = await authorizationUrl(portal, { scope: 'openid profile' });
    const { requestId, browserCookie } = await startSignIn(pending);

    // Signed out: the screen can name the portal and the data, not the values.
    const anonymous = await viewRequest(requestId, browserCookie);
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toMatchObject({
      client: { id: portal.clientId, name: 'Cổng bảo hiểm xã hội (thử)' },
      items: ['sub', 'acr', 'name', 'birthdate', 'gender'],
      requiredLevel: 1,
      offline: false,
      account: null,
    });
    const view = await viewRequest(requestId, cookies(phone.cookie, browserCookie));
    expect(view.body.account).toEqual({
      level: 1,
      levelSatisfied: true,
      reauthenticate: false,
      consentRemembered: false,
      values: { name: citizen.fullName, birthdate: citizen.birthDate, gender: citizen.sex === 'F' ? 'female' : 'male' },
    });
    const decision = await decide(requestId, cookies(phone.cookie, browserCookie), true);
    const callback = new URL(decision.body.redirectTo);
    expect(callback.origin + callback.pathname).toBe(portal.redirectUri);
    expect(callback.searchParams.get('state')).toBe(pending.state);
    expect(callback.searchParams.get('iss')).toBe(ISSUER);
    const tokens = await client.authorizationCodeGrant(portal.config, callback, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce });

    // The next sign-in to the same portal: consent remembered.
    const again = await startSignIn(await authorizationUrl(portal, { scope: 'openid profile' }));
    expect((await viewRequest(again.requestId, cookies(phone.cookie, again.browserCookie))).body.account?.consentRemembered).toBe(true);
    // …unless the portal asks for it again.
    const asked = await startSignIn(await authorizationUrl(portal, { scope: 'openid profile', prompt: 'consent' }));
    expect((await viewRequest(asked.requestId, cookies(phone.cookie, asked.browserCookie))).body.account?.consentRemembered).toBe(false);

    const revoked = await api(`/api/sso/consents/${portal.clientId}`, { method: 'DELETE', cookie: phone.cookie });
    expect(revoked.status).toBe(204);
    expect((await api<{ consents: SsoConsent[] }>('/api/sso/consents', { cookie: phone.cookie })).body.consents).toEqual([]);
    await expect(client.fetchUserInfo(portal.config, tokens.access_token, tokens.claims()!.sub)).rejects.toMatchObject({
      code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE',
    });
    expect((await viewRequest(again.requestId, cookies(phone.cookie, again.browserCookie))).body.account?.consentRemembered).toBe(false);
  });

  it('gives each portal its own pairwise sub for the same citizen, stable across sign-ins to one portal', async () => {
    const { phone } = await citizenWithPhone();
    const tax = await createPortal({ name: 'Cổng thuế (thử)' });
    const insurance = await createPortal({ name: 'Cổng bảo hiểm (thử)' });
    const a1 = (await signInToPortal(phone, tax)).claims.sub;
    const b1 = (await signInToPortal(phone, insurance)).claims.sub;
    const a2 = (await signInToPortal(phone, tax)).claims.sub;
    expect(a1).not.toBe(b1);
    expect(a2).toBe(a1);
    // Another citizen at the same portal: another sub.
    const other = await citizenWithPhone();
    expect((await signInToPortal(other.phone, tax)).claims.sub).not.toBe(a1);
  });

  it('releases the ID number only under vn_id_number, to a portal allowed it', async () => {
    const { citizen, phone } = await citizenWithPhone();
    const portal = await createPortal({ scopes: ['openid', 'vn_id_number'] });
    const { tokens, claims } = await signInToPortal(phone, portal, { scope: 'openid vn_id_number' });
    expect(await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub)).toEqual({ sub: claims.sub, vn_id_number: citizen.idNumber });
  });

  it('authenticates confidential portals by client_secret_post and private_key_jwt, and public portals by PKCE alone', async () => {
    const { phone } = await citizenWithPhone();
    for (const authMethod of ['client_secret_post', 'private_key_jwt', 'none'] as const) {
      const portal = await createPortal({ authMethod });
      const { tokens, claims } = await signInToPortal(phone, portal);
      expect(claims.aud).toBe(portal.clientId);
      expect((await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub)).sub).toBe(claims.sub);
    }
  });

  it('issues rotating refresh tokens under offline_access', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal({ scopes: ['openid', 'profile', 'offline_access'] });
    const { tokens, claims } = await signInToPortal(phone, portal, { scope: 'openid profile offline_access' });
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{48}$/);
    const next = await client.refreshTokenGrant(portal.config, tokens.refresh_token!);
    expect(next.refresh_token).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.claims()!.sub).toBe(claims.sub);
    expect((await client.fetchUserInfo(portal.config, next.access_token, claims.sub)).sub).toBe(claims.sub);
    const third = await client.refreshTokenGrant(portal.config, next.refresh_token!);
    expect(third.access_token).not.toBe(next.access_token);
  });

  it('signs in a level-2 account at a portal that requires level 2: acr is urn:vneid:loa:2', async () => {
    const { phone, me } = await citizenWithPhone();
    await setAccountLevel(me.accountId, 2);
    const portal = await createPortal();
    const pending = await authorizationUrl(portal, { acr_values: ACR[2] });
    const { requestId, browserCookie } = await startSignIn(pending);
    const view = await viewRequest(requestId, cookies(phone.cookie, browserCookie));
    expect(view.body).toMatchObject({ requiredLevel: 2, account: { level: 2, levelSatisfied: true } });
    const decision = await decide(requestId, cookies(phone.cookie, browserCookie), true);
    const tokens = await client.authorizationCodeGrant(portal.config, new URL(decision.body.redirectTo), {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
    });
    expect(tokens.claims()!.acr).toBe(ACR[2]);
  });

  it('ends the session through the PWA after the end-session endpoint, and returns to the registered post-logout URI with state', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const { tokens } = await signInToPortal(phone, portal);
    const url = client.buildEndSessionUrl(portal.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: portal.redirectUri.replace('/callback', '/'),
      state: 'bye',
    });
    // The portal's navigation carries no session cookie (SameSite=Strict): the endpoint hands over to /sso/logout.
    const { requestId, browserCookie, response } = await startLogout(url);
    expect(response.headers.get('location')).toBe(`/sso/logout?request=${requestId}`);
    // There, same-origin, the hint names the citizen signed in: nothing to ask.
    const view = await viewLogout(requestId, cookies(phone.cookie, browserCookie));
    expect(view.body).toEqual({ id: requestId, client: { id: portal.clientId, name: expect.any(String) }, returnsToPortal: true, signedIn: true, confirm: false });
    const answer = await answerLogout(requestId, cookies(phone.cookie, browserCookie), true);
    expect(answer.status).toBe(200);
    expect(answer.body.redirectTo).toBe(`${portal.redirectUri.replace('/callback', '/')}?state=bye`);
    expect(answer.headers.get('set-cookie')).toMatch(/__Host-vneid_session=;/);
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(401);
  });

  it('serves the demo portal, which signs in through openid-client in-process and shows the claims', async () => {
    const { citizen, phone } = await citizenWithPhone();
    const landing = await SELF.fetch(`${ORIGIN}/portal/`);
    expect(landing.status).toBe(200);
    const page = await landing.text();
    expect(page).toContain('Đăng nhập bằng tài khoản định danh điện tử');
    expect(page).not.toMatch(/<script|style=/i);
    const css = await SELF.fetch(`${ORIGIN}/portal/portal.css`);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);

    const login = await SELF.fetch(`${ORIGIN}/portal/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(login.status).toBe(303);
    const flowCookie = login.headers.get('set-cookie')!.match(/(vneid_demo_portal_flow=[^;]+)/)![1]!;
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.pathname).toBe('/oidc/authorize');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    const toPwa = await visitAuthorize(authorize);
    const requestId = new URL(toPwa.headers.get('location')!, ORIGIN).searchParams.get('request')!;
    const browserCookie = toPwa.headers.get('set-cookie')!.match(/(__Host-vneid_sso=[^;]+)/)![1]!;
    const view = await viewRequest(requestId, cookies(phone.cookie, browserCookie));
    expect(view.body.client.name).toBe('Cổng dịch vụ công (demo)');
    expect(view.body.items).toContain('vn_id_number');
    const decision = await decide(requestId, cookies(phone.cookie, browserCookie), true);

    const callback = await SELF.fetch(decision.body.redirectTo, { redirect: 'manual', headers: { cookie: flowCookie } });
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/portal/');
    const portalSession = callback.headers.get('set-cookie')!.match(/(vneid_demo_portal=[^;]+)/)![1]!;
    const signedIn = await (await SELF.fetch(`${ORIGIN}/portal/`, { headers: { cookie: portalSession } })).text();
    expect(signedIn).toContain(`Xin chào, <span data-claim="name">${citizen.fullName}</span>`);
    expect(signedIn).toContain(citizen.idNumber);
    expect(signedIn).toContain('urn:vneid:loa:1');
    expect(signedIn).toContain('hwk, user, pop, mfa');
    const disclosures = await allOnShards<{ client_name: string }>("SELECT client_name FROM oidc_disclosures WHERE client_id = 'demo-portal'");
    expect(disclosures.map((r) => r.client_name)).toContain('Cổng dịch vụ công (demo)');
  });
});
