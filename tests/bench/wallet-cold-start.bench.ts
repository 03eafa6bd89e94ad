/**
 * Wallet cold start to a readable QR, in Chromium with 4× CPU throttling (CDP
 * Emulation.setCPUThrottlingRate), in airplane mode. Set-up (not measured): the PWA as built in
 * dist/, `wrangler dev` on a fresh local D1, a citizen registers through the app, downloads the
 * documents and sets a passcode. Then, ROUNDS times: the browser is closed and started again on
 * the same profile (a real cold start: new processes; the app, the wallet chunks and IndexedDB
 * come from the disk), the network is cut, the CPU throttled, and the QR screen's address is
 * opened directly.
 *
 * While a round is measured the bench runs nothing of Playwright's in the page (its locators
 * inject a large helper script, which costs 70–120 ms of main thread at 4×): it waits on the
 * app's own performance marks through a PerformanceObserver (CDP Runtime.evaluate), types the
 * passcode with CDP Input.insertText and presses the button. Measured in the page, from
 * navigation start (performance.now()):
 *   - navigation → HTML from the service worker (responseStart: the browser and the service
 *     worker starting, and the precache lookup; not the app's code);
 *   - navigation → the passcode prompt on screen (mark `vneid:passcode-prompt`);
 *   - passcode submitted → first QR drawn on its canvas (mark `vneid:qr-drawn`: PBKDF2, unwrap,
 *     decrypt, device-key signature, lean-qr);
 *   - navigation → QR drawn, with the passcode typed the moment the prompt shows (the sum);
 *     and the wall clock, with the bench's own typing (CDP round trips) in between: the QR
 *     screen's chunks, which load while a person types, load then.
 * Readable: after each round the QR as shown (an element screenshot at the phone's 2× pixel
 * ratio) is decoded by jsQR in Node and the text verified against the edge's trust list and
 * status list: a round counts only if it says `valid`. Decoding is the bench's, not the
 * phone's: its time is reported on its own row, outside the cold-start figures.
 * Also PBKDF2-SHA256 at the wallet's iteration count in the same Chromium, unthrottled and 4×
 * (CDP throttling slows the page's main thread; WebCrypto derives on another thread, so the
 * 4× figure shows that PBKDF2 does not block the page rather than a phone's speed).
 */
import { join } from 'node:path';
import { existsSync, rmSync } from 'node:fs';
import jsQR from 'jsqr';
import type { CDPSession, Page } from 'playwright-core';
import { buildWeb, devSecrets, migrate, ROOT, seed, startWrangler } from '../../edge/cli/lib.mjs';
import { API } from '../../shared/paths';
import { parseStatusListManifest, parseTrustList, statusListsOf, verifyPresentation, verifyStatusList, type StatusLists, type TrustList } from '../../shared/credential';
import { walletVi as w } from '../../web/i18n/wallet-vi';
import { PBKDF2_ITERATIONS } from '../../web/wallet/vault';
import { newProfileDir, openPersistentPhone, registerThroughApp } from '../e2e/helpers/services';
import type { BenchRow } from './row';

const PORT = Number(process.env.BENCH_PORT ?? 8967);
const ROUNDS = Number(process.env.BENCH_WALLET_ROUNDS ?? 7);
const GOAL_MS = 800;
const PASSCODE = '480215';
const CITIZEN = { idNumber: '048204000777', fullName: 'Lê Minh Khang', birthDate: '2004-02-29', phone: '+84701234567' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Evaluates an expression in the page's main world (no Playwright helper script) and returns its value. */
async function evaluate<T>(cdp: CDPSession, expression: string): Promise<T> {
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
  if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value as T;
}

/** The time (ms from navigation start) of the app's performance mark `name`, once it is made. */
function waitForMark(cdp: CDPSession, name: string): Promise<number> {
  return evaluate<number>(
    cdp,
    `new Promise((resolve, reject) => {
      const seen = () => performance.getEntriesByName(${JSON.stringify(name)}, 'mark')[0];
      const timer = setTimeout(() => reject(new Error('no ${name} mark in 30 s')), 30000);
      const done = (mark) => { clearTimeout(timer); resolve(mark.startTime); };
      const observer = new PerformanceObserver(() => { const mark = seen(); if (mark) { observer.disconnect(); done(mark); } });
      observer.observe({ type: 'mark' });
      const mark = seen();
      if (mark) { observer.disconnect(); done(mark); }
    })`,
  );
}

/** The edge's trust list and status list parts, checked as a verifier would (the bench's Node is online). */
async function verifierLists(baseUrl: string): Promise<{ trust: TrustList; status: StatusLists }> {
  const trust = await parseTrustList(await (await fetch(`${baseUrl}${API.trustList}`)).json());
  if (!trust) throw new Error('trust list does not parse');
  const manifest = parseStatusListManifest(await (await fetch(`${baseUrl}${API.statusLists}`)).json());
  if (!manifest) throw new Error('status list manifest does not parse');
  const parts = await Promise.all(
    manifest.parts.map(async ({ part, url }) => {
      const verified = await verifyStatusList(new Uint8Array(await (await fetch(`${baseUrl}${new URL(url).pathname}`)).arrayBuffer()), trust, Date.now());
      if (!verified.ok) throw new Error(`status list part ${part}: ${verified.error}`);
      return verified.list;
    }),
  );
  return { trust, status: statusListsOf(parts) };
}

/** The QR as shown (element screenshot), decoded by jsQR in Node; the decoding time is the bench's. */
async function readQrOnScreen(page: Page): Promise<{ text: string | null; decodeMs: number }> {
  const png = await page.getByTestId('qr-code').screenshot();
  const { width, height, rgba } = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let s = '';
    for (let i = 0; i < data.length; i += 0x8000) s += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: bitmap.width, height: bitmap.height, rgba: btoa(s) };
  }, png.toString('base64'));
  const pixels = new Uint8ClampedArray(Buffer.from(rgba, 'base64'));
  const t0 = performance.now();
  const text = jsQR(pixels, width, height, { inversionAttempts: 'dontInvert' })?.data ?? null;
  return { text, decodeMs: performance.now() - t0 };
}

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
    const lists = await verifierLists(server.url);

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

    const html: number[] = [];
    const prompt: number[] = [];
    const unlockToQr: number[] = [];
    const total: number[] = [];
    const wall: number[] = [];
    const decodeMs: number[] = [];
    const verdicts: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await context.close();
      ({ context, page } = await openPersistentPhone(profile));
      await context.setOffline(true);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto(`${server.url}${qrPath}`, { waitUntil: 'commit' });
      const promptAt = await waitForMark(cdp, 'vneid:passcode-prompt');
      await evaluate(cdp, `document.getElementById('passcode').focus()`);
      await cdp.send('Input.insertText', { text: PASSCODE });
      const submittedAt = await evaluate<number>(
        cdp,
        `(() => { const at = performance.now(); document.querySelector('[data-testid="passcode-unlock"]').click(); return at; })()`,
      );
      const drawnAt = await waitForMark(cdp, 'vneid:qr-drawn');
      const responseStart = await evaluate<number>(cdp, `performance.getEntriesByType('navigation')[0].responseStart`);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      html.push(responseStart);
      prompt.push(promptAt);
      unlockToQr.push(drawnAt - submittedAt);
      total.push(promptAt + (drawnAt - submittedAt));
      wall.push(drawnAt);

      const read = await readQrOnScreen(page);
      decodeMs.push(read.decodeMs);
      verdicts.push(read.text?.startsWith('VN1') ? (await verifyPresentation(read.text, { ...lists, now: Date.now() })).verdict : 'unreadable');
    }
    await context.close();

    const area = 'Wallet cold start, Chromium 4× CPU, offline';
    const readable = verdicts.filter((v) => v === 'valid').length;
    const toQr = Math.round(median(total));
    return [
      { area, metric: `navigation → HTML from the service worker (browser + service-worker start; median of ${ROUNDS})`, value: Math.round(median(html)), unit: 'ms' },
      { area, metric: `navigation → passcode prompt (median of ${ROUNDS})`, value: Math.round(median(prompt)), unit: 'ms' },
      { area, metric: `passcode submitted → first QR drawn (median of ${ROUNDS})`, value: Math.round(median(unlockToQr)), unit: 'ms' },
      { area, metric: `navigation → QR drawn, passcode typed at once (median of ${ROUNDS}; range ${Math.round(Math.min(...total))}–${Math.round(Math.max(...total))})`, value: toQr, unit: 'ms', goal: `≤ ${GOAL_MS}`, pass: toQr <= GOAL_MS },
      {
        area,
        metric: `navigation → QR drawn, wall clock (with the bench's own ${Math.round(median(wall) - median(total))} ms from prompt to submit, in which the QR screen's chunks load)`,
        value: Math.round(median(wall)),
        unit: 'ms',
      },
      {
        area,
        metric: `QR on screen read back (screenshot → jsQR → verified valid against the trust and status lists)${readable < ROUNDS ? `: ${verdicts.join(', ')}` : ''}`,
        value: readable,
        unit: `of ${ROUNDS} rounds`,
        goal: `${ROUNDS}`,
        pass: readable === ROUNDS,
      },
      { area, metric: `the bench's QR decoding (jsQR in Node, not the phone's; median)`, value: Math.round(median(decodeMs)), unit: 'ms' },
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
