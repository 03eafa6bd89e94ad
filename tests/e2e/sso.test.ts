/**
 * Single sign-on end to end in Chromium against the real edge (wrangler dev, local D1): a
 * citizen registers in the PWA, opens the demo portal "Cổng dịch vụ công (demo)", clicks
 * "Đăng nhập bằng tài khoản định danh điện tử", signs in with the passkey (virtual
 * authenticator) and the device key, consents, and lands back on the portal signed in with
 * the claims shown; the app's sharing history lists the disclosure. Then a portal that
 * requires a level-2 account: the app explains why a level-1 account cannot continue.
 * Screenshots go to test-output/screens/sso-*.png.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { syntheticCitizen } from '../../edge/registries/synthetic';
import { en } from '../../web/i18n/en';
import { vi as text } from '../../web/i18n/vi';
import { hasHorizontalOverflow, launchBrowser, newPhone, readSmsCode, screenshot } from './helpers/browser';

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
});
