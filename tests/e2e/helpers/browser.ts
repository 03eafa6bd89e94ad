/**
 * Browser helpers for the end-to-end tests: Chromium kept off the network, one virtual
 * passkey authenticator per context (= one phone), the development SMS outbox, screenshots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../test-output/screens/', import.meta.url));

/** Flags that keep Chromium on loopback (no DNS, no updates, no sync). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost',
];

/** Launches headless Chromium kept on loopback. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A phone: a 360×740 context with a platform authenticator that always verifies the user. */
export async function newPhone(browser: Browser, options: { locale?: string } = {}): Promise<{ context: BrowserContext; page: Page; authenticatorId: string }> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: options.locale ?? 'vi-VN',
    userAgent:
      'Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
  });
  const page = await context.newPage();
  const authenticatorId = await addVirtualAuthenticator(context, page);
  return { context, page, authenticatorId };
}

/** Adds a CTAP2 platform authenticator with resident keys and user verification (CDP WebAuthn domain). */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<string> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      // The PRF extension (CTAP2 hmac-secret): the wallet can be opened with the passkey.
      hasPrf: true,
    },
  });
  return authenticatorId;
}

interface OutboxMessage {
  id: number;
  phone: string;
  body: string;
  createdAt: number;
}

/** The newest 6-digit code sent to `phone` (E.164) after `since` (ms), read from GET /api/dev/sms. */
export async function readSmsCode(baseUrl: string, phone: string, since = 0, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${baseUrl}/api/dev/sms?phone=${encodeURIComponent(phone)}`);
    if (!res.ok) throw new Error(`GET /api/dev/sms answered ${res.status}`);
    const { messages } = (await res.json()) as { messages: OutboxMessage[] };
    const withCode = messages
      .filter((m) => m.createdAt >= since)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
      .map((m) => /\b(\d{6})\b/.exec(m.body)?.[1])
      .find((code): code is string => code !== undefined);
    if (withCode) return withCode;
    if (Date.now() > deadline) throw new Error(`no SMS code for ${phone}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Saves a full-page screenshot as test-output/screens/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // From the top, so the sticky bar is drawn where a person sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
  return path;
}

/** Resolves once a service worker controls the page (reloading once if the first load was not controlled). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
  if (!controlled) {
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  }
}

/** True when the page's document is wider than its viewport (horizontal overflow). */
export function hasHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/**
 * Waits for `target`, failing at once with the screen's message if an error alert shows up
 * first (the PWA renders every error in a role="alert" box with the class "alert").
 */
export async function waitOrAlert(page: Page, target: Locator, timeout = 30_000): Promise<void> {
  const alert = page.locator('[role="alert"].alert').first();
  const winner = await Promise.race([
    target.waitFor({ timeout }).then(() => 'target' as const),
    alert.waitFor({ timeout }).then(() => 'alert' as const),
  ]);
  if (winner === 'alert') throw new Error(`The app showed an error: ${(await alert.textContent())?.trim()}`);
}
