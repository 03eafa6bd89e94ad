/**
 * The portal registry managed from the officer console, in workerd + D1: a supervisor
 * registers a portal through the officer API and an ordinary RP library (openid-client)
 * signs a citizen in with it; updates, disable / enable and secret rotation take effect at
 * the provider's endpoints at once; each action is in the audit log. Also the sharing
 * history of later UserInfo calls (a portal staying signed in with offline_access).
 */
import { env } from 'cloudflare:test';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import type { SsoDisclosure } from '../../shared/oidc';
import type { PortalListResponse, PortalRegisterRequest, PortalSecretResponse, PortalSummary } from '../../shared/portals';
import { supervisor, type OfficerDesk } from './helpers/accounts';
import {
  authorizationUrl,
  basic,
  configurePortal,
  cookies,
  frontChannel,
  signInToPortal,
  startSignIn,
  tokenRequest,
  viewRequest,
  visitAuthorize,
  type TestPortal,
} from './helpers/oidc';
import { api, freshCitizen, TestPhone } from './helpers/phone';
import { shardDb } from './helpers/shards';

async function citizenWithPhone() {
  const citizen = await freshCitizen();
  const phone = await TestPhone.create();
  const me = await phone.register(citizen);
  return { citizen, phone, me };
}

let n = 0;

/** A supervisor registers a portal through the officer API; openid-client is configured with the secret it was shown. */
async function registerThroughConsole(boss: OfficerDesk, overrides: Partial<PortalRegisterRequest> = {}): Promise<{ portal: TestPortal; response: PortalSecretResponse }> {
  n += 1;
  const clientId = overrides.clientId ?? `cong-${n}-${crypto.randomUUID().slice(0, 8)}`;
  const redirectUri = `https://cong-${n}.example.vn/callback`;
  const res = await boss.call<PortalSecretResponse>('/api/officer/portals', {
    clientId,
    name: `Cổng dịch vụ ${n}`,
    authMethod: 'client_secret_basic',
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [`https://cong-${n}.example.vn/`],
    scopes: ['openid', 'profile'],
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`register ${res.status} ${JSON.stringify(res.body)}`);
  const portal = await configurePortal({
    clientId: res.body.portal.clientId,
    clientSecret: res.body.clientSecret,
    authMethod: res.body.portal.authMethod,
    redirectUri: res.body.portal.redirectUris[0]!,
  });
  return { portal, response: res.body };
}

async function portalAudit(clientId: string): Promise<Array<{ actor: string; action: string; detail: Record<string, unknown> }>> {
  const rows = await env.DB.prepare('SELECT actor, action, detail FROM audit_log WHERE subject = ? ORDER BY id')
    .bind(`portal:${clientId}`)
    .all<{ actor: string; action: string; detail: string }>();
  return rows.results.map((r) => ({ actor: r.actor, action: r.action, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

describe('portal registry from the officer console', { timeout: 30_000 }, () => {
  it('a supervisor registers a portal; openid-client signs a citizen in with it; the secret is shown once and stored as a hash', async () => {
    const boss = await supervisor();
    const { citizen, phone } = await citizenWithPhone();
    const { portal, response } = await registerThroughConsole(boss, { name: 'Cổng thuế điện tử', scopes: ['openid', 'profile', 'vn_id_number'] });
    expect(response.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.portal).toMatchObject({ name: 'Cổng thuế điện tử', status: 'active', authMethod: 'client_secret_basic', scopes: ['openid', 'profile', 'vn_id_number'] });

    const { tokens, claims } = await signInToPortal(phone, portal, { scope: 'openid profile vn_id_number' });
    expect(claims.aud).toBe(portal.clientId);
    const info = await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ name: citizen.fullName, vn_id_number: citizen.idNumber });

    // Listed without any secret; stored as its SHA-256 only.
    const list = await boss.call<PortalListResponse>('/api/officer/portals');
    const listed = list.body.portals.find((p) => p.clientId === portal.clientId)!;
    expect(listed).toMatchObject({ name: 'Cổng thuế điện tử', status: 'active' });
    expect(JSON.stringify(list.body)).not.toContain(response.clientSecret!);
    const row = await env.DB.prepare('SELECT secret_hash FROM oidc_clients WHERE client_id = ?').bind(portal.clientId).first<{ secret_hash: string }>();
    expect(row!.secret_hash).not.toBe(response.clientSecret);

    const audit = await portalAudit(portal.clientId);
    expect(audit).toEqual([
      {
        actor: `officer:${boss.me.officerId}`,
        action: 'portal.registered',
        detail: { name: 'Cổng thuế điện tử', authMethod: 'client_secret_basic', scopes: 'openid profile vn_id_number', redirectUris: 1, unit: 'CA-001' },
      },
    ]);
  });

  it('generates a client id when none is given, and registers public clients without a secret', async () => {
    const boss = await supervisor();
    const { response } = await registerThroughConsole(boss, { clientId: '', authMethod: 'none' });
    expect(response.portal.clientId).toMatch(/^portal-[A-Za-z0-9_-]{16}$/);
    expect(response.clientSecret).toBeNull();
    const { phone } = await citizenWithPhone();
    const publicPortal = await configurePortal({ clientId: response.portal.clientId, clientSecret: null, authMethod: 'none', redirectUri: response.portal.redirectUris[0]! });
    const { claims } = await signInToPortal(phone, publicPortal, { scope: 'openid profile' });
    expect(claims.aud).toBe(response.portal.clientId);
  });

  it('update: a scope taken away (vn_id_number, offline_access) stops at once for tokens already issued; the name changes; audited with what changed', async () => {
    const boss = await supervisor();
    const { phone, citizen } = await citizenWithPhone();
    const scopes = ['openid', 'profile', 'vn_id_number', 'offline_access'] as const;
    const { portal, response } = await registerThroughConsole(boss, { scopes: [...scopes] });
    const { tokens, claims } = await signInToPortal(phone, portal, { scope: scopes.join(' ') });
    expect((await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub)).vn_id_number).toBe(citizen.idNumber);

    const update = {
      name: 'Cổng bảo hiểm xã hội',
      authMethod: 'client_secret_basic',
      redirectUris: response.portal.redirectUris,
      postLogoutRedirectUris: response.portal.postLogoutRedirectUris,
      scopes: ['openid', 'profile', 'offline_access'],
    };
    const res = await boss.call<PortalSecretResponse>(`/api/officer/portals/${portal.clientId}`, update);
    expect(res.status).toBe(200);
    expect(res.body.clientSecret).toBeNull(); // same secret method: the secret stays
    expect(res.body.portal).toMatchObject({ name: 'Cổng bảo hiểm xã hội', scopes: ['openid', 'profile', 'offline_access'] });

    const after = await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub);
    expect(after.name).toBe(citizen.fullName);
    expect(after).not.toHaveProperty('vn_id_number');
    const refreshed = await client.refreshTokenGrant(portal.config, tokens.refresh_token!);
    expect(refreshed.scope).toBe('openid profile offline_access');

    // Without offline_access the portal may no longer stay signed in.
    await boss.call(`/api/officer/portals/${portal.clientId}`, { ...update, scopes: ['openid', 'profile'] });
    await expect(client.refreshTokenGrant(portal.config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const audit = (await portalAudit(portal.clientId)).filter((e) => e.action === 'portal.updated');
    expect(audit[0]!.detail).toMatchObject({ changed: 'name scopes', scopes: 'openid profile offline_access', newSecret: false, unit: 'CA-001' });
    expect(audit[1]!.detail).toMatchObject({ changed: 'scopes', scopes: 'openid profile' });
  });

  it('update: moving a public client to client_secret_post makes a secret, shown once; the library then authenticates with it', async () => {
    const boss = await supervisor();
    const { response } = await registerThroughConsole(boss, { authMethod: 'none' });
    const res = await boss.call<PortalSecretResponse>(`/api/officer/portals/${response.portal.clientId}`, {
      name: response.portal.name,
      authMethod: 'client_secret_post',
      redirectUris: response.portal.redirectUris,
      postLogoutRedirectUris: response.portal.postLogoutRedirectUris,
      scopes: ['openid', 'profile'],
    });
    expect(res.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { phone } = await citizenWithPhone();
    const confidential = await configurePortal({ clientId: response.portal.clientId, clientSecret: res.body.clientSecret, authMethod: 'client_secret_post', redirectUri: response.portal.redirectUris[0]! });
    expect((await signInToPortal(phone, confidential, { scope: 'openid profile' })).claims.aud).toBe(response.portal.clientId);
    expect((await portalAudit(response.portal.clientId)).at(-1)!.detail).toMatchObject({ changed: 'authMethod', newSecret: true });
  });

  it('rotation: the new secret is shown once, the old one fails with invalid_client, the new one works', async () => {
    const boss = await supervisor();
    const { phone } = await citizenWithPhone();
    const { portal, response } = await registerThroughConsole(boss);
    const rotated = await boss.call<PortalSecretResponse>(`/api/officer/portals/${portal.clientId}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.clientSecret!;
    expect(newSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSecret).not.toBe(response.clientSecret);

    const pending = await authorizationUrl(portal, { scope: 'openid profile' });
    const callback = await frontChannel(phone, pending);
    const params = { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: portal.redirectUri, code_verifier: pending.verifier };
    const old = await tokenRequest(params, { authorization: basic(portal.clientId, response.clientSecret!) });
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    // openid-client with the old secret fails the same way.
    await expect(client.authorizationCodeGrant(portal.config, callback, { pkceCodeVerifier: pending.verifier, expectedState: pending.state })).rejects.toMatchObject({ status: 401 });
    const fresh = await tokenRequest(params, { authorization: basic(portal.clientId, newSecret) });
    expect(fresh.status).toBe(200);
    expect(fresh.body.id_token).toBeTruthy();

    const audit = await portalAudit(portal.clientId);
    expect(audit.map((e) => e.action)).toEqual(['portal.registered', 'portal.secret_rotated']);
    expect(JSON.stringify(audit)).not.toContain(newSecret);
    // A public client has no secret to rotate.
    const { response: publicPortal } = await registerThroughConsole(boss, { authMethod: 'none' });
    expect((await boss.call(`/api/officer/portals/${publicPortal.portal.clientId}/rotate-secret`, {})).body.error?.code).toBe('bad_request');
  });

  it('disable: refused at /oidc/authorize (a page) and /oidc/token, tokens dead; enable: new sign-ins work, old grants and consents stay void', async () => {
    const boss = await supervisor();
    const { phone } = await citizenWithPhone();
    const { portal } = await registerThroughConsole(boss, { scopes: ['openid', 'profile', 'offline_access'] });
    const { tokens, claims } = await signInToPortal(phone, portal, { scope: 'openid profile offline_access' });
    expect((await api<{ consents: unknown[] }>('/api/sso/consents', { cookie: phone.cookie })).body.consents).toHaveLength(1);

    const disabled = await boss.call<PortalSummary>(`/api/officer/portals/${portal.clientId}/disable`, {});
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    expect((await boss.call(`/api/officer/portals/${portal.clientId}/disable`, {})).body.error?.code).toBe('bad_request');

    const page = await visitAuthorize((await authorizationUrl(portal)).url);
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(await page.text()).toContain('invalid_client');
    await expect(client.refreshTokenGrant(portal.config, tokens.refresh_token!)).rejects.toMatchObject({ status: 401 });
    await expect(client.fetchUserInfo(portal.config, tokens.access_token, claims.sub)).rejects.toMatchObject({ code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE' });
    // The citizen's list no longer shows a consent that has no effect.
    expect((await api<{ consents: unknown[] }>('/api/sso/consents', { cookie: phone.cookie })).body.consents).toEqual([]);

    const enabled = await boss.call<PortalSummary>(`/api/officer/portals/${portal.clientId}/enable`, {});
    expect(enabled.body.status).toBe('active');
    // The grant made before the disable stays revoked: no resurrection of stolen tokens.
    await expect(client.refreshTokenGrant(portal.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.fetchUserInfo(portal.config, tokens.access_token, claims.sub)).rejects.toMatchObject({ code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE' });
    // The citizen is asked again, then signs in normally.
    const { requestId, browserCookie } = await startSignIn(await authorizationUrl(portal, { scope: 'openid profile offline_access' }));
    const view = await viewRequest(requestId, cookies(phone.cookie, browserCookie));
    expect(view.body.account?.consentRemembered).toBe(false);
    const again = await signInToPortal(phone, portal, { scope: 'openid profile offline_access' });
    expect((await client.refreshTokenGrant(portal.config, again.tokens.refresh_token!)).access_token).toBeTruthy();

    const audit = await portalAudit(portal.clientId);
    expect(audit.map((e) => e.action)).toEqual(['portal.registered', 'portal.disabled', 'portal.enabled']);
    expect(audit.every((e) => e.actor === `officer:${boss.me.officerId}` && e.detail.unit === 'CA-001')).toBe(true);
  });

  it('lists the portals a page at a time, in client-id order', async () => {
    const boss = await supervisor();
    for (let i = 0; i < 3; i++) await registerThroughConsole(boss);
    const first = await boss.call<PortalListResponse>('/api/officer/portals');
    expect(first.status).toBe(200);
    const ids = first.body.portals.map((p) => p.clientId);
    expect(ids).toEqual([...ids].sort());
    expect(first.body.next).toBeNull(); // fewer than a page
    const after = await boss.call<PortalListResponse>(`/api/officer/portals?after=${encodeURIComponent(ids[1]!)}`);
    expect(after.body.portals.map((p) => p.clientId)).toEqual(ids.slice(2));
  });

  it('the audit view reads back the portal actions, filtered by officer and paged with before', async () => {
    const boss = await supervisor();
    const { portal } = await registerThroughConsole(boss);
    await boss.call(`/api/officer/portals/${portal.clientId}/disable`, {});
    const mine = await boss.call<{ events: Array<{ id: number; action: string; subject: string | null }> }>(`/api/officer/audit?officerId=${boss.me.officerId}`);
    expect(mine.body.events.slice(0, 2).map((e) => [e.action, e.subject])).toEqual([
      ['portal.disabled', `portal:${portal.clientId}`],
      ['portal.registered', `portal:${portal.clientId}`],
    ]);
    const older = await boss.call<{ events: Array<{ id: number }> }>(`/api/officer/audit?officerId=${boss.me.officerId}&before=${mine.body.events[0]!.id}`);
    expect(older.body.events[0]!.id).toBe(mine.body.events[1]!.id);
  });
});

describe('sharing history of data fetched after the sign-in', { timeout: 30_000 }, () => {
  it('UserInfo on a later day (offline_access) adds one entry a day for that sign-in, however often the portal calls', async () => {
    const boss = await supervisor();
    const { phone, me } = await citizenWithPhone();
    const { portal } = await registerThroughConsole(boss, { name: 'Cổng BHXH', scopes: ['openid', 'profile', 'offline_access'] });
    const { tokens, claims } = await signInToPortal(phone, portal, { scope: 'openid profile offline_access' });
    // The sign-in's own UserInfo calls are covered by the sign-in's entry.
    await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub);
    await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub);
    const history = async () => (await api<{ history: SsoDisclosure[] }>('/api/sso/history', { cookie: phone.cookie })).body.history;
    expect((await history()).map((d) => d.kind)).toEqual(['sign_in']);

    // A day passes (the sign-in's entry moved a day back), and the portal keeps refreshing and fetching.
    await (await shardDb(me.accountId)).prepare('UPDATE oidc_disclosures SET day = day - 1, at = at - 86400000 WHERE account_id = ?').bind(me.accountId).run();
    let refresh = tokens.refresh_token!;
    for (let i = 0; i < 3; i++) {
      const next = await client.refreshTokenGrant(portal.config, refresh);
      refresh = next.refresh_token!;
      await client.fetchUserInfo(portal.config, next.access_token, claims.sub);
    }
    const entries = await history();
    expect(entries.map((d) => d.kind)).toEqual(['userinfo', 'sign_in']);
    expect(entries[0]).toMatchObject({ clientId: portal.clientId, clientName: 'Cổng BHXH', items: ['sub', 'acr', 'name', 'birthdate', 'gender'], level: 1 });
    const rows = await (await shardDb(me.accountId)).prepare('SELECT count(*) AS n FROM oidc_disclosures WHERE account_id = ?').bind(me.accountId).first<{ n: number }>();
    expect(rows!.n).toBe(2);
  });

  it('a portal that lost a scope is recorded with what it actually received', async () => {
    const boss = await supervisor();
    const { phone, me } = await citizenWithPhone();
    const { portal, response } = await registerThroughConsole(boss, { scopes: ['openid', 'profile', 'phone'] });
    const { tokens, claims } = await signInToPortal(phone, portal, { scope: 'openid profile phone' });
    await boss.call(`/api/officer/portals/${portal.clientId}`, { name: response.portal.name, authMethod: 'client_secret_basic', redirectUris: response.portal.redirectUris, scopes: ['openid', 'profile'] });
    const info = await client.fetchUserInfo(portal.config, tokens.access_token, claims.sub);
    expect(info).not.toHaveProperty('phone_number');
    const rows = await (await shardDb(me.accountId)).prepare('SELECT kind, items FROM oidc_disclosures WHERE account_id = ? ORDER BY id').bind(me.accountId).all<{ kind: string; items: string }>();
    expect(rows.results.map((r) => [r.kind, JSON.parse(r.items) as string[]])).toEqual([
      ['sign_in', ['sub', 'acr', 'name', 'birthdate', 'gender', 'phone_number']],
      ['userinfo', ['sub', 'acr', 'name', 'birthdate', 'gender']],
    ]);
  });
});
