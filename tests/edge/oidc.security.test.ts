// Hostile cases against the OpenID Connect provider, one attack per test, driven by
// openid-client where a real RP would be involved and by raw requests where a library
// refuses to send the attack. Real worker in workerd, real D1.
import { describe, expect, it } from 'vitest';
import { env, SELF } from 'cloudflare:test';
import { SignJWT, generateKeyPair, exportJWK } from 'jose';
import * as client from 'openid-client';
import { sha256Base64Url } from '../../edge/domain/crypto';
import { toBase64Url, utf8 } from '../../shared/bytes';
import { ACR } from '../../shared/oidc';
import { api, freshCitizen, TestPhone } from './helpers/phone';
import {
  answerLogout,
  authorizationUrl,
  basic,
  cookies,
  createPortal,
  decide,
  frontChannel,
  ISSUER,
  signInToPortal,
  startLogout,
  startSignIn,
  tokenRequest,
  viaWorker,
  viewLogout,
  viewRequest,
  visitAuthorize,
} from './helpers/oidc';
import { shardDb } from './helpers/shards';

async function citizenWithPhone() {
  const citizen = await freshCitizen();
  const phone = await TestPhone.create();
  const me = await phone.register(citizen);
  return { citizen, phone, me };
}

/** An unsigned JWT: header {"alg":"none"}, empty signature. */
function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => toBase64Url(utf8(JSON.stringify(o)));
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

function expectPage(res: Response) {
  expect(res.status).toBe(400);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
}

function errorOf(res: Response): { error: string | null; description: string | null; state: string | null } {
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  return { error: location.searchParams.get('error'), description: location.searchParams.get('error_description'), state: location.searchParams.get('state') };
}

describe('OpenID Connect provider: refusals', { timeout: 20_000 }, () => {
  it('wrong redirect URI: shown as an error page, never redirected (RFC 6749 §4.1.2.1)', async () => {
    const portal = await createPortal();
    for (const redirect_uri of [
      'https://attacker.example/callback',
      `${portal.redirectUri}/`, // not a prefix match
      `${portal.redirectUri}?next=https://attacker.example`, // not with extra query
      portal.redirectUri.toUpperCase(), // exact string comparison
    ]) {
      const { url } = await authorizationUrl(portal, { redirect_uri });
      const res = await visitAuthorize(url);
      expectPage(res);
      expect(await res.text()).toContain('redirect_uri');
    }
    // A missing redirect_uri and an unknown client are pages too.
    const { url } = await authorizationUrl(portal);
    url.searchParams.delete('redirect_uri');
    expectPage(await visitAuthorize(url));
    url.searchParams.set('redirect_uri', portal.redirectUri);
    url.searchParams.set('client_id', 'no-such-portal');
    expectPage(await visitAuthorize(url));
    // A duplicated redirect_uri cannot be trusted either.
    const dup = (await authorizationUrl(portal)).url;
    dup.searchParams.append('redirect_uri', 'https://attacker.example/callback');
    expectPage(await visitAuthorize(dup));
  });

  it('PKCE is required with S256; plain and a missing challenge are refused', async () => {
    const portal = await createPortal();
    const plain = await authorizationUrl(portal, { code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) });
    expect(errorOf(await visitAuthorize(plain.url))).toMatchObject({ error: 'invalid_request', state: plain.state });
    const none = await authorizationUrl(portal);
    none.url.searchParams.delete('code_challenge');
    none.url.searchParams.delete('code_challenge_method');
    expect(errorOf(await visitAuthorize(none.url)).error).toBe('invalid_request');
  });

  it('code reuse: the second redemption fails and revokes the tokens of the first', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const pending = await authorizationUrl(portal);
    const callback = await frontChannel(phone, pending);
    const checks = { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce };
    const first = await client.authorizationCodeGrant(portal.config, callback, checks);
    await expect(client.authorizationCodeGrant(portal.config, callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.fetchUserInfo(portal.config, first.access_token, first.claims()!.sub)).rejects.toMatchObject({
      code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE',
    });
  });

  it('wrong PKCE verifier: refused, and the code is used up', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const pending = await authorizationUrl(portal);
    const callback = await frontChannel(phone, pending);
    await expect(
      client.authorizationCodeGrant(portal.config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: pending.state }),
    ).rejects.toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/code_verifier/) });
    await expect(
      client.authorizationCodeGrant(portal.config, callback, { pkceCodeVerifier: pending.verifier, expectedState: pending.state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('expired code: refused after its 60 seconds', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const pending = await authorizationUrl(portal);
    const callback = await frontChannel(phone, pending);
    const code = callback.searchParams.get('code')!;
    const row = await (await shardDb(code)).prepare('SELECT expires_at FROM oidc_codes WHERE code_hash = ?').bind(await sha256Base64Url(code)).first<{ expires_at: number }>();
    expect(row!.expires_at - Date.now()).toBeLessThanOrEqual(60_000);
    await (await shardDb(code)).prepare('UPDATE oidc_codes SET expires_at = ? WHERE code_hash = ?').bind(Date.now() - 1, await sha256Base64Url(code)).run();
    await expect(
      client.authorizationCodeGrant(portal.config, callback, { pkceCodeVerifier: pending.verifier, expectedState: pending.state }),
    ).rejects.toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
  });

  it('wrong client secret: invalid_client (401); a confidential portal cannot fall back to no authentication', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const pending = await authorizationUrl(portal);
    const callback = await frontChannel(phone, pending);
    const code = callback.searchParams.get('code')!;
    const params = { grant_type: 'authorization_code', code, redirect_uri: portal.redirectUri, code_verifier: pending.verifier };
    const wrong = await tokenRequest(params, { authorization: basic(portal.clientId, `${portal.clientSecret}x`) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    const unauthenticated = await tokenRequest({ ...params, client_id: portal.clientId });
    expect(unauthenticated.status).toBe(401);
    const viaPost = await tokenRequest({ ...params, client_id: portal.clientId, client_secret: portal.clientSecret! });
    expect(viaPost.body.error).toBe('invalid_client'); // registered for client_secret_basic only
    // The library with a wrong secret fails the same way.
    const impostor = await client.discovery(new URL(ISSUER), portal.clientId, undefined, client.ClientSecretBasic('not-the-secret-0123456789abcdef01234'), {
      [client.customFetch]: viaWorker,
    });
    // (RFC 6749 §5.2: a 401 with a Basic challenge, which the library reports as such.)
    await expect(client.authorizationCodeGrant(impostor, callback, { pkceCodeVerifier: pending.verifier, expectedState: pending.state })).rejects.toMatchObject({
      status: 401,
      code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE',
    });
    // The code survived the failed client authentications: the real portal can still redeem it.
    const ok = await tokenRequest(params, { authorization: basic(portal.clientId, portal.clientSecret!) });
    expect(ok.status).toBe(200);
  });

  it('a code issued to one portal cannot be redeemed by another', async () => {
    const { phone } = await citizenWithPhone();
    const victim = await createPortal();
    const thief = await createPortal({ redirectUris: [victim.redirectUri] });
    const pending = await authorizationUrl(victim);
    const callback = await frontChannel(phone, pending);
    await expect(
      client.authorizationCodeGrant(thief.config, callback, { pkceCodeVerifier: pending.verifier, expectedState: pending.state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('redirect_uri swapped at the token endpoint: a code asked for one redirect URI is refused for another (invalid_grant, RFC 6749 §4.1.3), and is used up', async () => {
    const { phone } = await citizenWithPhone();
    const first = `https://portal-swap-${crypto.randomUUID().slice(0, 8)}.example.vn/callback`;
    const second = first.replace('/callback', '/other-callback'); // registered too: still not the one asked for
    const portal = await createPortal({ redirectUris: [first, second] });
    const pending = await authorizationUrl(portal);
    const callback = await frontChannel(phone, pending);
    const code = callback.searchParams.get('code')!;
    const redeem = (redirect_uri: string) =>
      tokenRequest({ grant_type: 'authorization_code', code, redirect_uri, code_verifier: pending.verifier }, { authorization: basic(portal.clientId, portal.clientSecret!) });
    const swapped = await redeem(second);
    expect(swapped.status).toBe(400);
    expect(swapped.body).toEqual({ error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request.' });
    // The refused try used the code up: the right redirect URI no longer redeems it.
    const late = await redeem(first);
    expect(late.body.error).toBe('invalid_grant');
    expect(late.body.error_description).toMatch(/already used/);
  });

  it('alg none: a forged unsigned ID token is rejected by the library against our JWKS, as is one signed by another key', async () => {
    const { phone } = await citizenWithPhone();
    for (const forge of ['none', 'foreign-key'] as const) {
      // A man in the middle of the token response swaps the ID token.
      let forged = '';
      const tampering: client.CustomFetch = async (url, options) => {
        const res = await viaWorker(url, options);
        if (!url.endsWith('/oidc/token')) return res;
        const body = (await res.json()) as Record<string, unknown>;
        const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob((body.id_token as string).split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));
        claims.sub = 'someone-else';
        if (forge === 'none') forged = unsignedJwt(claims);
        else {
          const { privateKey } = await generateKeyPair('ES256');
          forged = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'test-oidc-1', typ: 'JWT' }).sign(privateKey);
        }
        return new Response(JSON.stringify({ ...body, id_token: forged }), { status: 200, headers: { 'content-type': 'application/json' } });
      };
      const portal = await createPortal({ fetch: tampering });
      const pending = await authorizationUrl(portal);
      const callback = await frontChannel(phone, pending);
      // The specific refusal (oauth4webapi's cause), not any error: alg none is refused as an
      // algorithm the provider's metadata does not list; the foreign key fails the signature.
      await expect(
        client.authorizationCodeGrant(portal.config, callback, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce }),
      ).rejects.toMatchObject({
        code: 'OAUTH_INVALID_RESPONSE',
        cause:
          forge === 'none'
            ? { message: 'unexpected JWT "alg" header parameter', cause: { header: { alg: 'none' }, expected: ['ES256'], reason: 'authorization server metadata' } }
            : { message: 'JWT signature verification failed' },
      });
      expect(forged).not.toBe('');
    }
  });

  it('alg none: the provider never advertises it, and refuses an unsigned request object and an unsigned client assertion', async () => {
    const meta = (await (await SELF.fetch(`${ISSUER}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    expect(meta.id_token_signing_alg_values_supported).toEqual(['ES256']);
    expect(meta.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
    expect(meta.request_parameter_supported).toBe(false);

    const portal = await createPortal();
    const pending = await authorizationUrl(portal);
    pending.url.searchParams.set('request', unsignedJwt({ iss: portal.clientId, aud: ISSUER, scope: 'openid profile phone vn_id_number', redirect_uri: portal.redirectUri }));
    expect(errorOf(await visitAuthorize(pending.url))).toMatchObject({ error: 'request_not_supported', state: pending.state });

    const { phone } = await citizenWithPhone();
    const jwtPortal = await createPortal({ authMethod: 'private_key_jwt' });
    const p2 = await authorizationUrl(jwtPortal);
    const callback = await frontChannel(phone, p2);
    const now = Math.floor(Date.now() / 1000);
    const assertion = unsignedJwt({ iss: jwtPortal.clientId, sub: jwtPortal.clientId, aud: `${ISSUER}/oidc/token`, jti: crypto.randomUUID(), iat: now, exp: now + 60 });
    const res = await tokenRequest({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: jwtPortal.redirectUri,
      code_verifier: p2.verifier,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('private_key_jwt: a replayed client assertion and one signed by an unregistered key are refused', async () => {
    const portal = await createPortal({ authMethod: 'private_key_jwt' });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: portal.clientId, sub: portal.clientId, aud: ISSUER, jti: crypto.randomUUID(), iat: now, exp: now + 60 };
    const signed = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(portal.privateKey!);
    const base = { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' };
    // The first use authenticates (then fails on the bogus refresh token: invalid_grant, not invalid_client).
    expect((await tokenRequest({ ...base, client_assertion: signed })).body.error).toBe('invalid_grant');
    const replay = await tokenRequest({ ...base, client_assertion: signed });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ ...claims, jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    expect((await tokenRequest({ ...base, client_assertion: foreign })).body.error).toBe('invalid_client');
    // An HMAC assertion keyed with something public is no signature either.
    const hmac = await new SignJWT({ ...claims, jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'HS256' }).sign(utf8(JSON.stringify(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey))));
    expect((await tokenRequest({ ...base, client_assertion: hmac })).body.error).toBe('invalid_client');
  });

  it('acr_values level 2: refused for a level-1 account with unmet_authentication_requirements, and the app is told why first', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const pending = await authorizationUrl(portal, { acr_values: ACR[2] });
    const { requestId, browserCookie } = await startSignIn(pending);
    const view = await viewRequest(requestId, cookies(phone.cookie, browserCookie));
    expect(view.body).toMatchObject({ requiredLevel: 2, account: { level: 1, levelSatisfied: false } });
    const decision = await decide(requestId, cookies(phone.cookie, browserCookie), true);
    expect(decision.status).toBe(200);
    const callback = new URL(decision.body.redirectTo);
    expect(callback.searchParams.get('code')).toBeNull();
    await expect(client.authorizationCodeGrant(portal.config, callback, { pkceCodeVerifier: pending.verifier, expectedState: pending.state })).rejects.toMatchObject({
      error: 'unmet_authentication_requirements',
      error_description: expect.stringMatching(/level-2/),
    });
    // A portal that accepts either level signs the same account in.
    const either = await authorizationUrl(portal, { acr_values: `${ACR[2]} ${ACR[1]}` });
    const ok = await frontChannel(phone, either);
    expect(ok.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{48}$/);
  });

  it('refresh-token reuse: presenting a rotated token again revokes the whole family', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal({ scopes: ['openid', 'offline_access'] });
    const { tokens } = await signInToPortal(phone, portal, { scope: 'openid offline_access' });
    const rotated = await client.refreshTokenGrant(portal.config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(portal.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The thief's replay also killed the legitimate newer token and its access token.
    await expect(client.refreshTokenGrant(portal.config, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.fetchUserInfo(portal.config, rotated.access_token, client.skipSubjectCheck)).rejects.toMatchObject({
      code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE',
    });
  });

  it('a scope the portal is not allowed (vn_id_number) is refused with invalid_scope', async () => {
    const portal = await createPortal({ scopes: ['openid', 'profile'] });
    const pending = await authorizationUrl(portal, { scope: 'openid profile vn_id_number' });
    expect(errorOf(await visitAuthorize(pending.url))).toMatchObject({ error: 'invalid_scope', state: pending.state });
    const noOpenid = await authorizationUrl(portal, { scope: 'profile' });
    expect(errorOf(await visitAuthorize(noOpenid.url)).error).toBe('invalid_scope');
  });

  it('a sign-in request opened in another browser, or decided twice, goes nowhere', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const { requestId, browserCookie } = await startSignIn(await authorizationUrl(portal));
    // A phisher sends the victim the /sso?request=… link: the victim's browser lacks the binding cookie.
    const elsewhere = await decide(requestId, phone.cookie, true);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error?.code).toBe('sso_request_invalid');
    expect((await viewRequest(requestId, phone.cookie)).body.error?.code).toBe('sso_request_invalid');
    expect((await decide(requestId, cookies(phone.cookie, browserCookie), true)).status).toBe(200);
    const twice = await decide(requestId, cookies(phone.cookie, browserCookie), true);
    expect(twice.body.error?.code).toBe('sso_request_invalid');
  });

  it('the consent API needs a session and comes only from the app (CSRF)', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const { requestId, browserCookie } = await startSignIn(await authorizationUrl(portal));
    expect((await decide(requestId, browserCookie, true)).status).toBe(401);
    const forged = await api(`/api/sso/requests/${requestId}/decision`, {
      body: { approve: true },
      cookie: cookies(phone.cookie, browserCookie),
      headers: { origin: 'https://attacker.example' },
    });
    expect(forged.body.error?.code).toBe('csrf_rejected');
    expect((await api('/api/sso/history')).status).toBe(401);
    expect((await api('/api/sso/consents')).status).toBe(401);
    expect((await api('/api/sso/consents/nobody', { method: 'DELETE', cookie: phone.cookie })).status).toBe(404);
  });

  it('prompt=login: a session from before the request must sign in again', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const { requestId, browserCookie } = await startSignIn(await authorizationUrl(portal, { prompt: 'login' }));
    expect((await viewRequest(requestId, cookies(phone.cookie, browserCookie))).body.account?.reauthenticate).toBe(true);
    const stale = await decide(requestId, cookies(phone.cookie, browserCookie), true);
    expect(stale.status).toBe(401);
    expect(stale.body.error?.code).toBe('sso_reauthentication_required');
    expect((await phone.signIn()).status).toBe(200);
    expect((await decide(requestId, cookies(phone.cookie, browserCookie), true)).status).toBe(200);
  });

  it('prompt=none is answered with login_required, never silently', async () => {
    const portal = await createPortal();
    const pending = await authorizationUrl(portal, { prompt: 'none' });
    expect(errorOf(await visitAuthorize(pending.url)).error).toBe('login_required');
  });

  it('userinfo refuses a missing, forged or foreign token, and a locked account', async () => {
    const { phone, me } = await citizenWithPhone();
    const portal = await createPortal();
    const { tokens } = await signInToPortal(phone, portal);
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer x' }, { authorization: `Bearer ${'A'.repeat(43)}` }, { authorization: `Basic ${tokens.access_token}` }];
    for (const headers of attempts) {
      const res = await SELF.fetch(`${ISSUER}/oidc/userinfo`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    }
    await (await shardDb(me.accountId)).prepare("UPDATE accounts SET status = 'locked' WHERE id = ?").bind(me.accountId).run();
    const locked = await SELF.fetch(`${ISSUER}/oidc/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(locked.status).toBe(401);
  });

  it('the token endpoint is rate-limited per client', async () => {
    const clientId = `rate-limited-${crypto.randomUUID().slice(0, 8)}`;
    const attempt = () => tokenRequest({ grant_type: 'authorization_code', client_id: clientId, code: 'x' });
    // The first 120 in a minute are answered (this client does not exist: invalid_client)…
    for (let i = 0; i < 120; i += 30) {
      const batch = await Promise.all(Array.from({ length: 30 }, attempt));
      expect(batch.every((r) => r.status === 401)).toBe(true);
    }
    // …the 121st is not even looked at.
    const last = await attempt();
    expect(last.status).toBe(429);
    expect(last.body.error).toBe('temporarily_unavailable');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another portal is not affected.
    expect((await tokenRequest({ grant_type: 'authorization_code', client_id: `${clientId}-other`, code: 'x' })).status).toBe(401);
  }, 30_000);

  it('token requests must be form-encoded with single-valued parameters', async () => {
    const json = await SELF.fetch(`${ISSUER}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const twice = await SELF.fetch(`${ISSUER}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=a&code=b',
    });
    expect(((await twice.json()) as { error: string }).error).toBe('invalid_request');
    expect(twice.headers.get('cache-control')).toBe('no-store');
  });
});

describe('RP-initiated logout: the end-session endpoint hands over to the PWA', { timeout: 20_000 }, () => {
  const home = (portal: { redirectUri: string }) => portal.redirectUri.replace('/callback', '/');
  const logoutRows = async () => (await env.DB.prepare('SELECT count(*) AS n FROM oidc_logout_requests').first<{ n: number }>())!.n;

  it('open redirect / forged hint: an unregistered post-logout URI, a hint we did not sign, or a client_id that is not the hint\'s audience is a page, stores nothing and ends nothing', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const other = await createPortal();
    const { tokens } = await signInToPortal(phone, portal);
    const before = await logoutRows();
    const refused = [
      client.buildEndSessionUrl(portal.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://attacker.example/' }),
      // Another portal's registered URI is not this portal's.
      client.buildEndSessionUrl(portal.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: home(other) }),
      client.buildEndSessionUrl(portal.config, { id_token_hint: unsignedJwt({ iss: ISSUER, sub: 'x', aud: portal.clientId }) }),
      client.buildEndSessionUrl(portal.config, { id_token_hint: tokens.id_token!, client_id: other.clientId }),
      // A post-logout URI with no portal named (no client_id, no hint) goes nowhere.
      new URL(`${ISSUER}/oidc/logout?post_logout_redirect_uri=${encodeURIComponent(home(portal))}`),
      // A repeated parameter cannot be trusted.
      new URL(`${ISSUER}/oidc/logout?client_id=${portal.clientId}&post_logout_redirect_uri=${encodeURIComponent(home(portal))}&post_logout_redirect_uri=${encodeURIComponent('https://attacker.example/')}`),
    ];
    for (const url of refused) {
      const res = await SELF.fetch(url, { redirect: 'manual', headers: { cookie: phone.cookie } });
      expectPage(res);
      expect(res.headers.get('set-cookie') ?? '').not.toMatch(/__Host-vneid_session/);
    }
    expect(await logoutRows()).toBe(before);
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
  });

  it('the end-session endpoint itself ends nothing, even when a session cookie comes with it: only the PWA\'s same-origin POST does', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const { tokens } = await signInToPortal(phone, portal);
    const { response } = await startLogout(client.buildEndSessionUrl(portal.config, { id_token_hint: tokens.id_token! }), phone.cookie);
    expect(response.headers.get('set-cookie')).not.toMatch(/__Host-vneid_session/);
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
  });

  it('logout CSRF: a cross-site POST to the PWA\'s logout API is refused, and the session stays', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const { tokens } = await signInToPortal(phone, portal);
    const { requestId, browserCookie } = await startLogout(client.buildEndSessionUrl(portal.config, { id_token_hint: tokens.id_token! }));
    const res = await api(`/api/sso/logout/${requestId}`, {
      body: { signOut: true },
      cookie: cookies(phone.cookie, browserCookie),
      headers: { origin: 'https://attacker.example' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('csrf_rejected');
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
  });

  it('no hint: the citizen is asked; "stay signed in" keeps the session and still returns to the portal with state', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    await signInToPortal(phone, portal);
    const url = client.buildEndSessionUrl(portal.config, { client_id: portal.clientId, post_logout_redirect_uri: home(portal), state: 's1' });
    const { requestId, browserCookie } = await startLogout(url);
    const both = cookies(phone.cookie, browserCookie);
    expect((await viewLogout(requestId, both)).body).toMatchObject({ client: { id: portal.clientId }, returnsToPortal: true, signedIn: true, confirm: true });
    const stay = await answerLogout(requestId, both, false);
    expect(stay.body.redirectTo).toBe(`${home(portal)}?state=s1`);
    expect(stay.headers.get('set-cookie')).toBeNull();
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
    // Asked again and confirmed, the session ends.
    const again = await startLogout(url);
    const confirmed = await answerLogout(again.requestId, cookies(phone.cookie, again.browserCookie), true);
    expect(confirmed.body.redirectTo).toBe(`${home(portal)}?state=s1`);
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(401);
  });

  it('another citizen\'s hint: not signed out automatically; the citizen here is asked', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    await signInToPortal(phone, portal);
    const other = await citizenWithPhone();
    const theirs = await signInToPortal(other.phone, portal);
    const { requestId, browserCookie } = await startLogout(client.buildEndSessionUrl(portal.config, { id_token_hint: theirs.tokens.id_token! }));
    const view = await viewLogout(requestId, cookies(phone.cookie, browserCookie));
    expect(view.body).toMatchObject({ signedIn: true, confirm: true, returnsToPortal: false });
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
  });

  it('nobody signed in: nothing to ask, and the browser still goes back to the portal', async () => {
    const portal = await createPortal();
    const { requestId, browserCookie } = await startLogout(client.buildEndSessionUrl(portal.config, { client_id: portal.clientId, post_logout_redirect_uri: home(portal) }));
    expect((await viewLogout(requestId, browserCookie)).body).toMatchObject({ signedIn: false, confirm: false, returnsToPortal: true });
    expect((await answerLogout(requestId, browserCookie, true)).body.redirectTo).toBe(home(portal));
  });

  it('a logout request opened in another browser, used twice or expired goes nowhere (sso_request_invalid)', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const { tokens } = await signInToPortal(phone, portal);
    const url = client.buildEndSessionUrl(portal.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: home(portal) });
    const { requestId, browserCookie } = await startLogout(url);
    // Another browser: no binding cookie (a link sent by someone else).
    for (const res of [await viewLogout(requestId, phone.cookie), await answerLogout(requestId, phone.cookie, true)]) {
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('sso_request_invalid');
    }
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
    // Used once.
    const both = cookies(phone.cookie, browserCookie);
    expect((await answerLogout(requestId, both, false)).status).toBe(200);
    expect((await answerLogout(requestId, both, true)).body.error?.code).toBe('sso_request_invalid');
    // Expired.
    const late = await startLogout(url);
    await env.DB.prepare('UPDATE oidc_logout_requests SET expires_at = ? WHERE id = ?').bind(Date.now() - 1, late.requestId).run();
    expect((await viewLogout(late.requestId, cookies(phone.cookie, late.browserCookie))).body.error?.code).toBe('sso_request_invalid');
    expect((await answerLogout(late.requestId, cookies(phone.cookie, late.browserCookie), true)).body.error?.code).toBe('sso_request_invalid');
    expect((await api('/api/me', { cookie: phone.cookie })).status).toBe(200);
  });

  it('a portal disabled between its logout request and the answer is sent nothing', async () => {
    const { phone } = await citizenWithPhone();
    const portal = await createPortal();
    const { tokens } = await signInToPortal(phone, portal);
    const { requestId, browserCookie } = await startLogout(client.buildEndSessionUrl(portal.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: home(portal), state: 'x' }));
    await env.DB.prepare("UPDATE oidc_clients SET status = 'disabled' WHERE client_id = ?").bind(portal.clientId).run();
    const both = cookies(phone.cookie, browserCookie);
    // Its hint no longer vouches for anyone either: the citizen is asked.
    expect((await viewLogout(requestId, both)).body).toMatchObject({ client: null, returnsToPortal: false, confirm: true });
    expect((await answerLogout(requestId, both, true)).body.redirectTo).toBeNull();
  });
});
