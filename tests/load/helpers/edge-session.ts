/**
 * The set-up the edge benchmarks share: a frozen copy of the worker (snapshotWorker) under
 * `wrangler dev` pinned to core 0, a fresh local D1, and the load generator in a process
 * pinned to core 1 (run-pinned.ts → generator.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildWeb, devSecrets, ROOT } from '../../../edge/cli/lib.mjs';
import { syntheticCitizen } from '../../../edge/registries/synthetic';
import type { LoopFigures } from './closed-loop';
import type { CitizenDetails } from './phone';
import { runPinned } from './run-pinned';
import { freshState, snapshotWorker, startServer, type Server } from './server';

export const SERVER_CPUS = '0';
export const GENERATOR_CPUS = '1';
const GENERATOR = join(ROOT, 'tests', 'load', 'helpers', 'generator.ts');

/** The first `n` generated citizens with a phone, no phone twice (the SMS limit is per phone). */
export function citizensWithPhones(n: number, from = 0): CitizenDetails[] {
  const out: CitizenDetails[] = [];
  const phones = new Set<string>();
  for (let i = from; out.length < n; i++) {
    const c = syntheticCitizen(i);
    if (!c.phone || phones.has(c.phone)) continue;
    phones.add(c.phone);
    out.push({ idNumber: c.idNumber, fullName: c.fullName, birthDate: c.birthDate, phone: c.phone });
  }
  return out;
}

export class EdgeBench {
  readonly dir: string;
  readonly persistTo: string;
  readonly phonesFile: string;
  config = '';
  server: Server | null = null;
  private vars: Record<string, string> | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly log: (line: string) => void = (line) => process.stderr.write(`  ${line}\n`),
  ) {
    this.dir = join(ROOT, '.tmp', `bench-${name}-${process.pid}`);
    this.persistTo = join(this.dir, 'state');
    this.phonesFile = join(this.dir, 'phones.json');
  }

  /** Snapshot of the worker as the tree holds it now (and the PWA build, which it serves), or one made before. */
  async prepare(config?: string): Promise<void> {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    if (config) {
      this.config = config;
      return;
    }
    if (!existsSync(join(ROOT, 'dist', 'index.html'))) await buildWeb();
    this.config = await snapshotWorker(join(this.dir, 'worker'));
  }

  /** The worker's secrets (made once; start() uses them): bulk seeding seals account ids with its SHARD_KEY_SECRET. */
  async secrets(): Promise<Record<string, string>> {
    this.vars ??= await devSecrets();
    return this.vars;
  }

  async seed(citizens: number): Promise<number> {
    const t0 = performance.now();
    await freshState(this.persistTo, citizens);
    return performance.now() - t0;
  }

  /**
   * Starts (or starts again, with the same secrets) the worker on core 0. With `workerAlone`,
   * wrangler's node process and its dev proxy (a workerd of its own that forwards every
   * request; production has none) are then moved to the generator's core, so core 0 runs
   * the worker's workerd and nothing else: what one core of the Workers runtime does.
   */
  async start(opts: { inspector?: boolean; workerAlone?: boolean } = {}): Promise<Server> {
    const inspector = opts.inspector ?? process.env.BENCH_INSPECTOR !== '0';
    this.server = await startServer({ port: this.port, persistTo: this.persistTo, cpus: SERVER_CPUS, config: this.config, vars: this.vars, inspector });
    this.vars = this.server.vars;
    if (opts.workerAlone) {
      const { wrangler, proxy } = this.server.pids();
      for (const pid of [wrangler, proxy]) if (pid) execFileSync('taskset', ['-a', '-p', '-c', GENERATOR_CPUS, String(pid)], { stdio: 'ignore' });
    }
    return this.server;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }

  pids(): Record<string, number | null> {
    const p = this.server!.pids();
    return { worker: p.worker, proxy: p.proxy };
  }

  generate<T>(fn: 'registerPhones' | 'signInLoad' | 'issueLoad' | 'getLoad', arg: Record<string, unknown>): Promise<T> {
    return runPinned<T>(GENERATOR_CPUS, GENERATOR, fn, { url: this.server!.url, phonesFile: this.phonesFile, ...arg }, { log: this.log });
  }

  async cleanup(): Promise<void> {
    await this.stop();
    if (!process.env.BENCH_KEEP_STATE) rmSync(this.dir, { recursive: true, force: true });
  }
}

export type { LoopFigures };
