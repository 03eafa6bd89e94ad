/**
 * The body of verify-rate.bench.ts, run in a child process pinned to one core (so the Chromium
 * it starts, and all of Chromium's processes and threads, share that one core too). Not a bench
 * file itself (no `.bench.ts`): `measure()` returns the figures as JSON-able numbers, for Node
 * (the shared code on Node's WebCrypto, OpenSSL) and for Chromium (the verifier screen's
 * runtime, BoringSSL), both verifying the same fixture.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/helpers/browser';
import { makeFixture, measureFixture, type VerifyFigures, type VerifyFixture } from './verify-measure';

export type { VerifyFigures } from './verify-measure';

export interface VerifyRuntimes {
  node: VerifyFigures;
  chromium: VerifyFigures & { version: string };
}

/** The page script: verify-page.ts and the shared code, bundled for the browser. */
async function pageScript(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'error',
    build: {
      write: false,
      minify: true,
      lib: { entry: fileURLToPath(new URL('./verify-page.ts', import.meta.url)), formats: ['iife'], name: 'verifyBench' },
    },
  });
  const result = Array.isArray(output) ? output[0]! : output;
  if (!('output' in result)) throw new Error('vite build: no output');
  const chunk = result.output.find((o) => o.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('vite build: no chunk');
  return chunk.code;
}

async function measureInChromium(fixture: VerifyFixture): Promise<VerifyFigures & { version: string }> {
  const script = await pageScript();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    // A secure context for WebCrypto, served by the test itself: nothing listens on the port.
    const url = 'http://localhost:9/verify-bench';
    await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>verify</title><script>${script}</script>` }));
    await page.goto(url);
    const figures = await page.evaluate(
      (f) => (globalThis as unknown as { measureFixture: (f: VerifyFixture) => Promise<VerifyFigures> }).measureFixture(f),
      fixture,
    );
    return { ...figures, version: browser.version() };
  } finally {
    await browser.close();
  }
}

export async function measure(): Promise<VerifyRuntimes> {
  const fixture = await makeFixture();
  const node = await measureFixture(fixture);
  return { node, chromium: await measureInChromium(fixture) };
}
