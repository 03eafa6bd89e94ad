/**
 * Wallet cold start to QR, in Chromium with 4× CPU throttling (CDP Emulation.setCPUThrottlingRate),
 * in airplane mode. Set-up (not measured): the PWA as built in dist/, `wrangler dev` on a fresh
 * local D1, a citizen registers through the app, downloads the documents and sets a passcode.
 * Then, ROUNDS times: the browser is closed and started again on the same profile (a real cold
 * start: new processes; the app, the wallet chunks and IndexedDB come from the disk), the
 * network is cut, the CPU throttled, and the QR screen's address is opened directly. Measured
 * in the page (performance.now(), from navigation start):
 *   - navigation → the passcode prompt on screen;
 *   - passcode submitted → first QR drawn (PBKDF2, unwrap, decrypt, device-key signature, lean-qr);
 *   - navigation → first QR drawn, with the passcode typed the moment the prompt shows.
 * Also PBKDF2-SHA256 at the wallet's iteration count in the same Chromium, unthrottled and 4×
 * (CDP throttling slows the page's main thread; WebCrypto derives on another thread, so the
 * 4× figure shows that PBKDF2 does not block the page rather than a phone's speed).
 */
import { join } from 'node:path';
import { existsSync, rmSync } from 'node:fs';
import { buildWeb, devSecrets, migrate, ROOT, seed, startWrangler } from '../../scripts/lib.mjs';
import { walletVi as w } from '../../web/i18n/wallet-vi';
import { PBKDF2_ITERATIONS } from '../../web/wallet/vault';
import { newProfileDir, openPersistentPhone, registerThroughApp } from '../e2e/helpers/services';
import type { BenchRow } from './row';

const PORT = Number(process.env.BENCH_PORT ?? 8967);
const ROUNDS = 5;
const PASSCODE = '480215';
const CITIZEN = { idNumber: '048204000777', fullName: 'Lê Minh Khang', birthDate: '2004-02-29', phone: '+84701234567' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<BenchRow[]> {
  // Like the e2e set-up: the PWA as built (`npx vite build` first to measure the current code).
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) await buildWeb();
  const persistTo = join(ROOT, '.tmp', `bench-state-${process.pid}`);
  rmSync(persistTo, { recursive: true, force: true });
  await migrate(persistTo);
  await seed({ count: 20, persistTo });
  const server = await startWrangler({ port: PORT, persistTo, quiet: true, vars: await devSecrets() });
  const profile = newProfileDir();
  try {
    // Set-up, online: register, download, set the passcode.
    let { context, page } = await openPersistentPhone(profile);
    await registerThroughApp(page, server.url, CITIZEN);
    await page.getByTestId('open-wallet').click();
    await page.getByTestId('wallet-download').click();
    await page.getByLabel(w['passcode.new']).fill(PASSCODE);
    await page.getByLabel(w['passcode.confirm']).fill(PASSCODE);
    await page.getByTestId('passcode-save').click();
    const tile = page.locator('[data-testid^="doc-tile-"]').first();
    await tile.waitFor();
    const qrPath = `${new URL((await tile.getAttribute('href'))!, server.url).pathname}/qr`;
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });

    const kdf = async (rate: number) => {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      const ms = await page.evaluate(async (iterations) => {
        const base = await crypto.subtle.importKey('raw', new TextEncoder().encode('480215'), 'PBKDF2', false, ['deriveBits']);
        // The least disturbed of five: the machine running the bench may be busy with other work.
        let best = Infinity;
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations }, base, 256);
          best = Math.min(best, performance.now() - t0);
        }
        return best;
      }, PBKDF2_ITERATIONS);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      return ms;
    };
    const kdf1 = await kdf(1);
    const kdf4 = await kdf(4);

    const prompt: number[] = [];
    const unlockToQr: number[] = [];
    const total: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await context.close();
      ({ context, page } = await openPersistentPhone(profile));
      await context.setOffline(true);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto(`${server.url}${qrPath}`);
      const input = page.getByLabel(w['passcode.label']);
      await input.waitFor();
      const promptAt = await page.evaluate(() => performance.now());
      await input.fill(PASSCODE);
      const submittedAt = await page.evaluate(() => {
        const at = performance.now();
        (document.querySelector('[data-testid="passcode-unlock"]') as HTMLButtonElement).click();
        return at;
      });
      await page.waitForFunction(() => performance.getEntriesByName('vneid:qr-drawn').length > 0, null, { timeout: 30_000 });
      const drawnAt = await page.evaluate(() => performance.getEntriesByName('vneid:qr-drawn')[0]!.startTime);
      prompt.push(promptAt);
      unlockToQr.push(drawnAt - submittedAt);
      total.push(promptAt + (drawnAt - submittedAt));
    }
    await context.close();

    const area = 'Wallet cold start, Chromium 4× CPU, offline';
    return [
      { area, metric: `navigation → passcode prompt (median of ${ROUNDS})`, value: Math.round(median(prompt)), unit: 'ms' },
      { area, metric: `passcode submitted → first QR drawn (median of ${ROUNDS})`, value: Math.round(median(unlockToQr)), unit: 'ms' },
      { area, metric: `navigation → QR drawn, passcode typed at once (median of ${ROUNDS})`, value: Math.round(median(total)), unit: 'ms' },
      { area: 'Wallet passcode KDF', metric: `PBKDF2-SHA256 × ${PBKDF2_ITERATIONS.toLocaleString('en-US')} in Chromium, 1× CPU (best of 5)`, value: Math.round(kdf1), unit: 'ms', goal: '300–500 on a low-end phone' },
      // CDP throttles the renderer's main thread; WebCrypto derives on its own thread, so this is not a phone model.
      { area: 'Wallet passcode KDF', metric: `the same with 4× CPU throttling (main thread only)`, value: Math.round(kdf4), unit: 'ms' },
    ];
  } finally {
    await server.stop();
    rmSync(profile, { recursive: true, force: true });
    rmSync(persistTo, { recursive: true, force: true });
  }
}
