/**
 * Single sign-on end to end in Chromium against the real edge (wrangler dev, local D1): a
 * citizen registers in the PWA, opens the demo portal "Cổng dịch vụ công (demo)", clicks
 * "Đăng nhập bằng tài khoản định danh điện tử", signs in with the passkey (virtual
 * authenticator) and the device key, consents, and lands back on the portal signed in with
 * the claims shown; the app's sharing history lists the disclosure. Then a portal that
 * requires a level-2 account: the app explains why a level-1 account cannot continue. And a
 * portal on another site (http://127.0.0.1, another site than http://localhost) signs the
 * citizen out: its navigation carries no SameSite=Strict session cookie, so the app's
 * /sso/logout ends the session same-origin (asking first when no ID token names the citizen).
 * Screenshots go to test-output/screens/sso-*.png.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { syntheticCitizen } from '../../edge/registries/synthetic';
import { en } from '../../web/i18n/en';
import { vi as text } from '../../web/i18n/vi';
import { createHash, randomBytes } from 'node:crypto';
import { hasHorizontalOverflow, launchBrowser, newPhone, readSmsCode, screenshot } from './helpers/browser';
import { d1 } from './helpers/wallet';

/** A citizen of the seeded synthetic registry (the e2e seed holds 200) that no other test registers. */
function pickCitizen() {
  for (let i = 199; i > 100; i--) {
    const c = syntheticCitizen(i);
    if (c.phone) return { ...c, phone: c.phone };
  }
  throw new Error('no seeded citizen with a phone');
}
const CITIZEN = pickCitizen();
const PORTAL = 'Cổng dịch vụ công (demo)';
const LOGIN = 'Đăng nhập bằng tài khoản định danh điện tử';

async function shoot(page: Page, name: string): Promise<void> {
  expect(await hasHorizontalOverflow(page), `${name}: no horizontal overflow at 360 px`).toBe(false);
  await screenshot(page, name);
}

/** Waits for a locator, or fails with the alert the app shows instead. */
async function waitOrAlert(page: Page, target: Locator): Promise<void> {
  const alert = page.locator('[role=alert].alert');
  await Promise.race([
    target.waitFor(),
    alert.waitFor().then(async () => {
      throw new Error(`the app showed an error: ${await alert.textContent()}`);
    }),
  ]);
}

describe('single sign-on: the demo portal signs a citizen in through the PWA', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page } = await newPhone(browser));
  });

  afterAll(async () => {
    await browser?.close();
  });

  // A failed step leaves a picture of where the browser was.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `sso-failed-${ctx.task.id}`);
  });

  it('registers a citizen in the PWA, then signs out of the app', async () => {
    await page.goto(`${baseUrl}/register`);
    await page.getByLabel(text['register.idNumber']).fill(CITIZEN.idNumber);
    await page.getByLabel(text['register.fullName']).fill(CITIZEN.fullName);
    await page.getByLabel(text['register.birthDate']).fill(CITIZEN.birthDate);
    await page.getByLabel(text['register.phone']).fill(CITIZEN.phone.replace(/^\+84/, '0'));
    const since = Date.now() - 60_000;
    await page.getByRole('button', { name: text['register.continue'] }).click();
    const codeField = page.getByLabel(text['register.code']);
    await waitOrAlert(page, codeField);
    await codeField.fill(await readSmsCode(baseUrl, CITIZEN.phone, since));
    await page.getByRole('button', { name: text['register.verify'] }).click();
    await waitOrAlert(page, page.getByTestId('activate'));
    await page.getByTestId('activate').click();
    await waitOrAlert(page, page.getByTestId('account-card'));
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('sign-out').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/welcome');
  });

  it('signs in to the demo portal with the passkey, consents, and lands back signed in with the claims', async () => {
    await page.goto(`${baseUrl}/portal/`);
    await page.getByRole('heading', { level: 1, name: 'Dịch vụ công trực tuyến' }).waitFor();
    await shoot(page, 'sso-01-portal');

    await page.getByRole('button', { name: LOGIN, exact: true }).click();
    // The provider hands the request to the PWA; signed out, it asks for the passkey first.
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sso');
    await waitOrAlert(page, page.getByTestId('sso-portal').getByText(PORTAL));
    await shoot(page, 'sso-02-signin');
    await page.getByTestId('sso-signin').click();

    // The consent screen lists exactly what goes to the portal.
    await waitOrAlert(page, page.getByTestId('sso-items'));
    await page.getByRole('heading', { level: 1, name: text['sso.consentTitle'].replace('{portal}', PORTAL) }).waitFor();
    const items = page.getByTestId('sso-items');
    for (const key of ['sso.item.sub', 'sso.item.acr', 'sso.item.name', 'sso.item.birthdate', 'sso.item.gender', 'sso.item.phone_number', 'sso.item.vn_id_number'] as const) {
      await items.getByText(text[key], { exact: true }).waitFor();
    }
    await items.getByText(CITIZEN.fullName).waitFor();
    await shoot(page, 'sso-03-consent');
    await page.getByTestId('sso-approve').click();

    // Back on the portal, signed in: the claims it received and the ID token's facts.
    await page.getByRole('heading', { level: 1, name: `Xin chào, ${CITIZEN.fullName}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/portal/');
    expect(await page.locator('[data-claim="vn_id_number"]').textContent()).toBe(CITIZEN.idNumber);
    expect(await page.locator('[data-claim="phone_number"]').textContent()).toBe(CITIZEN.phone);
    expect(await page.locator('[data-claim="acr"]').textContent()).toContain('urn:vneid:loa:1');
    expect(await page.locator('[data-claim="amr"]').textContent()).toBe('hwk, user, pop, mfa');
    expect(await page.locator('[data-claim="sub"]').textContent()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await shoot(page, 'sso-04-portal-signed-in');
  });

  it('lists the portal and the disclosure in the app’s sharing history (Settings)', async () => {
    await page.goto(`${baseUrl}/settings`);
    await page.getByTestId('settings-sharing').click();
    await page.getByRole('heading', { level: 1, name: text['sharing.title'] }).waitFor();
    await page.getByTestId('sharing-portals').getByText(PORTAL).waitFor();
    const history = page.getByTestId('sharing-history');
    await history.getByText(PORTAL).waitFor();
    await history.getByText(text['sso.item.vn_id_number'], { exact: false }).first().waitFor();
    await history.getByText(text['sharing.kind.sign_in']).first().waitFor();
    await shoot(page, 'sso-05-sharing');
  });

  it('signs in again without asking, since consent is remembered', async () => {
    await page.goto(`${baseUrl}/portal/`);
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    // The portal's sign-out goes through the provider's end-session endpoint, which signs the app out too.
    await page.getByText('Bạn đã đăng xuất.').waitFor();
    await page.getByRole('button', { name: LOGIN, exact: true }).click();
    await page.getByTestId('sso-signin').click();
    await page.getByRole('heading', { level: 1, name: `Xin chào, ${CITIZEN.fullName}` }).waitFor();
  });

  it('tells a level-1 citizen why a portal that requires level 2 cannot be used', async () => {
    await page.goto(`${baseUrl}/portal/`);
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Đăng nhập vào dịch vụ yêu cầu tài khoản mức 2' }).click();
    await page.getByTestId('sso-signin').click();
    await waitOrAlert(page, page.getByTestId('sso-level'));
    await page.getByRole('heading', { level: 1, name: text['sso.levelTitle'] }).waitFor();
    await page.getByText(text['sso.levelHow']).waitFor();
    await shoot(page, 'sso-06-level2-required');
    await page.getByTestId('sso-back').click();
    await page.getByText('Dịch vụ này yêu cầu tài khoản định danh điện tử mức 2', { exact: false }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/portal/');
    await shoot(page, 'sso-07-portal-level-refused');
  });

  it('revokes the portal in the app; the next sign-in asks again (in English)', async () => {
    await page.goto(`${baseUrl}/settings`);
    await page.getByLabel('English').check();
    await page.getByTestId('settings-sharing').click();
    await page.getByRole('heading', { level: 1, name: en['sharing.title'] }).waitFor();
    await page.getByRole('button', { name: en['sharing.revokeLabel'].replace('{portal}', PORTAL) }).click();
    await page.getByText(en['sharing.revoked'].replace('{portal}', PORTAL)).waitFor();
    await page.getByTestId('sharing-portals').getByText(en['sharing.portalsEmpty']).waitFor();
    await shoot(page, 'sso-08-sharing-revoked-en');

    await page.goto(`${baseUrl}/portal/`);
    await page.getByRole('button', { name: LOGIN, exact: true }).click();
    await waitOrAlert(page, page.getByTestId('sso-items'));
    await page.getByRole('heading', { level: 1, name: en['sso.consentTitle'].replace('{portal}', PORTAL) }).waitFor();
    await shoot(page, 'sso-09-consent-en');
    await page.getByTestId('sso-deny').click();
    await page.getByText('Bạn đã không đồng ý chia sẻ thông tin', { exact: false }).waitFor();
    await page.goto(`${baseUrl}/settings`);
    await page.getByLabel('Tiếng Việt').check();
  });

  describe('a portal on another site signs the citizen out (RP-initiated logout)', () => {
    const otherSite = baseUrl.replace('//localhost', '//127.0.0.1');
    const RP = `${otherSite}/rp/`;
    const RP_CLIENT = 'e2e-other-site';
    const RP_NAME = 'Cổng thử ở trang khác (e2e)';
    // The other site's pages, served by the test: a portal's page with the links it would have; the callback keeps the code.
    let links: Array<{ label: string; href: string }> = [];
    let callback: URL | null = null;
    const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    const appSession = async () => (await page.context().request.get(`${baseUrl}/api/me`)).status();

    beforeAll(async () => {
      const now = Date.now();
      await d1(
        inject('statePath'),
        `INSERT OR REPLACE INTO oidc_clients (client_id, name, auth_method, secret_hash, jwks, redirect_uris, post_logout_redirect_uris, scopes, sector_id, status, revoked_before, created_at, updated_at)
         VALUES ('${RP_CLIENT}', '${RP_NAME}', 'none', NULL, NULL, '["${RP}callback"]', '["${RP}"]', 'openid profile', '${RP_CLIENT}', 'active', 0, ${now}, ${now})`,
      );
      await page.route(
        (url) => url.origin === otherSite && url.pathname.startsWith('/rp/'),
        async (route) => {
          const url = new URL(route.request().url());
          if (url.pathname === '/rp/callback') callback = url;
          const body = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${RP_NAME}</title></head>
<body><h1>${RP_NAME}</h1><p data-testid="rp-state">${attr(url.searchParams.get('state') ?? '')}</p>${links.map((l) => `<p><a href="${attr(l.href)}">${l.label}</a></p>`).join('')}</body></html>`;
          await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body });
        },
      );
    });

    it('without an ID token: the app asks, then the session really ends and the browser returns to the portal with state', async () => {
      expect(await appSession()).toBe(200); // signed in to the app from the tests above
      links = [{ label: 'Đăng xuất', href: `${baseUrl}/oidc/logout?client_id=${RP_CLIENT}&post_logout_redirect_uri=${encodeURIComponent(RP)}&state=two` }];
      await page.goto(RP);
      await page.getByRole('link', { name: 'Đăng xuất' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/sso/logout');
      await waitOrAlert(page, page.getByTestId('sso-logout-question'));
      await page.getByText(text['ssoLogout.confirmLead'].replace('{portal}', RP_NAME)).waitFor();
      await shoot(page, 'sso-10-logout-confirm');
      await page.getByTestId('sso-logout-confirm').click();
      await expect.poll(() => page.url()).toBe(`${RP}?state=two`);
      expect(await appSession()).toBe(401);
    });

    it('with the ID token it received: the app signs out without asking, and the session really ends', async () => {
      // Sign in to the other-site portal through the app (code + PKCE; the test plays the portal's back end).
      const verifier = randomBytes(32).toString('base64url');
      const authorize = new URL(`${baseUrl}/oidc/authorize`);
      for (const [k, v] of Object.entries({
        client_id: RP_CLIENT,
        redirect_uri: `${RP}callback`,
        response_type: 'code',
        scope: 'openid profile',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: 'in',
        nonce: randomBytes(16).toString('base64url'),
      })) {
        authorize.searchParams.set(k, v);
      }
      links = [{ label: 'Đăng nhập', href: authorize.href }];
      await page.goto(RP);
      await page.getByRole('link', { name: 'Đăng nhập' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/sso');
      await waitOrAlert(page, page.getByTestId('sso-signin'));
      await page.getByTestId('sso-signin').click();
      await waitOrAlert(page, page.getByTestId('sso-approve'));
      await page.getByTestId('sso-approve').click();
      await expect.poll(() => callback?.searchParams.get('code') ?? null).not.toBeNull();
      const token = await fetch(`${baseUrl}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: callback!.searchParams.get('code')!, redirect_uri: `${RP}callback`, client_id: RP_CLIENT, code_verifier: verifier }),
      });
      expect(token.status).toBe(200);
      const { id_token } = (await token.json()) as { id_token: string };
      expect(await appSession()).toBe(200);

      links = [{ label: 'Đăng xuất', href: `${baseUrl}/oidc/logout?id_token_hint=${id_token}&post_logout_redirect_uri=${encodeURIComponent(RP)}&state=bye` }];
      await page.goto(RP);
      await page.getByRole('link', { name: 'Đăng xuất' }).click();
      await expect.poll(() => page.url()).toBe(`${RP}?state=bye`);
      expect(await appSession()).toBe(401);
    });
  });
});
