/**
 * The foundation, end to end in Chromium against the real edge (wrangler dev, local D1):
 * a citizen registers at level 1 through the PWA (registry match → SMS code → passkey +
 * device key), signs out, signs in again with the passkey alone (usernameless), then opens
 * the installed app offline: the shell and the cached home screen still show.
 * Screenshots of every screen go to test-output/screens/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { vi as text } from '../../web/i18n/vi';
import { hasHorizontalOverflow, launchBrowser, newPhone, readSmsCode, screenshot, waitForServiceWorker, waitOrAlert } from './helpers/browser';

const AN = {
  idNumber: '001090012345',
  fullName: 'Nguyễn Văn An',
  birthDate: '1990-05-12',
  phone: '0912345678',
  e164: '+84912345678',
};

/** What the PWA keeps in IndexedDB ("vneid"): whether a device key and a cached account are there. */
function readWalletDb(page: Page): Promise<{ deviceKeyId: string | null; cachedName: string | null }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('vneid');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['device-key', 'account'], 'readonly');
          const key = tx.objectStore('device-key').get('current');
          const me = tx.objectStore('account').get('me');
          tx.oncomplete = () => {
            db.close();
            resolve({
              deviceKeyId: (key.result as { keyId?: string } | undefined)?.keyId ?? null,
              cachedName: (me.result as { me?: { fullName?: string } } | undefined)?.me?.fullName ?? null,
            });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

async function shoot(page: Page, name: string): Promise<void> {
  expect(await hasHorizontalOverflow(page), `${name}: no horizontal overflow at 360 px`).toBe(false);
  await screenshot(page, name);
}

describe('foundation: register, sign out, sign in, offline home', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let deviceKeyId: string | null = null;
  /** The steps build on each other: after one fails, the rest are skipped rather than timing out. */
  let broken = false;

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ context, page } = await newPhone(browser));
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(({ skip, onTestFailed }) => {
    if (broken) skip();
    onTestFailed(() => {
      broken = true;
    });
  });

  it('opens on the welcome screen when signed out', async () => {
    await page.goto(`${baseUrl}/`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/welcome');
    await page.getByRole('heading', { level: 1, name: text['app.name'] }).waitFor();
    expect(await page.title()).toContain(text['welcome.title']);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await page.getByTestId('welcome-register').waitFor();
    await page.getByTestId('welcome-signin').waitFor();
    await shoot(page, '01-welcome');
  });

  it('checks the registration form on the phone before sending it', async () => {
    await page.getByTestId('welcome-register').click();
    await page.getByLabel(text['register.idNumber']).waitFor();
    await page.getByRole('button', { name: text['register.continue'] }).click();
    await page.getByText(text['register.fixErrors']).waitFor();
    expect(await page.getByText(text['field.required']).count()).toBe(4);
    // The first field at fault has the focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('idNumber');
    await shoot(page, '02-register-errors');

    await page.getByLabel(text['register.idNumber']).fill('00109001234'); // 11 digits
    await page.getByRole('button', { name: text['register.continue'] }).click();
    await page.getByText(text['field.id_number']).waitFor();
  });

  it('registers Nguyễn Văn An: registry match, SMS code, passkey + device key', async () => {
    await page.getByLabel(text['register.idNumber']).fill(AN.idNumber);
    await page.getByLabel(text['register.fullName']).fill(AN.fullName);
    await page.getByLabel(text['register.birthDate']).fill(AN.birthDate);
    await page.getByLabel(text['register.phone']).fill(AN.phone);
    await shoot(page, '03-register-details');
    const since = Date.now() - 60_000;
    await page.getByRole('button', { name: text['register.continue'] }).click();

    const codeField = page.getByLabel(text['register.code']);
    await waitOrAlert(page, codeField);
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    await page.getByText('+84 9•• ••• 678').waitFor();
    await page.getByTestId('code-countdown').waitFor();
    await shoot(page, '04-register-code');

    // The development outbox (a lazy route); coming back keeps the registration where it was.
    await page.getByTestId('dev-sms-link').click();
    await page.getByTestId('sms-message').first().waitFor();
    await shoot(page, '05-dev-sms');
    await page.goBack();
    await codeField.waitFor();

    await codeField.fill('000000');
    await page.getByRole('button', { name: text['register.verify'] }).click();
    await page.getByTestId('register-error').getByText(text['errors.code_invalid']).waitFor();
    await shoot(page, '06-register-code-error');

    await codeField.fill(await readSmsCode(baseUrl, AN.e164, since));
    await page.getByRole('button', { name: text['register.verify'] }).click();
    await page.getByText(text['errors.code_invalid']).waitFor({ state: 'detached' }); // the earlier error clears on submit
    await waitOrAlert(page, page.getByTestId('activate'));
    await page.getByText(text['register.approved']).waitFor();
    await shoot(page, '07-register-activate');

    await page.getByTestId('activate').click();
    await waitOrAlert(page, page.getByTestId('account-card'));
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { level: 1, name: text['home.greeting'].replace('{name}', AN.fullName) }).waitFor();
    expect(await page.getByTestId('id-masked').textContent()).toBe('0010•••••345');
    expect(await page.getByTestId('account-level').textContent()).toBe(text['home.level1']);
    await page.getByTestId('wallet').getByText(text['home.walletEmpty']).waitFor();
    const stored = await readWalletDb(page);
    expect(stored.deviceKeyId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stored.cachedName).toBe(AN.fullName);
    deviceKeyId = stored.deviceKeyId;
    await shoot(page, '08-home');
  });

  it('signs out, forgetting the cached account but keeping the device key', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('sign-out').waitFor();
    await page.getByTestId('app-version').waitFor();
    await shoot(page, '09-settings');
    await page.getByTestId('sign-out').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/welcome');
    const stored = await readWalletDb(page);
    expect(stored.cachedName).toBeNull();
    expect(stored.deviceKeyId).toBe(deviceKeyId);
    const me = await page.evaluate(() => fetch('/api/me').then((r) => r.status));
    expect(me).toBe(401);
  });

  it('signs in again with the passkey and the device key (usernameless)', async () => {
    await page.getByTestId('welcome-signin').click();
    await page.getByTestId('signin-passkey').waitFor();
    await shoot(page, '10-signin');
    await page.getByTestId('signin-passkey').click();
    await waitOrAlert(page, page.getByTestId('account-card'));
    await page.getByRole('heading', { level: 1, name: text['home.greeting'].replace('{name}', AN.fullName) }).waitFor();
    expect((await readWalletDb(page)).cachedName).toBe(AN.fullName);
  });

  it('opens offline from the service worker, with the cached home screen', async () => {
    await waitForServiceWorker(page);
    await context.setOffline(true);
    try {
      await page.reload();
      await page.getByRole('heading', { level: 1, name: text['home.greeting'].replace('{name}', AN.fullName) }).waitFor();
      await page.getByTestId('offline-banner').waitFor();
      expect(await page.getByTestId('id-masked').textContent()).toBe('0010•••••345');
      await shoot(page, '11-home-offline');
    } finally {
      await context.setOffline(false);
    }
  });

  it('switches to English and remembers it', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByLabel('English').check();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await shoot(page, '12-settings-en');
    await page.getByLabel('Tiếng Việt').check();
  });
});
