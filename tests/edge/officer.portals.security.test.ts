/**
 * Hostile cases for the portal registry, one attack a test: an officer without the role, a
 * citizen or a cross-site page at the portal routes, taking over a live portal by registering
 * its client id again, a disabled portal (or one who stole its tokens) carrying on, a leaked
 * secret after rotation, hostile registrations (private keys, open redirect URIs), and the
 * demo portal re-enabling itself.
 */
import { env, SELF } from 'cloudflare:test';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { ensureClientRegistered } from '../../edge/domain/oidc/clients';
import type { PortalSecretResponse } from '../../shared/portals';
import { invitedOfficer, registeredPhone, supervisor, type OfficerDesk } from './helpers/accounts';
import { authorizationUrl, basic, configurePortal, frontChannel, signInToPortal, tokenRequest, visitAuthorize } from './helpers/oidc';
import { api, ORIGIN } from './helpers/phone';
import { mainDb } from '../../edge/http/app';

let n = 0;
function registration(overrides: Record<string, unknown> = {}) {
  n += 1;
  return {
    clientId: `sec-${n}-${crypto.randomUUID().slice(0, 8)}`,
    name: `Cổng kiểm thử ${n}`,
    authMethod: 'client_secret_basic',
    redirectUris: [`https://sec-${n}.example.vn/callback`],
    postLogoutRedirectUris: [`https://sec-${n}.example.vn/`],
    scopes: ['openid', 'profile'],
    ...overrides,
  };
}

async function register(boss: OfficerDesk, overrides: Record<string, unknown> = {}): Promise<PortalSecretResponse> {
  const res = await boss.call<PortalSecretResponse>('/api/officer/portals', registration(overrides));
  if (res.status !== 201) throw new Error(`register ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function rowOf(clientId: string) {
  return env.DB.prepare('SELECT name, redirect_uris, secret_hash, status, scopes FROM oidc_clients WHERE client_id = ?').bind(clientId).first<Record<string, string>>();
}

const portalAuditCount = async (actor: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE actor = ? AND action LIKE 'portal.%'").bind(actor).first<{ n: number }>())!.n;

describe('portal registry: who may manage it', () => {
  it('an officer without the supervisor role is refused (forbidden) on every portal route, and nothing is written', async () => {
    const boss = await supervisor();
    const target = await register(boss);
    const officer = await invitedOfficer('officer');
    const before = await rowOf(target.portal.clientId);
    const id = target.portal.clientId;
    const attempts: Array<[string, unknown]> = [
      ['/api/officer/portals', undefined],
      ['/api/officer/portals', registration()],
      [`/api/officer/portals/${id}`, { ...registration(), clientId: undefined, redirectUris: ['https://attacker.example/callback'] }],
      [`/api/officer/portals/${id}/disable`, {}],
      [`/api/officer/portals/${id}/enable`, {}],
      [`/api/officer/portals/${id}/rotate-secret`, {}],
      // An unknown portal gets the same answer: no probing which ids exist.
      ['/api/officer/portals/no-such-portal/disable', {}],
    ];
    for (const [path, body] of attempts) {
      const res = await officer.call(path, body);
      expect(res.status, path).toBe(403);
      expect(res.body.error?.code, path).toBe('forbidden');
    }
    expect(await rowOf(id)).toEqual(before);
    expect(await portalAuditCount(`officer:${officer.me.officerId}`)).toBe(0);
  });

  it("a citizen's session, or none, does not open the portal routes", async () => {
    const { phone } = await registeredPhone();
    expect((await api('/api/officer/portals', { cookie: phone.cookie })).status).toBe(401);
    expect((await api('/api/officer/portals', { body: registration(), cookie: phone.cookie })).body.error?.code).toBe('unauthenticated');
    expect((await api('/api/officer/portals', { body: registration() })).body.error?.code).toBe('unauthenticated');
  });

  it("cross-site request forgery: a page elsewhere posting with the supervisor's cookie is refused", async () => {
    const boss = await supervisor();
    const target = await register(boss);
    const res = await api(`/api/officer/portals/${target.portal.clientId}/disable`, { body: {}, cookie: boss.cookie, headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('csrf_rejected');
    expect((await rowOf(target.portal.clientId))!.status).toBe('active');
  });
});

describe('portal registry: registrations that must not go through', () => {
  it('taking over a live portal by registering its client_id again: refused (portal_exists); its redirect URIs and secret stay; nothing audited', async () => {
    const boss = await supervisor();
    const live = await register(boss);
    const before = await rowOf(live.portal.clientId);
    const takeover = await boss.call('/api/officer/portals', registration({ clientId: live.portal.clientId, redirectUris: ['https://attacker.example/callback'] }));
    expect(takeover.status).toBe(409);
    expect(takeover.body.error?.code).toBe('portal_exists');
    expect(await rowOf(live.portal.clientId)).toEqual(before);
    const audited = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE subject = ? AND action = 'portal.registered'").bind(`portal:${live.portal.clientId}`).first<{ n: number }>();
    expect(audited!.n).toBe(1);
    // The seeded demo portal is a live portal too.
    await SELF.fetch(`${ORIGIN}/portal/`);
    expect((await boss.call('/api/officer/portals', registration({ clientId: 'demo-portal' }))).body.error?.code).toBe('portal_exists');
  });

  it('open redirects: a redirect URI that is not https (or loopback http), has a fragment or user info is refused', async () => {
    const boss = await supervisor();
    for (const uri of ['javascript:alert(1)', 'http://portal.example.vn/callback', 'https://portal.example.vn/cb#frag', 'https://user:pw@portal.example.vn/cb', 'data:text/html,x', '/relative']) {
      const res = await boss.call('/api/officer/portals', registration({ redirectUris: [uri] }));
      expect(res.status, uri).toBe(400);
      expect(res.body.error?.code, uri).toBe('validation_failed');
    }
    expect((await boss.call('/api/officer/portals', registration({ redirectUris: [] }))).body.error?.code).toBe('validation_failed');
  });

  it('a private key pasted as the JWKS, a private_key_jwt portal without keys, a scope list without openid or with unknown scopes: refused', async () => {
    const boss = await supervisor();
    const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const jwk = await crypto.subtle.exportKey('jwk', privateKey);
    expect((await boss.call('/api/officer/portals', registration({ authMethod: 'private_key_jwt', jwks: { keys: [jwk] } }))).body.error?.code).toBe('validation_failed');
    expect((await boss.call('/api/officer/portals', registration({ authMethod: 'private_key_jwt' }))).body.error?.code).toBe('validation_failed');
    expect((await boss.call('/api/officer/portals', registration({ scopes: ['profile'] }))).body.error?.code).toBe('validation_failed');
    expect((await boss.call('/api/officer/portals', registration({ scopes: ['openid', 'admin'] }))).body.error?.code).toBe('validation_failed');
  });

  it('malformed and oversized bodies and ids: a 4xx with a code, never a 500', async () => {
    const boss = await supervisor();
    const target = await register(boss);
    const bodies: unknown[] = [
      null,
      [],
      'x',
      { ...registration(), redirectUris: Array.from({ length: 11 }, (_, i) => `https://a.example.vn/${i}`) },
      { ...registration(), scopes: 'openid profile' },
      { ...registration(), name: 'x'.repeat(10_000) },
      { ...registration(), authMethod: 'client_secret_jwt' },
      { ...registration(), authMethod: 'private_key_jwt', jwks: { keys: Array.from({ length: 11 }, () => ({ kty: 'EC' })) } },
      { ...registration(), authMethod: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'not-a-key', y: 'no' }] }, __proto__: { admin: true } },
    ];
    for (const body of bodies) {
      for (const path of ['/api/officer/portals', `/api/officer/portals/${target.portal.clientId}`]) {
        const res = await boss.call(path, body);
        expect(res.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body.error?.code).toBeTruthy();
      }
    }
    expect((await boss.call('/api/officer/portals', registration({ clientId: '../../officers' }))).body.error?.code).toBe('validation_failed');
    // An update cannot rename a portal: a client id in the body is ignored.
    const renamed = await boss.call<PortalSecretResponse>(`/api/officer/portals/${target.portal.clientId}`, { ...registration(), clientId: 'taken-over' });
    expect(renamed.body.portal.clientId).toBe(target.portal.clientId);
    expect(await rowOf('taken-over')).toBeNull();
    const notJson = await api('/api/officer/portals', { method: 'POST', cookie: boss.cookie, headers: { 'content-type': 'text/plain' } });
    expect(notJson.status).toBe(400);
    for (const id of ['..%2F..%2Fofficers', 'a', '%00', 'x'.repeat(65)]) {
      expect((await boss.call(`/api/officer/portals/${id}/disable`, {})).status, id).toBe(404);
    }
    expect((await boss.call('/api/officer/portals?after=%27%20OR%201%3D1')).body.error?.code).toBe('validation_failed');
  });

  it('the client secret is never stored, listed or audited in the clear', async () => {
    const boss = await supervisor();
    const made = await register(boss);
    const rotated = await boss.call<PortalSecretResponse>(`/api/officer/portals/${made.portal.clientId}/rotate-secret`, {});
    for (const secret of [made.clientSecret!, rotated.body.clientSecret!]) {
      const hits = await env.DB.prepare('SELECT (SELECT count(*) FROM oidc_clients WHERE secret_hash = ?1 OR name = ?1) + (SELECT count(*) FROM audit_log WHERE detail LIKE ?2) AS n')
        .bind(secret, `%${secret}%`)
        .first<{ n: number }>();
      expect(hits!.n).toBe(0);
      expect(JSON.stringify((await boss.call('/api/officer/portals')).body)).not.toContain(secret);
    }
  });
});

describe('portal registry: a disabled portal, a rotated secret', { timeout: 30_000 }, () => {
  it('a code obtained just before the disable cannot be redeemed, neither while disabled nor after the portal is enabled again', async () => {
    const boss = await supervisor();
    const { phone } = await registeredPhone();
    const made = await register(boss);
    const portal = await configurePortal({ clientId: made.portal.clientId, clientSecret: made.clientSecret, authMethod: 'client_secret_basic', redirectUri: made.portal.redirectUris[0]! });
    const pending = await authorizationUrl(portal, { scope: 'openid profile' });
    const callback = await frontChannel(phone, pending);
    const params = { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: portal.redirectUri, code_verifier: pending.verifier };
    await boss.call(`/api/officer/portals/${portal.clientId}/disable`, {});
    const whileDisabled = await tokenRequest(params, { authorization: basic(portal.clientId, made.clientSecret!) });
    expect(whileDisabled.status).toBe(401);
    expect(whileDisabled.body.error).toBe('invalid_client');
    await boss.call(`/api/officer/portals/${portal.clientId}/enable`, {});
    const afterEnable = await tokenRequest(params, { authorization: basic(portal.clientId, made.clientSecret!) });
    expect(afterEnable.body.error).toBe('invalid_grant');
  });

  it('a disabled portal: its authorization requests are shown as a page (never sent to its redirect URI), and it cannot use a post-logout redirect', async () => {
    const boss = await supervisor();
    const { phone } = await registeredPhone();
    const made = await register(boss);
    const portal = await configurePortal({ clientId: made.portal.clientId, clientSecret: made.clientSecret, authMethod: 'client_secret_basic', redirectUri: made.portal.redirectUris[0]! });
    const { tokens } = await signInToPortal(phone, portal, { scope: 'openid profile' });
    await boss.call(`/api/officer/portals/${portal.clientId}/disable`, {});
    const res = await visitAuthorize((await authorizationUrl(portal, { scope: 'openid profile' })).url);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const logout = client.buildEndSessionUrl(portal.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: made.portal.postLogoutRedirectUris[0]! });
    const out = await SELF.fetch(logout, { redirect: 'manual', headers: { cookie: phone.cookie } });
    expect(out.status).toBe(400);
    expect(out.headers.get('location')).toBeNull();
  });

  it('a leaked secret after rotation: invalid_client with the old secret, by Basic and by form, at once', async () => {
    const boss = await supervisor();
    const made = await register(boss, { authMethod: 'client_secret_post' });
    const old = made.clientSecret!;
    const fresh = (await boss.call<PortalSecretResponse>(`/api/officer/portals/${made.portal.clientId}/rotate-secret`, {})).body.clientSecret!;
    const bogus = { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) };
    const viaForm = await tokenRequest({ ...bogus, client_id: made.portal.clientId, client_secret: old });
    expect(viaForm.status).toBe(401);
    expect(viaForm.body.error).toBe('invalid_client');
    expect((await tokenRequest(bogus, { authorization: basic(made.portal.clientId, old) })).body.error).toBe('invalid_client');
    // The new one authenticates (and then fails on the bogus refresh token, after authentication).
    expect((await tokenRequest({ ...bogus, client_id: made.portal.clientId, client_secret: fresh })).body.error).toBe('invalid_grant');
  });

  it("the demo portal's self-registration never undoes a supervisor's disable (nor resets its secret)", async () => {
    const boss = await supervisor();
    expect((await SELF.fetch(`${ORIGIN}/portal/`)).status).toBe(200); // seeds it
    const disabled = await boss.call(`/api/officer/portals/demo-portal/disable`, {});
    expect(disabled.status).toBe(200);
    const secretBefore = (await rowOf('demo-portal'))!.secret_hash;
    // A worker restart registers it again from its own settings.
    const demo = await ensureClientRegistered(
      { db: mainDb(env), now: Date.now() },
      {
        clientId: 'demo-portal',
        name: 'Cổng dịch vụ công (demo)',
        authMethod: 'client_secret_basic',
        redirectUris: [`${ORIGIN}/portal/callback`, 'http://localhost:9999/portal/callback'],
        postLogoutRedirectUris: [`${ORIGIN}/portal/`],
        scopes: ['openid', 'profile', 'phone', 'vn_id_number'],
        clientSecret: 'a-different-secret-0123456789abcdefghij',
      },
    );
    expect(demo.status).toBe('disabled');
    const row = (await rowOf('demo-portal'))!;
    expect(row.status).toBe('disabled');
    expect(row.secret_hash).toBe(secretBefore);
    // Only its callback for a new origin was added.
    expect(JSON.parse(row.redirect_uris!)).toEqual([`${ORIGIN}/portal/callback`, 'http://localhost:9999/portal/callback']);
    // Its sign-in button leads to the provider's refusal page.
    const login = await SELF.fetch(`${ORIGIN}/portal/login`, { method: 'POST', redirect: 'manual', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(login.status).toBe(303);
    const page = await visitAuthorize(login.headers.get('location')!);
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
  });
});
