/**
 * The body of verify-rate.bench.ts, run in a child process pinned to one core (so the Chromium
 * it starts, all of Chromium's processes and threads, share that one core too). Not a bench
 * file itself (no `.bench.ts`): `measure()` returns the figures as JSON-able numbers, for Node
 * (the shared code on Node's WebCrypto, OpenSSL) and for Chromium (the verifier screen's
 * runtime, BoringSSL), both verifying the same fixture, round by round.
 *
 * Two rates per kind of round: checks per CPU-second (the CPU time spent by Node's process, all
 * threads, or by the page's renderer process, all threads), which is what one core does when
 * nothing else runs on it; and checks per wall-clock second (median of rounds), which on this
 * shared machine also counts other engineers' work on the core, and Chromium's own processes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/helpers/browser';
import { makeFixture, ROUNDS, VerifyMeasurer, type RoundKind, type VerifyFixture } from './verify-measure';

export interface RoundFigures {
  /** Checks per CPU-second over all rounds. */
  perCpuSecond: number;
  /** Median over rounds of checks per wall-clock second. */
  perWallSecond: number;
  checksPerRound: number;
}

export interface VerifyFigures {
  firstMs: number;
  rounds: number;
  warmBasic: RoundFigures;
  warmFull: RoundFigures;
  cold: RoundFigures;
}

export interface VerifyRuntimes {
  node: VerifyFigures;
  chromium: VerifyFigures & { version: string };
}

interface Runner {
  first(): Promise<number>;
  warmUp(): Promise<void>;
  round(kind: RoundKind, index: number): Promise<{ checks: number; wallMs: number }>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU seconds used so far, by process (or any other unit of account). */
type CpuSnapshot = () => Map<string, number>;

/**
 * Runs every round through `runner`, taking a CPU snapshot around each. The CPU counted is the
 * one unit of account that did the most work over the whole measurement: Node's process, or
 * the renderer of the bench page (not the browser's own processes and its other renderers,
 * which in a one-core pin compete with the page but do not verify anything).
 */
async function measureWith(runner: Runner, snapshot: CpuSnapshot): Promise<VerifyFigures> {
  const firstMs = Math.round((await runner.first()) * 10) / 10;
  await runner.warmUp();
  const spans: Array<{ kind: RoundKind; checks: number; wallMs: number; before: Map<string, number>; after: Map<string, number> }> = [];
  for (const kind of ['warmBasic', 'warmFull', 'cold'] as const) {
    for (let i = 0; i < ROUNDS; i++) {
      const before = snapshot();
      const round = await runner.round(kind, i);
      spans.push({ kind, ...round, before, after: snapshot() });
    }
  }
  const used = (span: (typeof spans)[number], unit: string) => (span.after.get(unit) ?? 0) - (span.before.get(unit) ?? 0);
  const units = new Set(spans.flatMap((s) => [...s.after.keys()]));
  const worker = [...units].sort((a, b) => spans.reduce((t, s) => t + used(s, b), 0) - spans.reduce((t, s) => t + used(s, a), 0))[0]!;
  const figures = (kind: RoundKind): RoundFigures => {
    const mine = spans.filter((s) => s.kind === kind);
    const checks = mine.reduce((t, s) => t + s.checks, 0);
    return {
      perCpuSecond: Math.round(checks / mine.reduce((t, s) => t + used(s, worker), 0)),
      perWallSecond: Math.round(median(mine.map((s) => s.checks / (s.wallMs / 1000)))),
      checksPerRound: checks / mine.length,
    };
  };
  return { firstMs, rounds: ROUNDS, warmBasic: figures('warmBasic'), warmFull: figures('warmFull'), cold: figures('cold') };
}

/** CPU seconds used so far by this process, every thread (the WebCrypto thread pool included). */
function nodeCpu(): Map<string, number> {
  const { user, system } = process.cpuUsage();
  return new Map([['node', (user + system) / 1e6]]);
}

const CLOCK_TICKS = 100; // USER_HZ on Linux (getconf CLK_TCK)

/** CPU seconds used so far by each Chromium renderer started from this process (not the browser UI's own), from /proc. */
function rendererCpu(): Map<string, number> {
  const out = new Map<string, number>();
  const parents = new Map<number, number>();
  const renderers = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The fields after the command name (which may hold spaces) start with field 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes('--type=renderer') && !cmdline.includes('--top-chrome-webui')) renderers.set(Number(name), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended meanwhile.
    }
  }
  for (const [pid, ticks] of renderers) {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) {
      if (p === process.pid) {
        out.set(String(pid), ticks / CLOCK_TICKS);
        break;
      }
    }
  }
  return out;
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

function pageRunner(page: Page, fixture: VerifyFixture): Runner {
  type PageGlobals = { VerifyMeasurer: typeof VerifyMeasurer; measurer: VerifyMeasurer };
  return {
    first: () =>
      page.evaluate((f) => {
        const g = globalThis as unknown as PageGlobals;
        g.measurer = new g.VerifyMeasurer(f);
        return g.measurer.first();
      }, fixture),
    warmUp: () => page.evaluate(() => (globalThis as unknown as PageGlobals).measurer.warmUp()),
    round: (kind, index) => page.evaluate(([k, i]) => (globalThis as unknown as PageGlobals).measurer.round(k, i), [kind, index] as const),
  };
}

async function measureInChromium(fixture: VerifyFixture): Promise<VerifyFigures & { version: string }> {
  const script = await pageScript();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    // A secure context for WebCrypto, answered by the test itself: nothing listens on the port.
    const url = 'http://localhost:9/verify-bench';
    await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>verify</title><script>${script}</script>` }));
    await page.goto(url);
    return { ...(await measureWith(pageRunner(page, fixture), rendererCpu)), version: browser.version() };
  } finally {
    await browser.close();
  }
}

export async function measure(): Promise<VerifyRuntimes> {
  const fixture = await makeFixture();
  const node = await measureWith(new VerifyMeasurer(fixture), nodeCpu);
  return { node, chromium: await measureInChromium(fixture) };
}
