/**
 * The wallet end to end in Chromium against the real edge (wrangler dev, local D1):
 * Lê Minh Khang (048204000777; no other e2e file registers him) registers, signs out and signs
 * in again with his passkey, downloads his documents, sets a wallet passcode (and passkey unlock through the PRF extension); an officer
 * makes the account level 2 and attaches documents; the wallet syncs them. The verifier is
 * opened once online (it downloads the trust and status lists). Then the phone goes offline and
 * the browser is closed and opened again on the same profile: the wallet opens with the
 * passcode, shows a QR; a screenshot of it is decoded by jsQR, and the decoded text verifies
 * in the verifier offline (valid, with only the shared fields) and, three minutes later, is
 * stale. A revoked document is refused; five wrong passcodes wipe the wallet; a day later the
 * verifier flags its issuer keys, a week later it trusts none.
 * Screenshots go to test-output/screens/wallet-*.png and verify-*.png.
 */
import { rmSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { vi as text } from '../../web/i18n/vi';
import { walletVi as w } from '../../web/i18n/wallet-vi';
import { MAX_PASSCODE_ATTEMPTS } from '../../web/wallet/vault';
import type { Browser } from 'playwright-core';
import { syntheticSectoralRegistries } from '../../edge/registries/sectoral';
import { syntheticCitizen } from '../../edge/registries/synthetic';
import { hasHorizontalOverflow, launchBrowser, newPhone, screenshot, waitForServiceWorker, waitOrAlert } from './helpers/browser';
import { newProfileDir, openPersistentPhone, registerThroughApp } from './helpers/services';
import { approveLevel2, decodeQrScreenshot, readRawWallet, revokeDocument } from './helpers/wallet';

const KHANG = { idNumber: '048204000777', fullName: 'Lê Minh Khang', birthDate: '2004-02-29', phone: '+84701234567' };
const PASSCODE = '480215';
/** What an officer attaches at level 2 (the synthetic transport registry holds no licence for him). */
const ATTACH = ['driving_licence', 'vehicle_registration', 'health_insurance', 'social_insurance', 'health_book'] as const;
const LEVEL2_TYPES = ['eid_card', 'residence', 'vehicle_registration', 'health_insurance', 'social_insurance', 'health_book'];

async function shoot(page: Page, name: string): Promise<string> {
  expect(await hasHorizontalOverflow(page), `${name}: no horizontal overflow at 360 px`).toBe(false);
  return screenshot(page, name);
}

/** Opens a document's QR screen from the wallet list, on `view`; returns the QR text on screen. */
async function showQr(page: Page, docType: string, view: 'full' | 'basic' | 'age_over_18'): Promise<string> {
  await page.getByTestId(`doc-tile-${docType}`).click();
  await page.getByTestId('show-qr').click();
  const radio = page.getByTestId(`qr-view-${view}`);
  // The radio sits inside its segment's label: a tap on the label chooses it.
  if (await radio.count()) await page.locator('label', { has: radio }).click();
  const qr = page.getByTestId('qr-code');
  await expect.poll(async () => (await qr.getAttribute('data-view')) === view && ((await qr.getAttribute('data-qr-text')) ?? '').startsWith('VN1')).toBe(true);
  return (await qr.getAttribute('data-qr-text'))!;
}

/** Screenshots the QR screen and decodes the picture with jsQR; the text must be what the screen drew. */
async function screenshotAndDecode(page: Page, name: string): Promise<{ decoded: string; path: string }> {
  const qr = page.getByTestId('qr-code');
  const before = await qr.getAttribute('data-qr-text');
  const path = await shoot(page, name);
  const after = await qr.getAttribute('data-qr-text');
  const { readFileSync } = await import('node:fs');
  const decoded = await decodeQrScreenshot(page, readFileSync(path));
  expect(decoded, 'jsQR reads the QR in the screenshot').not.toBeNull();
  expect([before, after]).toContain(decoded);
  return { decoded: decoded!, path };
}

async function verifyText(verifier: Page, qrText: string): Promise<string> {
  // A verdict on screen: "check another code" brings the inputs back.
  if (await verifier.getByTestId('verify-again').count()) await verifier.getByTestId('verify-again').click();
  await verifier.getByTestId('qr-text').fill(qrText);
  await verifier.getByTestId('qr-check').click();
  const verdict = verifier.getByTestId('verdict');
  await verdict.waitFor();
  return (await verdict.getAttribute('data-verdict'))!;
}

async function unlockWith(page: Page, passcode: string): Promise<void> {
  await page.getByLabel(w['passcode.label']).fill(passcode);
  await page.getByTestId('passcode-unlock').click();
}

describe('wallet: sync, passcode, offline cold start, QR, verifier', () => {
  const baseUrl = inject('baseUrl');
  const statePath = inject('statePath');
  const profile = newProfileDir();
  let context: BrowserContext;
  let page: Page;
  let verifier: Page;
  let prfWorked = false;
  let offlineQr = '';
  let offlineShot = '';
  let broken = false;

  beforeAll(async () => {
    ({ context, page } = await openPersistentPhone(profile));
  });

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  beforeEach(({ skip, onTestFailed }) => {
    if (broken) skip();
    onTestFailed(() => {
      broken = true;
    });
  });

  it('registers Lê Minh Khang (level 1), signs out, and signs in again with the passkey (usernameless) and the device key', async () => {
    await registerThroughApp(page, baseUrl, KHANG);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('sign-out').click();
    await page.waitForURL(`${baseUrl}/welcome`);
    expect(await page.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(401);
    await page.getByTestId('welcome-signin').click();
    await page.getByTestId('signin-passkey').click();
    await waitOrAlert(page, page.getByTestId('account-card'));
    expect(await page.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(200);
  });

  it('offers the wallet on the home screen, empty until the first sync', async () => {
    await page.getByTestId('wallet').getByText(text['home.walletEmpty']).waitFor();
    expect((await readRawWallet(page)).walletKey).toBeNull();
  });

  it('downloads the documents, refuses a weak passcode, then seals them under a new passcode', async () => {
    await page.getByTestId('open-wallet').click();
    await page.getByTestId('wallet-download').waitFor();
    await shoot(page, 'wallet-01-first-download');
    await page.getByTestId('wallet-download').click();
    await waitOrAlert(page, page.getByLabel(w['passcode.new']));
    await page.getByText(w['passcode.setLead'].replace('{count}', '1')).waitFor();

    await page.getByLabel(w['passcode.new']).fill('123456');
    await page.getByLabel(w['passcode.confirm']).fill('123456');
    await page.getByTestId('passcode-save').click();
    await page.getByText(w['passcode.weak']).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('passcode-new');
    await page.getByLabel(w['passcode.new']).fill(PASSCODE);
    await page.getByLabel(w['passcode.confirm']).fill('480216');
    await page.getByTestId('passcode-save').click();
    await page.getByText(w['passcode.mismatch']).waitFor();
    await shoot(page, 'wallet-02-set-passcode');

    await page.getByLabel(w['passcode.confirm']).fill(PASSCODE);
    await page.getByTestId('passcode-save').click();
    await page.getByTestId('doc-tile-personal_information').waitFor();

    // At rest: only AES-GCM ciphertext; the passcode KDF is PBKDF2 with the stated count; the device secret cannot be exported.
    const raw = await readRawWallet(page);
    expect(raw.walletKey).toMatchObject({ failedAttempts: 0, iterations: 600_000, deviceSecretExtractable: false });
    const sealed = Buffer.from(raw.ciphertext!, 'base64');
    expect(sealed.length).toBeGreaterThan(500);
    for (const needle of ['048204000777', 'Khang', 'VN1', 'personal_information']) expect(sealed.includes(Buffer.from(needle))).toBe(false);
  });

  it('adds passkey unlock through the PRF extension (CDP virtual authenticator with hasPrf)', async () => {
    await page.getByTestId('passkey-offer').waitFor();
    await shoot(page, 'wallet-03-passkey-offer');
    await page.getByTestId('passkey-enable').click();
    await page.getByText(new RegExp(`${w['passkey.enabled']}|${w['passkey.unsupported']}`)).waitFor();
    prfWorked = (await readRawWallet(page)).walletKey!.hasPasskeyBox;
    expect(prfWorked, 'this Chromium gives PRF results for a passkey made with the prf extension').toBe(true);
    // Locked, then opened by the passkey alone.
    await page.getByTestId('wallet-lock').click();
    await page.getByTestId('passkey-unlock').click();
    await waitOrAlert(page, page.getByTestId('doc-tile-personal_information'));
  });

  it('shows the personal-information document as its card', async () => {
    await page.getByTestId('doc-tile-personal_information').click();
    const card = page.getByTestId('doc-card-personal_information');
    await card.getByText(KHANG.fullName).waitFor();
    await card.getByText('29/02/2004').waitFor();
    await card.getByText(w['f.permanentAddress']).waitFor();
    await page.getByTestId('copy-expiry').waitFor();
    await shoot(page, 'wallet-card-personal_information');
    await page.getByRole('link', { name: w['wallet.back'] }).click();
  });

  it('syncs after a level-2 approval: the e-ID card, residence and attached documents, each drawn as its card', async () => {
    await approveLevel2(statePath, KHANG.idNumber, ATTACH);
    await page.getByTestId('wallet-sync').click();
    await page.getByText(w['wallet.synced']).waitFor();
    for (const type of LEVEL2_TYPES) await page.getByTestId(`doc-tile-${type}`).waitFor();
    expect(await page.getByTestId('doc-tile-personal_information').count()).toBe(0);
    await shoot(page, 'wallet-04-list');
    for (const type of LEVEL2_TYPES) {
      await page.getByTestId(`doc-tile-${type}`).click();
      await page.getByTestId(`doc-card-${type}`).waitFor();
      await shoot(page, `wallet-card-${type}`);
      await page.getByRole('link', { name: w['wallet.back'] }).click();
    }
  });

  it('opens the verifier online: it downloads and states the age of the trust and status lists', async () => {
    verifier = await context.newPage();
    await verifier.goto(`${baseUrl}/verify`);
    await expect.poll(() => verifier.getByTestId('status-age').getAttribute('data-freshness')).toBe('fresh');
    expect(await verifier.getByTestId('trust-age').textContent()).toMatch(/^tải về /);
    expect(await verifier.getByTestId('status-age').textContent()).toMatch(/^cập nhật /);
    await shoot(verifier, 'verify-01-start');
  });

  it('shows the e-ID card as a QR (basic view); jsQR decodes the screenshot; the verifier says valid with only the basic fields', async () => {
    await page.bringToFront();
    const onScreen = await showQr(page, 'eid_card', 'basic');
    expect(onScreen.startsWith('VN1:')).toBe(true);
    await page.getByTestId('qr-countdown').waitFor();
    const { decoded, path } = await screenshotAndDecode(page, 'wallet-05-qr');

    await verifier.bringToFront();
    expect(await verifyText(verifier, decoded)).toBe('valid');
    const card = verifier.getByTestId('doc-card-eid_card');
    await card.getByText(KHANG.fullName).waitFor();
    await card.getByText(KHANG.idNumber).waitFor();
    await card.getByText('29/02/2004').waitFor();
    // Basic view: no address, no place of origin, no card dates.
    for (const label of ['f.permanentAddress', 'f.hometown', 'f.issueDate', 'f.ethnicity'] as const) expect(await card.getByText(w[label]).count()).toBe(0);
    await shoot(verifier, 'verify-02-valid');

    // The same screenshot read by the verifier itself from a picture (jsQR in the page: no BarcodeDetector on Linux).
    await verifier.getByTestId('verify-again').click();
    await verifier.getByTestId('scan-image').setInputFiles(path);
    await expect.poll(() => verifier.getByTestId('verdict').getAttribute('data-verdict')).toBe('valid');
  });

  it('refuses a revoked document once the verifier has the new status list', async () => {
    await revokeDocument(statePath, KHANG.idNumber, 'vehicle_registration');
    await verifier.getByTestId('lists-refresh').click();
    await verifier.getByText(w['verify.refreshed']).waitFor();
    await page.bringToFront();
    // In-app navigation back to the list (a page load would lock the wallet): QR → card → list.
    await page.locator('.back-link').click();
    await page.locator('.back-link').click();
    const qr = await showQr(page, 'vehicle_registration', 'full');
    await verifier.bringToFront();
    expect(await verifyText(verifier, qr)).toBe('revoked');
    await verifier.getByText(w['verdict.revoked']).waitFor();
    expect(await verifier.getByTestId('doc-card-vehicle_registration').count()).toBe(0);
    await shoot(verifier, 'verify-03-revoked');
  });

  it('after going offline and restarting the browser, opens with the passcode and shows a QR that jsQR decodes', async () => {
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await context.close();
    ({ context, page } = await openPersistentPhone(profile));
    await context.setOffline(true);
    // Time is the test's from here on: it moves on by itself, and jumps when told (the stale check below).
    await context.clock.install();
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('offline-banner').waitFor();
    await page.getByTestId('open-wallet').click();
    await page.getByLabel(w['passcode.label']).waitFor();
    await page.getByTestId('passkey-unlock').waitFor();
    await shoot(page, 'wallet-06-passcode');
    await unlockWith(page, PASSCODE);
    await waitOrAlert(page, page.getByTestId('doc-tile-eid_card'));
    await page.getByText(w['wallet.offline']).waitFor();
    await showQr(page, 'eid_card', 'basic');
    await page.getByText(w['qr.brightness']).waitFor();
    ({ decoded: offlineQr, path: offlineShot } = await screenshotAndDecode(page, 'wallet-07-qr-offline'));
  });

  it('verifies the decoded text offline: valid, with the shared fields', async () => {
    verifier = await context.newPage();
    await verifier.goto(`${baseUrl}/verify`);
    await verifier.getByTestId('status-age').waitFor();
    expect(await verifier.getByTestId('lists-refresh').count()).toBe(0); // offline: nothing to refresh
    expect(await verifyText(verifier, offlineQr)).toBe('valid');
    await verifier.getByTestId('doc-card-eid_card').getByText(KHANG.fullName).waitFor();
    await shoot(verifier, 'verify-04-valid-offline');
    // The picture path offline too: the fallback decoder's chunk was cached by the service worker at the online visit.
    await verifier.getByTestId('verify-again').click();
    await verifier.getByTestId('scan-image').setInputFiles(offlineShot);
    await expect.poll(() => verifier.getByTestId('verdict').getAttribute('data-verdict')).toBe('valid');
  });

  it('check code: with a code shown by the verifier, a fresh screenshot is refused and the code typed on the phone passes (offline)', async () => {
    await verifier.getByTestId('verify-again').click();
    await verifier.getByTestId('check-code-start').click();
    const code = (await verifier.getByTestId('check-code').getAttribute('data-code'))!;
    expect(code).toMatch(/^\d{6}$/);
    await shoot(verifier, 'verify-06-check-code');
    // The screenshot of a minute ago is genuine and inside the freshness window, but it was made before the code existed.
    expect(await verifyText(verifier, offlineQr)).toBe('nonce_mismatch');
    await verifier.getByText(w['verdict.nonce_mismatch']).waitFor();
    // "Check another code" gives a new code: one code, one check.
    await verifier.getByTestId('verify-again').click();
    const fresh = (await verifier.getByTestId('check-code').getAttribute('data-code'))!;
    expect(fresh).toMatch(/^\d{6}$/);

    await page.bringToFront();
    const qr = page.getByTestId('qr-code');
    const before = await qr.getAttribute('data-qr-text');
    // Typed as it is read out, with a space: the digits are kept.
    await page.getByTestId('qr-check-code').fill(`${fresh.slice(0, 3)} ${fresh.slice(3)}`);
    await page.getByTestId('qr-check-code-on').waitFor();
    await expect.poll(async () => (await qr.getAttribute('data-qr-text')) !== before).toBe(true);
    const { decoded } = await screenshotAndDecode(page, 'wallet-10-qr-check-code');

    await verifier.bringToFront();
    // verifyText clicks "check another code" only when a verdict is on screen; here none is, so the code stays `fresh`.
    await verifier.getByTestId('qr-text').fill(decoded);
    await verifier.getByTestId('qr-check').click();
    await expect.poll(() => verifier.getByTestId('verdict').getAttribute('data-verdict')).toBe('valid');
    await verifier.getByText(w['verify.checkCode.used'].replace('{code}', `${fresh.slice(0, 3)} ${fresh.slice(3)}`)).waitFor();
    await shoot(verifier, 'verify-07-check-code-valid');
    // The same picture for the next check (a new code): refused.
    expect(await verifyText(verifier, decoded)).toBe('nonce_mismatch');
    await verifier.getByTestId('verify-again').click();
    await verifier.getByTestId('check-code-stop').click();
    await page.bringToFront();
    await page.getByTestId('qr-check-code-clear').click();
    await page.getByTestId('qr-check-code').waitFor();
    await verifier.bringToFront();
  });

  it('refuses the same text once the freshness window has passed: stale', async () => {
    await context.clock.fastForward('03:00');
    expect(await verifyText(verifier, offlineQr)).toBe('stale');
    await verifier.getByText(w['verdict.stale']).waitFor();
    expect(await verifier.getByTestId('doc-card-eid_card').count()).toBe(0);
    await shoot(verifier, 'verify-05-stale');
  });

  it(`wipes the wallet after ${MAX_PASSCODE_ATTEMPTS} wrong passcodes, keeping the device key`, async () => {
    await page.bringToFront();
    const deviceKeyId = (await readRawWallet(page)).deviceKeyId;
    expect(deviceKeyId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.goto(`${baseUrl}/wallet`);
    for (let i = 1; i < MAX_PASSCODE_ATTEMPTS; i++) {
      await unlockWith(page, '000001');
      const left = MAX_PASSCODE_ATTEMPTS - i;
      const message = left === 1 ? w['passcode.lastTry'] : w['passcode.wrong'].replace('{left}', String(left)).replace('{max}', String(MAX_PASSCODE_ATTEMPTS));
      await page.getByTestId('passcode-error').getByText(message).waitFor();
      expect((await readRawWallet(page)).walletKey?.failedAttempts).toBe(i);
    }
    await shoot(page, 'wallet-08-last-try');
    await unlockWith(page, '000001');
    await page.getByTestId('wallet-wiped').waitFor();
    const raw = await readRawWallet(page);
    expect(raw.walletKey).toBeNull();
    expect(raw.ciphertext).toBeNull();
    expect(raw.deviceKeyId).toBe(deviceKeyId);
    await shoot(page, 'wallet-09-wiped');
  });

  it('as the kept lists age offline: past a day the issuer keys are flagged, past seven days no key is trusted (unknown_issuer)', async () => {
    await verifier.bringToFront();
    expect(await verifier.getByTestId('trust-age').getAttribute('data-freshness')).toBe('fresh');
    await context.clock.fastForward(25 * 3600_000);
    // A check reads the lists again at the current time: the screenshot is long stale, the keys still trusted.
    expect(await verifyText(verifier, offlineQr)).toBe('stale');
    await verifier.getByTestId('verify-again').click();
    await verifier.getByTestId('trust-old').waitFor();
    expect(await verifier.getByTestId('trust-age').getAttribute('data-freshness')).toBe('old');
    // The status list (24 h, past its exp) no longer counts at all.
    expect(await verifier.getByTestId('status-age').getAttribute('data-freshness')).toBe('missing');
    await shoot(verifier, 'verify-08-lists-old');
    await context.clock.fastForward(6 * 24 * 3600_000);
    // Issuer keys are checked before the presentation's time (FORMAT.md §11 step 2): nothing is trusted now.
    expect(await verifyText(verifier, offlineQr)).toBe('unknown_issuer');
    await verifier.getByTestId('trust-too-old').waitFor();
    await shoot(verifier, 'verify-09-trust-too-old');
  });
});

/** A seeded citizen (index 0–19: no other e2e file takes these) with a driving licence in the synthetic transport registry. */
async function licenceHolder() {
  const today = new Date().toISOString().slice(0, 10);
  const transport = syntheticSectoralRegistries(() => today);
  for (let i = 0; i < 20; i++) {
    const c = syntheticCitizen(i);
    if (c.phone && c.birthDate < '2000-01-01' && c.cardExpires > today && (await transport.drivingLicence(c))) return { ...c, phone: c.phone };
  }
  throw new Error('no seeded citizen with a driving licence');
}

describe('wallet card gallery: a driving licence, in Vietnamese and English', () => {
  const baseUrl = inject('baseUrl');
  const statePath = inject('statePath');
  let browser: Browser;
  let page: Page;
  let licenceQrPath = '';
  let licenceHolderName = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page } = await newPhone(browser));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws the driving licence as its card, and in English after a language switch', async () => {
    const citizen = await licenceHolder();
    await registerThroughApp(page, baseUrl, citizen);
    await approveLevel2(statePath, citizen.idNumber, ['driving_licence']);
    await page.getByTestId('open-wallet').click();
    await page.getByTestId('wallet-download').click();
    await page.getByLabel(w['passcode.new']).fill(PASSCODE);
    await page.getByLabel(w['passcode.confirm']).fill(PASSCODE);
    await page.getByTestId('passcode-save').click();
    await page.getByTestId('doc-tile-driving_licence').click();
    const card = page.getByTestId('doc-card-driving_licence');
    await card.getByText(w['f.licenceNumber']).waitFor();
    await card.getByText(w['f.classes']).waitFor();
    await shoot(page, 'wallet-card-driving_licence');
    // In-app navigation keeps the wallet open: settings → English → back.
    await page.getByTestId('nav-settings').click();
    await page.getByLabel('English').check();
    await page.goBack();
    await card.getByText('Licence number').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Driving licence' }).waitFor();
    await shoot(page, 'wallet-card-driving_licence-en');
    await page.getByTestId('show-qr').click();
    await page.getByTestId('qr-countdown').getByText(/New code in/).waitFor();
    await shoot(page, 'wallet-qr-en');
    licenceQrPath = new URL(page.url()).pathname;
    licenceHolderName = citizen.fullName;
  });

  it('attack: the prompt that shows before the account is read gives nothing away, and a signed-out visitor does not get past it', async () => {
    // A cold load of the QR address: the prompt (in English: its words load with it) comes from the
    // note that a locked wallet is here, before IndexedDB has been read; no document, no QR.
    await page.goto(`${baseUrl}${licenceQrPath}`);
    await page.getByLabel('Wallet passcode').waitFor();
    expect(await page.getByTestId('qr-code').count()).toBe(0);
    expect(await page.locator('[data-testid^="doc-"]').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain(licenceHolderName);
    // Signed out, the wallet stays on the phone, locked; its addresses send the visitor to the welcome screen.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('sign-out').click();
    await page.waitForURL(`${baseUrl}/welcome`);
    await page.goto(`${baseUrl}${licenceQrPath}`);
    await page.waitForURL(`${baseUrl}/welcome`);
    await page.getByTestId('welcome-register').waitFor();
    expect(await page.getByLabel('Wallet passcode').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain(licenceHolderName);
    expect((await readRawWallet(page)).walletKey?.failedAttempts).toBe(0);
  });
});

describe('verifier kept from before the status list had parts (IndexedDB version 2)', () => {
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

  it('the one status list kept becomes part 0 at the upgrade, and is kept (not downloaded again) while its version is current', async () => {
    // A page of the origin that runs none of the app's code, to write the database as version 2 left it.
    await page.goto(`${baseUrl}/.well-known/vneid/trust-list`);
    await page.evaluate(async () => {
      const bytes = async (path: string) => new Uint8Array(await (await fetch(path)).arrayBuffer());
      const [trust, token] = await Promise.all([bytes('/.well-known/vneid/trust-list'), bytes('/.well-known/vneid/status-list/0')]);
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('vneid', 2);
        open.onupgradeneeded = () => {
          for (const store of ['device-key', 'account', 'wallet-key', 'wallet-documents', 'verifier-lists']) open.result.createObjectStore(store);
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('verifier-lists', 'readwrite');
          tx.objectStore('verifier-lists').put({ body: trust, fetchedAt: Date.now() }, 'trust-list');
          tx.objectStore('verifier-lists').put({ body: token, fetchedAt: 12_345 }, 'status-list');
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
        };
      });
    });
    await page.goto(`${baseUrl}/verify`);
    await expect.poll(() => page.getByTestId('status-age').getAttribute('data-freshness')).toBe('fresh');
    const read = () => page.evaluate(
      () =>
        new Promise<{ version: number; part0: { fetchedAt: number; confirmedAt: number | null } | undefined; old: unknown }>((resolve, reject) => {
          const open = indexedDB.open('vneid');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(['status-parts', 'verifier-lists']);
            const part0 = tx.objectStore('status-parts').get(0);
            const old = tx.objectStore('verifier-lists').get('status-list');
            tx.oncomplete = () => {
              resolve({ version: open.result.version, part0: part0.result, old: old.result });
              open.result.close();
            };
          };
        }),
    );
    // The refresh on opening confirms it against the manifest.
    await expect.poll(async () => (await read()).part0?.confirmedAt ?? null).not.toBeNull();
    const kept = await read();
    expect(kept.version).toBe(3);
    expect(kept.old).toBeUndefined();
    // The same bytes as before the update: the manifest said their version is current.
    expect(kept.part0?.fetchedAt).toBe(12_345);
    expect(kept.part0?.confirmedAt).toBeGreaterThan(Date.now() - 60_000);
  });
});
