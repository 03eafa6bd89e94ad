/**
 * Account life end to end in Chromium against the real edge (wrangler dev, local D1), each
 * browser context its own device with its own virtual passkey authenticator:
 *  1. phone A registers; phone B starts a device change (ID number + SMS code) and shows its
 *     approval code and QR (a link to the approval screen, decoded from the screenshot);
 *     A is notified in the app, follows the notice to its devices, scans B's QR (the
 *     screenshot fed to the scanner's picture input, decoded in the page) and approves with
 *     its passkey + device key after seeing what is asked; B finishes (its own passkey +
 *     device key), signs in and gets its documents in the wallet (passcode, cards); A is
 *     signed out and refused. A third context (a computer) locks the account with an SMS
 *     code: both phones try to sign in and are refused, each with its reason. An officer
 *     (bootstrapped with the one-time code, passkey sign-in) unlocks after checking the
 *     card; B signs in, opens and syncs its wallet again.
 *  2. The officer enrols a citizen at level 2 in person; the citizen activates on a phone
 *     with ID number + SMS code; the officer attaches a driving licence; the citizen's wallet
 *     shows the e-ID card and the licence.
 * Screenshots: citizen screens at 360×740, the officer console at 1280×800.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { syntheticCitizen } from '../../edge/registries/synthetic';
import { readFileSync } from 'node:fs';
import { accountsVi as acc } from '../../web/i18n/accounts-vi';
import { officerVi as desk } from '../../web/i18n/officer-vi';
import { vi as text } from '../../web/i18n/vi';
import { walletVi as w } from '../../web/i18n/wallet-vi';
import { createOfficerBootstrapCode } from '../../edge/cli/lib.mjs';
import { addVirtualAuthenticator, hasHorizontalOverflow, launchBrowser, newPhone, readSmsCode, screenshot, waitOrAlert } from './helpers/browser';
import { registerThroughApp } from './helpers/services';
import { decodeQrScreenshot } from './helpers/wallet';

/** Seeded citizens no other e2e test registers (they take 20–100 and the top of 100–199), adults with a card in force. */
function pickCitizens(count: number) {
  const out: Array<ReturnType<typeof syntheticCitizen> & { phone: string }> = [];
  for (let i = 120; i < 180 && out.length < count; i++) {
    const c = syntheticCitizen(i);
    if (c.phone && c.birthDate < '1995-01-01' && c.cardExpires > '2027-12-31') out.push({ ...c, phone: c.phone });
  }
  if (out.length < count) throw new Error('not enough seeded citizens for the accounts test');
  return out;
}
const [OWNER, LEVEL2] = pickCitizens(2) as [ReturnType<typeof pickCitizens>[number], ReturnType<typeof pickCitizens>[number]];
const local = (e164: string) => `0${e164.slice(3)}`;
const WALLET_PASSCODE = '720461';

async function shoot(page: Page, name: string): Promise<string> {
  expect(await hasHorizontalOverflow(page), `${name}: no horizontal overflow`).toBe(false);
  return screenshot(page, name);
}

/** The wallet sync as the app does it, from the page: the device key in IndexedDB signs the issuance challenge. */
function syncFromPage(page: Page): Promise<{ status: number; docTypes: string[]; code?: string; holderKeyId: string | null }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('vneid');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const key = await new Promise<{ keyId: string; keyPair: CryptoKeyPair } | undefined>((resolve, reject) => {
      const get = db.transaction('device-key').objectStore('device-key').get('current');
      get.onsuccess = () => resolve(get.result as { keyId: string; keyPair: CryptoKeyPair } | undefined);
      get.onerror = () => reject(get.error);
    });
    db.close();
    if (!key) return { status: 0, docTypes: [], code: 'no_device_key', holderKeyId: null };
    const post = (path: string, body: unknown) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const challenge = await post('/api/wallet/challenge', {});
    if (!challenge.ok) return { status: challenge.status, docTypes: [], code: ((await challenge.json()) as { error: { code: string } }).error.code, holderKeyId: key.keyId };
    const { challenge: value } = (await challenge.json()) as { challenge: string };
    const message = new TextEncoder().encode(`vneid:device-proof:v1:issue:${value}`);
    const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.keyPair.privateKey, message));
    const b64 = btoa(String.fromCharCode(...signature)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const res = await post('/api/wallet/sync', { challenge: value, signature: b64 });
    const body = (await res.json()) as { documents?: Array<{ docType: string }>; error?: { code: string } };
    return { status: res.status, docTypes: (body.documents ?? []).map((d) => d.docType).sort(), ...(body.error ? { code: body.error.code } : {}), holderKeyId: key.keyId };
  });
}

async function meStatus(page: Page): Promise<number> {
  return page.evaluate(async () => (await fetch('/api/me')).status);
}

/** Usernameless sign-in through the PWA. */
async function signInThroughApp(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByTestId('signin-passkey').click();
}

async function fillIdAndPhone(page: Page, c: { idNumber: string; phone: string }): Promise<void> {
  await page.getByLabel(acc['field.idNumber']).fill(c.idNumber);
  await page.getByLabel(acc['field.phone']).fill(local(c.phone));
}

async function enterSmsCode(page: Page, baseUrl: string, phone: string, since: number, button: string): Promise<void> {
  const field = page.getByLabel(acc['code.label']);
  await waitOrAlert(page, field);
  await field.fill(await readSmsCode(baseUrl, phone, since));
  await page.getByRole('button', { name: button }).click();
}

describe('accounts: device change, lock, officer unlock, level 2 in person', () => {
  const baseUrl = inject('baseUrl');
  const statePath = inject('statePath');
  let browser: Browser;
  let phoneA: { context: BrowserContext; page: Page };
  let phoneB: { context: BrowserContext; page: Page };
  let officer: { context: BrowserContext; page: Page };
  /** Phone B's screen with its approval QR, as a picture phone A's scanner reads. */
  let qrShot = '';
  let approvalCode = '';
  let broken = false;

  beforeAll(async () => {
    browser = await launchBrowser();
    phoneA = await newPhone(browser);
    phoneB = await newPhone(browser);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    officer = { context, page };
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

  it('phone A registers; its settings list this device and its passkey', async () => {
    const { page } = phoneA;
    await registerThroughApp(page, baseUrl, OWNER);
    await page.goto(`${baseUrl}/settings`);
    await page.getByTestId('settings-security').waitFor();
    await shoot(page, 'acc-01-settings-security');
    await page.getByTestId('settings-devices').click();
    await page.getByTestId('device').first().waitFor();
    expect(await page.getByTestId('device').getAttribute('data-current')).toBe('true');
    await expect.poll(() => page.getByTestId('passkey').count()).toBe(1);
    await shoot(page, 'acc-02-devices');
  });

  it('phone B starts a device change with the ID number and an SMS code, and shows the approval code', async () => {
    const { page } = phoneB;
    await page.goto(`${baseUrl}/welcome`);
    await page.getByTestId('welcome-device-change').waitFor();
    await shoot(page, 'acc-00-welcome');
    await page.goto(`${baseUrl}/signin`);
    await page.getByTestId('signin-device-change').click();
    await page.getByTestId('dc-start').waitFor();
    await shoot(page, 'acc-03-device-change-start');
    await fillIdAndPhone(page, OWNER);
    const since = Date.now() - 1000;
    await page.getByRole('button', { name: acc['dc.send'] }).click();
    await enterSmsCode(page, baseUrl, OWNER.phone, since, acc['code.verify']);
    await waitOrAlert(page, page.getByTestId('approval-code'));
    approvalCode = (await page.getByTestId('approval-code').textContent())!;
    expect(approvalCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await expect.poll(() => page.getByTestId('dc-wait').count()).toBe(1); // level 1: the waiting path is offered
    await page.getByTestId('approval-qr').evaluate((img: HTMLImageElement) => img.decode());
    qrShot = await shoot(page, 'acc-04-device-change-code');
    // The QR is a link to the approval screen on this origin (a phone's camera app can open it), with the code.
    expect(await decodeQrScreenshot(page, readFileSync(qrShot))).toBe(`${baseUrl}/device-change/approve?code=${approvalCode}`);
  });

  it('phone A is told in the app; from the notice to its devices, it scans B\'s QR, sees the request and approves with its passkey and device key', async () => {
    const { page } = phoneA;
    // The SIM may already be in phone B: the old phone learns of the request in the app itself.
    await page.goto(`${baseUrl}/notifications`);
    const notice = page.locator('[data-testid="notification"][data-kind="security"]');
    await waitOrAlert(page, notice);
    expect(await notice.textContent()).toMatch(/thiết bị mới/);
    await shoot(page, 'acc-04b-old-phone-notified');
    await notice.getByTestId('notification-link').click();
    await page.waitForURL(/\/settings\/devices$/);
    await page.getByTestId('pending-changes').waitFor();
    await page.getByTestId('to-approve').click();

    // The scan button loads the scanner (and its decoder) only now; no camera here, so the picture of B's screen is read.
    await page.getByTestId('ap-scan').waitFor();
    await shoot(page, 'acc-05-approve-scan');
    await page.getByTestId('ap-scan').click();
    await page.getByTestId('qr-scanner').waitFor();
    await shoot(page, 'acc-05b-approve-scanner');
    await page.getByTestId('scan-image').setInputFiles(qrShot);
    await waitOrAlert(page, page.getByTestId('ap-request'));
    expect(await page.locator('#ap-code').count()).toBe(0); // the code was never typed
    expect(await page.getByTestId('ap-label').textContent()).toMatch(/Android/);
    expect(await page.getByTestId('ap-time').textContent()).toMatch(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}$/);
    await shoot(page, 'acc-05c-approve-request');
    await page.getByTestId('ap-approve').click();
    await waitOrAlert(page, page.getByTestId('ap-done'));
    await shoot(page, 'acc-06-approved');
  });

  it('phone B finishes with its own passkey and device key, and gets its documents', async () => {
    const { page } = phoneB;
    // The phone looks every few seconds while it waits: the approval shows up by itself.
    await waitOrAlert(page, page.getByTestId('dc-finish'));
    await page.getByTestId('dc-finish').click();
    await waitOrAlert(page, page.getByTestId('account-card'));
    await shoot(page, 'acc-07-new-phone-home');
    // Signed out and in again: B's passkey and device key now open the account by themselves.
    await page.goto(`${baseUrl}/settings`);
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/welcome/);
    await signInThroughApp(page, baseUrl);
    await waitOrAlert(page, page.getByTestId('account-card'));
    // The documents through the wallet: download, seal under a passcode, see the card.
    await page.goto(`${baseUrl}/wallet`);
    await page.getByTestId('wallet-download').click();
    await waitOrAlert(page, page.getByLabel(w['passcode.new']));
    await page.getByLabel(w['passcode.new']).fill(WALLET_PASSCODE);
    await page.getByLabel(w['passcode.confirm']).fill(WALLET_PASSCODE);
    await page.getByTestId('passcode-save').click();
    await waitOrAlert(page, page.getByTestId('doc-tile-personal_information'));
    await page.getByTestId('doc-tile-personal_information').click();
    await page.getByTestId('doc-card-personal_information').getByText(OWNER.fullName).waitFor();
    await shoot(page, 'acc-07b-new-phone-wallet');
  });

  it('phone A is signed out and refused', async () => {
    const { page } = phoneA;
    expect(await meStatus(page)).toBe(401);
    await signInThroughApp(page, baseUrl);
    const error = page.getByTestId('signin-error');
    await expect.poll(async () => (await error.textContent()) ?? '').toContain(text['errors.credential_unknown']);
    await shoot(page, 'acc-08-old-phone-refused');
    // The approval link opened on it (as its camera app would): it must sign in first, and cannot.
    await page.goto(`${baseUrl}/device-change/approve?code=${approvalCode}`);
    await page.getByTestId('ap-signin').waitFor();
    await shoot(page, 'acc-08b-approve-link-signed-out');
    await page.getByTestId('ap-signin').getByRole('button').click();
    await expect.poll(async () => (await page.getByTestId('ap-signin-error').textContent()) ?? '').toContain(text['errors.credential_unknown']);
  });

  it('a computer locks the account with the ID number and an SMS code; both phones are refused', async () => {
    await phoneB.page.goto(`${baseUrl}/lock`);
    await phoneB.page.getByTestId('lock-now').waitFor();
    await shoot(phoneB.page, 'acc-09-lock-from-app');

    const computer = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    const page = await computer.newPage();
    await page.goto(`${baseUrl}/welcome`);
    await page.getByTestId('welcome-lock').click();
    await page.getByTestId('lock-start').waitFor();
    await fillIdAndPhone(page, OWNER);
    const since = Date.now() - 1000;
    await page.getByRole('button', { name: acc['lock.send'] }).click();
    await enterSmsCode(page, baseUrl, OWNER.phone, since, acc['lock.confirmCode']);
    await waitOrAlert(page, page.getByTestId('lock-done'));
    // Locked from a computer: the bound phone cannot undo it (it may be in a thief's hands).
    expect(await page.getByTestId('lock-done-next').textContent()).toBe(acc['lock.doneNextRemote']);
    await screenshot(page, 'acc-10-lock-from-computer-1280');
    await computer.close();

    expect(await meStatus(phoneB.page)).toBe(401);
    const locked = await syncFromPage(phoneB.page);
    expect(locked.status).toBe(401);
    // Both phones try to sign in through the app: B is told the account is locked (with the way to unlock) …
    await signInThroughApp(phoneB.page, baseUrl);
    const error = phoneB.page.getByTestId('signin-error');
    await expect.poll(async () => (await error.textContent()) ?? '').toContain(text['errors.account_locked']);
    expect(await error.getByRole('link', { name: text['signIn.unlock'] }).count()).toBe(1);
    await shoot(phoneB.page, 'acc-11-signin-locked');
    // … and A, whose device was replaced, that its passkey is no longer the account's (with the way to change device).
    expect(await meStatus(phoneA.page)).toBe(401);
    await signInThroughApp(phoneA.page, baseUrl);
    const errorA = phoneA.page.getByTestId('signin-error');
    await expect.poll(async () => (await errorA.textContent()) ?? '').toContain(text['errors.credential_unknown']);
    expect(await errorA.getByRole('link', { name: text['signIn.deviceChange'] }).count()).toBe(1);
    expect(await meStatus(phoneA.page)).toBe(401);
    await phoneB.page.goto(`${baseUrl}/unlock`);
    await phoneB.page.getByTestId('unlock-start').waitFor();
    await shoot(phoneB.page, 'acc-12-unlock');
    // B has its passkey and device key, and the SMS would reach it too: after a lock from a
    // computer that is not enough. The screen says why, and where to go instead.
    await phoneB.page.getByTestId('unlock-start').click();
    await waitOrAlert(phoneB.page, phoneB.page.getByTestId('unlock-in-person'));
    expect(await phoneB.page.getByTestId('unlock-in-person').textContent()).toContain(acc['unlock.inPersonTitle']);
    expect(await phoneB.page.getByTestId('unlock-to-device-change').getAttribute('href')).toBe('/device-change');
    await shoot(phoneB.page, 'acc-12b-unlock-in-person');
    expect(await meStatus(phoneB.page)).toBe(401);
  });

  it('an officer bootstraps with the one-time code, registers a passkey and unlocks after checking the card; B works again', async () => {
    const boot = await createOfficerBootstrapCode({ persistTo: statePath });
    expect(boot?.code).toMatch(/^([0-9A-Z]{4}-){4}[0-9A-Z]{4}$/);
    const { page } = officer;
    await page.goto(`${baseUrl}/officer`);
    await page.getByTestId('desk-register').waitFor();
    await shoot(page, 'acc-13-officer-signin-1280');
    await page.getByLabel(desk['desk.code']).fill(boot!.code);
    await page.getByLabel(desk['desk.name']).fill('Trần Thị Giám Sát');
    await page.getByLabel(desk['desk.unit']).fill('CA-001');
    await page.getByRole('button', { name: desk['desk.register'] }).click();
    await waitOrAlert(page, page.getByTestId('desk-who'));
    expect(await page.getByTestId('desk-who').textContent()).toContain(desk['desk.role.supervisor']);

    await page.getByLabel(desk['desk.search']).fill(OWNER.idNumber);
    await page.getByRole('button', { name: desk['desk.find'] }).click();
    await waitOrAlert(page, page.getByTestId('desk-record'));
    expect(await page.getByTestId('desk-status').textContent()).toBe(desk['desk.status.locked']);
    await page.getByLabel(desk['desk.unlockChecked']).check();
    await page.getByTestId('desk-unlock').click();
    await expect.poll(async () => page.getByTestId('desk-status').textContent()).toBe(desk['desk.status.active']);

    await signInThroughApp(phoneB.page, baseUrl);
    await waitOrAlert(phoneB.page, phoneB.page.getByTestId('account-card'));
    // The wallet opens with its passcode and syncs again: the documents are valid again.
    await phoneB.page.goto(`${baseUrl}/wallet`);
    await phoneB.page.getByLabel(w['passcode.label']).fill(WALLET_PASSCODE);
    await phoneB.page.getByTestId('passcode-unlock').click();
    await waitOrAlert(phoneB.page, phoneB.page.getByTestId('wallet-sync'));
    await phoneB.page.getByTestId('wallet-sync').click();
    await waitOrAlert(phoneB.page, phoneB.page.getByText(w['wallet.synced']));
    await phoneB.page.getByTestId('doc-tile-personal_information').waitFor();
    await phoneB.page.goto(`${baseUrl}/settings/history`);
    await phoneB.page.getByTestId('history-event').first().waitFor();
    const actions = await phoneB.page.getByTestId('history-event').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(actions).toEqual(expect.arrayContaining(['account.unlocked', 'account.locked', 'device.changed', 'device.change.approved']));
    await shoot(phoneB.page, 'acc-14-security-history');

    // The phone number changes with a fresh passkey assertion + device proof, confirmed by a code to the new number.
    const newNumber = '+84398765432';
    await phoneB.page.goto(`${baseUrl}/settings`);
    await phoneB.page.getByTestId('settings-phone').click();
    await phoneB.page.getByLabel(acc['field.newPhone']).fill(local(newNumber));
    await shoot(phoneB.page, 'acc-19-phone-change');
    const since = Date.now() - 1000;
    await phoneB.page.getByRole('button', { name: acc['common.continue'] }).click();
    await enterSmsCode(phoneB.page, baseUrl, newNumber, since, acc['code.verify']);
    await waitOrAlert(phoneB.page, phoneB.page.getByTestId('ph-done'));
  });

  it('the officer signs in again with the passkey, enrols a citizen at level 2 and attaches a driving licence; the wallet shows both', async () => {
    const { page } = officer;
    await page.getByTestId('desk-signout').click();
    await page.getByTestId('desk-signin').click();
    await waitOrAlert(page, page.getByTestId('desk-who'));

    // Level 2 in person, for a citizen with no account yet.
    await page.getByLabel(desk['desk.search']).fill(LEVEL2.idNumber);
    await page.getByRole('button', { name: desk['desk.find'] }).click();
    await waitOrAlert(page, page.getByTestId('desk-record'));
    expect(await page.getByTestId('desk-fullname').textContent()).toBe(LEVEL2.fullName);
    expect(await page.getByTestId('desk-level2-submit').isDisabled()).toBe(true); // the card box is not ticked yet
    await page.getByLabel(desk['desk.cardChecked']).check();
    await page.locator('#desk-l2-phone').fill(local(LEVEL2.phone));
    await page.locator('#desk-l2-email').fill('cong.dan@example.vn');
    await page.getByTestId('desk-level2-submit').click();
    await waitOrAlert(page, page.getByTestId('desk-approval-pending'));
    // The activation code, shown once, to hand over on paper.
    const activationCode = ((await page.getByTestId('desk-activation-code').textContent()) ?? '').trim();
    expect(activationCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await shoot(page, 'acc-15b-officer-activation-code-1280');
    await page.getByTestId('desk-activation-done').click();
    expect(await page.locator('body').textContent()).not.toContain(activationCode);

    // The citizen activates on a phone: ID number, phone, the code from the paper, SMS code, passkey + device key.
    const phoneC = await newPhone(browser);
    const c = phoneC.page;
    await c.goto(`${baseUrl}/welcome`);
    await c.getByTestId('welcome-activate').click();
    await c.getByTestId('act-start').waitFor();
    await shoot(c, 'acc-15-activate-level2');
    await fillIdAndPhone(c, LEVEL2);
    await c.getByLabel(acc['act.code']).fill(activationCode.toLowerCase().replace('-', ' '));
    await shoot(c, 'acc-15c-activate-level2-filled');
    const since = Date.now() - 1000;
    await c.getByRole('button', { name: acc['common.continue'] }).click();
    await enterSmsCode(c, baseUrl, LEVEL2.phone, since, acc['code.verify']);
    await waitOrAlert(c, c.getByTestId('act-activate'));
    await c.getByTestId('act-activate').click();
    await waitOrAlert(c, c.getByTestId('account-card'));
    expect(await c.getByTestId('account-level').textContent()).toBe(text['home.level2']);

    // Back at the desk: the account is level 2; the officer checks the original licence and attaches it.
    await page.getByRole('button', { name: desk['desk.find'] }).click();
    await expect.poll(async () => page.getByTestId('desk-level').textContent()).toBe('2');
    await page.getByLabel(desk['desk.originalsChecked']).check();
    await page.getByTestId('desk-attach-driving_licence').click();
    await expect.poll(async () => page.locator('[data-doc="driving_licence"]').textContent()).toContain(desk['desk.attached']);
    await shoot(page, 'acc-16-officer-console-1280');

    // A new number at the desk is recorded only with the SMS code sent to it, read out by the citizen.
    const deskNumber = '+84387654321';
    await page.getByLabel(desk['desk.cardChecked']).check();
    await page.locator('#desk-l2-phone').fill(local(deskNumber));
    await page.getByTestId('desk-phone-new').waitFor();
    const deskSince = Date.now() - 1000;
    await page.getByTestId('desk-level2-submit').click();
    await waitOrAlert(page, page.getByTestId('desk-phone-code'));
    await page.getByLabel(desk['desk.phoneCode']).fill(await readSmsCode(baseUrl, deskNumber, deskSince));
    await shoot(page, 'acc-16b-officer-phone-code-1280');
    await page.getByTestId('desk-level2-submit').click();
    await expect.poll(async () => (await page.getByTestId('desk-account').textContent()) ?? '').toContain(deskNumber);

    // The citizen's wallet: the e-ID card and the driving licence.
    const synced = await syncFromPage(c);
    expect(synced.docTypes).toEqual(expect.arrayContaining(['eid_card', 'driving_licence']));
    await c.goto(`${baseUrl}/wallet`);
    await c.getByTestId('wallet-download').click();
    await c.locator('#passcode-new').fill('583917');
    await c.locator('#passcode-confirm').fill('583917');
    await c.getByTestId('passcode-save').click();
    await waitOrAlert(c, c.getByTestId('doc-tile-driving_licence'));
    await c.getByTestId('doc-tile-eid_card').waitFor();
    await shoot(c, 'acc-17-wallet-level2');

    // The supervisor's audit view shows the desk's actions.
    await page.getByTestId('desk-tab-audit').click();
    await page.getByTestId('desk-audit').waitFor();
    await expect.poll(async () => (await page.getByTestId('desk-audit').textContent()) ?? '').toContain(desk['desk.action.officer.attached']);
    const attached = page.locator('tr[data-action="officer.attached"]').first();
    expect(await attached.textContent()).toContain('Trần Thị Giám Sát'); // the officer's name, not an id
    expect(await attached.textContent()).toContain(`${desk['desk.detail.docType']}: ${desk['desk.doc.driving_licence']}`);
    await screenshot(page, 'acc-18-officer-audit-1280');
  });

  it('the supervisor registers a portal in the console and sees its secret once; the secret works at the token endpoint; disable and rotation take effect', async () => {
    const { page } = officer;
    const clientId = `cong-thue-${Date.now().toString(36)}`;
    /** Client authentication only: a grant type we do not support is refused after it (400), a bad client before it (401). */
    const authenticates = async (secret: string) =>
      (
        await fetch(`${baseUrl}/oidc/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
          body: 'grant_type=client_credentials',
        })
      ).status;

    await page.getByTestId('desk-tab-portals').click();
    await page.getByTestId('portal-form').waitFor();
    await page.getByLabel(desk['desk.portalName']).fill('Cổng thuế điện tử (thử)');
    await page.getByLabel(desk['desk.portalClientId']).fill(clientId);
    await page.getByLabel(desk['desk.portalRedirects']).fill('https://thue.example.vn/callback\nhttps://thue.example.vn/oidc/cb');
    await page.locator('input[name="portal-scope"][value="phone"]').check();
    await page.getByTestId('portal-submit').click();
    await waitOrAlert(page, page.getByTestId('portal-secret'));
    const secret = ((await page.getByTestId('portal-secret-value').textContent()) ?? '').trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await page.getByTestId('portal-secret').textContent()).toContain(desk['desk.portalSecretOnce']);
    const row = page.locator(`[data-client="${clientId}"]`);
    expect(await row.getByTestId('portal-status').textContent()).toBe(desk['desk.portalStatus.active']);
    await shoot(page, 'acc-20-officer-portals-1280');
    expect(await authenticates(secret)).toBe(400);

    // Shown once: hidden by the supervisor, and not there after a reload either.
    await page.getByTestId('portal-secret-done').click();
    await page.reload();
    await page.getByTestId('desk-tab-portals').click();
    await row.waitFor();
    expect(await page.locator('body').textContent()).not.toContain(secret);

    // Edit: the form is filled with the registration; the client id cannot change.
    await row.getByTestId('portal-edit').click();
    expect(await page.getByLabel(desk['desk.portalRedirects']).inputValue()).toBe('https://thue.example.vn/callback\nhttps://thue.example.vn/oidc/cb');
    expect(await page.getByLabel(desk['desk.portalClientId']).count()).toBe(0);
    await page.getByLabel(desk['desk.portalName']).fill('Cổng thuế điện tử');
    await page.locator('input[name="portal-scope"][value="vn_id_number"]').check();
    await shoot(page, 'acc-20b-officer-portal-edit-1280');
    await page.getByTestId('portal-submit').click();
    await expect.poll(async () => row.locator('.row-title').textContent()).toBe('Cổng thuế điện tử');
    expect(await row.textContent()).toContain('vn_id_number');
    expect(await page.getByTestId('portal-secret').count()).toBe(0); // same method: no new secret
    expect(await authenticates(secret)).toBe(400);

    // Rotation (confirmed): the new secret is shown once, the old one fails.
    await row.getByTestId('portal-rotate').click();
    await row.getByTestId('portal-confirm').click();
    await waitOrAlert(page, page.getByTestId('portal-secret'));
    const rotated = ((await page.getByTestId('portal-secret-value').textContent()) ?? '').trim();
    expect(rotated).not.toBe(secret);
    expect(await authenticates(secret)).toBe(401);
    expect(await authenticates(rotated)).toBe(400);

    // Disable (confirmed): the portal is refused; enable again.
    await row.getByTestId('portal-disable').click();
    await shoot(page, 'acc-21-officer-portal-disable-1280');
    await row.getByTestId('portal-confirm').click();
    await expect.poll(async () => row.getAttribute('data-status')).toBe('disabled');
    expect(await authenticates(rotated)).toBe(401);
    await row.getByTestId('portal-enable').click();
    await expect.poll(async () => row.getAttribute('data-status')).toBe('active');

    // The audit log names each action; filtered to this supervisor.
    await page.getByTestId('desk-tab-audit').click();
    const mine = await page.locator('[data-testid="audit-officer"] option', { hasText: 'Trần Thị Giám Sát' }).getAttribute('value');
    await page.getByTestId('audit-officer').selectOption(mine!);
    await expect.poll(async () => (await page.getByTestId('desk-audit').textContent()) ?? '').toContain(desk['desk.action.portal.secret_rotated']);
    const actions = await page.locator('[data-testid="desk-audit"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions.slice(0, 5)).toEqual(['portal.enabled', 'portal.disabled', 'portal.secret_rotated', 'portal.updated', 'portal.registered']);
    await shoot(page, 'acc-22-officer-audit-portals-1280');
  });
});
