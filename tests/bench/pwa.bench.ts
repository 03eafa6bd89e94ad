/**
 * The PWA as built in dist/ (`npx vite build` first to measure the current code):
 *  - JavaScript loaded before the home screen: the module scripts index.html names, its
 *    modulepreloads, and every module they import statically, gzipped (lazy routes are
 *    dynamic imports and not counted); and the same plus the wallet route's gate (Wallet-*.js
 *    and its own static imports): what a cold start on the wallet loads before its passcode
 *    prompt (the cards, the credential decoder and the QR screen load while it is typed);
 *  - the service worker's precache: the entries of the manifest injected into dist/sw.js;
 *  - Lighthouse 12.8.2 (mobile: simulated slow 4G, 4× CPU) against `wrangler dev` serving the
 *    build, in Debian's Chromium kept on loopback, performance / accessibility /
 *    best-practices, the median of RUNS; the audits that cost points are printed.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from './row';
import { buildWeb, ROOT } from '../../edge/cli/lib.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/helpers/browser';
import { freshState, snapshotWorker, startServer } from '../load/helpers/server';
import { median } from '../load/helpers/closed-loop';

const DIST = join(ROOT, 'dist');
const PORT = Number(process.env.BENCH_PWA_PORT ?? 8973);
const RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 3);

const gz = (file: string) => gzipSync(readFileSync(join(DIST, file))).length;
const kb = (bytes: number) => Number((bytes / 1024).toFixed(1));

/** Static imports of a built chunk: `import … from "./x.js"` and `import "./x.js"`, not `import("./x.js")`. */
function staticImports(file: string): string[] {
  const code = readFileSync(join(DIST, file), 'utf8');
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
    out.push(join(file, '..', m[1]!).replace(/\\/g, '/'));
  }
  return out;
}

function closure(roots: string[], seen = new Set<string>()): Set<string> {
  const queue = [...roots];
  while (queue.length) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    queue.push(...staticImports(f));
  }
  return seen;
}

export function firstLoad(): { files: Set<string>; gzBytes: number; wallet: { files: Set<string>; gzBytes: number } } {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const roots = [...html.matchAll(/<(?:script[^>]*type="module"[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const files = closure(roots);
  const walletChunk = readFileSync(join(DIST, 'sw.js'), 'utf8').match(/assets\/Wallet-[\w-]+\.js/)?.[0];
  const wallet = walletChunk ? closure([walletChunk], new Set(files)) : new Set(files);
  const sum = (set: Iterable<string>) => [...set].reduce((s, f) => s + gz(f), 0);
  return { files, gzBytes: sum(files), wallet: { files: wallet, gzBytes: sum(wallet) } };
}

export function precache(): { entries: number; bytes: number; gzBytes: number } {
  const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
  const urls = [...new Set([...sw.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]!))];
  return {
    entries: urls.length,
    bytes: urls.reduce((s, u) => s + readFileSync(join(DIST, u)).length, 0),
    gzBytes: urls.reduce((s, u) => s + gz(u), 0),
  };
}

interface LighthouseScores {
  performance: number;
  accessibility: number;
  bestPractices: number;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  failing: string[];
}

async function lighthouseRuns(url: string): Promise<LighthouseScores[]> {
  const { default: lighthouse } = await import('lighthouse');
  const { launch } = await import('chrome-launcher');
  const runs: LighthouseScores[] = [];
  for (let i = 0; i < RUNS; i++) {
    const chrome = await launch({ chromePath: CHROMIUM, chromeFlags: ['--headless=new', ...CHROMIUM_ARGS] });
    try {
      // The default config is Lighthouse's mobile run: Moto G Power screen, simulated slow 4G
      // (150 ms RTT, 1.6 Mbit/s), 4× CPU slowdown.
      const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'] });
      const lhr = result!.lhr;
      const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
      const audit = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
      const failing = Object.values(lhr.categories).flatMap((cat) =>
        cat.auditRefs
          .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
          .map((ref) => `${cat.id}: ${ref.id} (${lhr.audits[ref.id]!.displayValue ?? lhr.audits[ref.id]!.score})`),
      );
      runs.push({
        performance: score('performance'),
        accessibility: score('accessibility'),
        bestPractices: score('best-practices'),
        fcp: audit('first-contentful-paint'),
        lcp: audit('largest-contentful-paint'),
        tbt: audit('total-blocking-time'),
        cls: audit('cumulative-layout-shift'),
        failing,
      });
    } finally {
      await chrome.kill();
    }
  }
  return runs;
}

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(join(DIST, 'index.html'))) await buildWeb();
  const rows: BenchRow[] = [];
  const load = firstLoad();
  const pc = precache();
  const area = 'PWA build (dist/)';
  rows.push(
    { area, metric: `JS gzipped before the home screen (${load.files.size} modules: entry, preloads, their static imports)`, value: kb(load.gzBytes), unit: 'KB', goal: '≤ 40', pass: load.gzBytes <= 40 * 1024 },
    {
      area,
      metric: `JS gzipped before the wallet's passcode prompt (the above + the wallet's gate, ${load.wallet.files.size} modules)`,
      value: kb(load.wallet.gzBytes),
      unit: 'KB',
      goal: '≤ 40',
      pass: load.wallet.gzBytes <= 40 * 1024,
    },
    { area, metric: `service-worker precache: ${pc.entries} entries (app shell, install icons, wallet/QR chunks, English dictionaries)`, value: kb(pc.bytes), unit: `KB (${kb(pc.gzBytes)} KB gzipped)` },
  );

  const dir = join(ROOT, '.tmp', `bench-pwa-${process.pid}`);
  const config = await snapshotWorker(join(dir, 'worker'));
  await freshState(join(dir, 'state'), 20);
  const server = await startServer({ port: PORT, persistTo: join(dir, 'state'), config, inspector: false });
  try {
    const runs = await lighthouseRuns(`${server.url}/`);
    const lh = 'Lighthouse 12.8.2, mobile (slow 4G, 4× CPU), cold load of /';
    const perf = median(runs.map((r) => r.performance));
    const a11y = median(runs.map((r) => r.accessibility));
    const bp = median(runs.map((r) => r.bestPractices));
    rows.push(
      { area: lh, metric: `performance (median of ${runs.length})`, value: perf, unit: '/ 100', goal: '≥ 98', pass: perf >= 98 },
      { area: lh, metric: 'accessibility', value: a11y, unit: '/ 100', goal: '100', pass: a11y === 100 },
      { area: lh, metric: 'best practices', value: bp, unit: '/ 100', goal: '100', pass: bp === 100 },
      { area: lh, metric: 'first / largest contentful paint (simulated)', value: median(runs.map((r) => r.fcp)), unit: `ms / ${median(runs.map((r) => r.lcp)).toFixed(0)} ms` },
      { area: lh, metric: 'total blocking time / cumulative layout shift', value: median(runs.map((r) => r.tbt)), unit: `ms / ${median(runs.map((r) => r.cls)).toFixed(3)}` },
    );
    const failing = [...new Set(runs.flatMap((r) => r.failing))];
    if (failing.length) process.stderr.write(`  Lighthouse audits below full marks: ${failing.join('; ')}\n`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
