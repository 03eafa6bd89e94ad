/**
 * Helpers for the services end-to-end test: a phone whose storage survives closing the
 * browser (a persistent Chromium profile: IndexedDB, the service worker, cookies), citizen
 * registration through the PWA, and an officer session for the officer desk.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { syntheticCitizen } from '../../../edge/registries/synthetic';
import { vi as text } from '../../../web/i18n/vi';
import { run } from '../../../edge/cli/lib.mjs';
import { addVirtualAuthenticator, CHROMIUM, CHROMIUM_ARGS, readSmsCode, waitOrAlert } from './browser';

export function newProfileDir(): string {
  return mkdtempSync(join(tmpdir(), 'vneid-phone-'));
}

/**
 * Opens a phone on a persistent profile: closing it and opening the same directory again is
 * the app being closed (or the phone restarted) with everything on the phone kept.
 */
export async function openPersistentPhone(profileDir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'vi-VN',
    userAgent: 'Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await addVirtualAuthenticator(context, page);
  return { context, page };
}

/** Seeded synthetic citizens (the e2e seed holds 200) that no other e2e test registers. */
export function servicesCitizens(count: number): Array<ReturnType<typeof syntheticCitizen> & { phone: string }> {
  const out: Array<ReturnType<typeof syntheticCitizen> & { phone: string }> = [];
  for (let i = 20; out.length < count && i < 100; i++) {
    const c = syntheticCitizen(i);
    if (c.phone && c.birthDate < '2008-01-01') out.push({ ...c, phone: c.phone });
  }
  return out;
}

/** Level-1 registration through the PWA, as the foundation test does it. Ends on the home screen. */
export async function registerThroughApp(page: Page, baseUrl: string, c: { idNumber: string; fullName: string; birthDate: string; phone: string }): Promise<void> {
  await page.goto(`${baseUrl}/register`);
  await page.getByLabel(text['register.idNumber']).fill(c.idNumber);
  await page.getByLabel(text['register.fullName']).fill(c.fullName);
  await page.getByLabel(text['register.birthDate']).fill(c.birthDate);
  await page.getByLabel(text['register.phone']).fill(`0${c.phone.slice(3)}`);
  const since = Date.now() - 60_000;
  await page.getByRole('button', { name: text['register.continue'] }).click();
  const codeField = page.getByLabel(text['register.code']);
  await waitOrAlert(page, codeField);
  await codeField.fill(await readSmsCode(baseUrl, c.phone, since));
  await page.getByRole('button', { name: text['register.verify'] }).click();
  await waitOrAlert(page, page.getByTestId('activate'));
  await page.getByTestId('activate').click();
  await waitOrAlert(page, page.getByTestId('account-card'));
}

/**
 * An officer of `unitCode` with a live officer-console session, written straight into the
 * e2e server's local D1 (the officer passkey ceremony is the officer console's own test).
 * Returns the session token for the console's cookie.
 */
export async function officerSession(statePath: string, unitCode: string, name = 'Trần Văn Cảnh', role: 'officer' | 'supervisor' = 'officer'): Promise<string> {
  const id = randomBytes(16).toString('base64url');
  const token = randomBytes(32).toString('base64url');
  const hash = createHash('sha256').update(token).digest('base64url');
  const now = Date.now();
  const sql =
    `INSERT INTO officers (id, name, role, unit_code, status, created_by, created_at, updated_at) VALUES ('${id}', '${name}', '${role}', '${unitCode}', 'active', 'e2e', ${now}, ${now}); ` +
    `INSERT INTO officer_sessions (token_hash, officer_id, created_at, expires_at, absolute_expires_at) VALUES ('${hash}', '${id}', ${now}, ${now + 30 * 60_000}, ${now + 12 * 3600_000});`;
  await run('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', statePath, '--command', sql], { quiet: true });
  return token;
}

/** A large camera-like JPEG (3000×2000), made by the browser's canvas. */
export async function cameraPhoto(page: Page): Promise<Buffer> {
  const b64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 3000;
    canvas.height = 2000;
    const ctx = canvas.getContext('2d')!;
    const g = ctx.createLinearGradient(0, 0, 3000, 2000);
    g.addColorStop(0, '#2d6a4f');
    g.addColorStop(1, '#f4a261');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 3000, 2000);
    for (let i = 0; i < 400; i++) {
      ctx.fillStyle = `hsl(${(i * 37) % 360} 60% 50%)`;
      ctx.fillRect((i * 211) % 3000, (i * 97) % 2000, 60 + (i % 90), 40 + (i % 70));
    }
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.95));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  return Buffer.from(b64, 'base64');
}

/** The outbox as IndexedDB holds it: each item's state, and its photos' sizes and dimensions. */
export function readOutbox(page: Page): Promise<Array<{ key: string; kind: string; state: string; photos: Array<{ size: number; type: string; width: number; height: number }> }>> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('vneid-services');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('outbox').objectStore('outbox').getAll();
          req.onsuccess = async () => {
            db.close();
            const items = req.result as Array<{ key: string; kind: string; state: string; photos: Blob[] }>;
            resolve(
              await Promise.all(
                items.map(async (i) => ({
                  key: i.key,
                  kind: i.kind,
                  state: i.state,
                  photos: await Promise.all(
                    i.photos.map(async (p) => {
                      const bmp = await createImageBitmap(p);
                      return { size: p.size, type: p.type, width: bmp.width, height: bmp.height };
                    }),
                  ),
                })),
              ),
            );
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}
