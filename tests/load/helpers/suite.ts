/**
 * What the load and fault test files share: the server on the set-up's state, phones
 * registered through the API, and a place to record the figures each file measured
 * (test-output/load-figures.json, printed too).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ROOT } from '../../../edge/cli/lib.mjs';
import { citizensWithPhones } from './edge-session';
import { closedLoop } from './closed-loop';
import type { HttpClient } from './http';
import { clientIp, LoadPhone } from './phone';
import { startServer, type Server } from './server';

/**
 * `wrangler dev` on the set-up's state: the CLI as it comes. LOAD_INSPECTOR=0 runs wrangler's
 * dev server through its API without the DevTools inspector instead
 * (tests/load/helpers/start-worker.mjs): same workerd, D1 and proxy, about half the CPU.
 */
export function startLoadServer(): Promise<Server> {
  return startServer({
    port: inject('loadPort'),
    persistTo: inject('loadState'),
    config: inject('loadConfig'),
    vars: inject('loadVars'),
    inspector: process.env.LOAD_INSPECTOR !== '0',
  });
}

/** Registry indices each test file draws its citizens from, so files never share an ID number. */
export const CITIZEN_RANGES = { load: 0, restart: 400, fuzz: 600, rateLimits: 800 } as const;

export async function registerPhones(http: HttpClient, url: string, count: number, from: number, concurrency = 8): Promise<LoadPhone[]> {
  const citizens = citizensWithPhones(count, from);
  const phones: LoadPhone[] = new Array(count);
  const f = await closedLoop({
    concurrency,
    operations: count,
    op: async (_, n) => {
      phones[n] = await LoadPhone.register(http, url, citizens[n]!, clientIp(from * 100 + n));
      return { status: '201', ok: true, requests: 5 };
    },
  });
  if (f.failures) throw new Error(`registration failed: ${JSON.stringify(f.outcomes)}`);
  return phones;
}

/** Records a test file's figures under its name and prints them. */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const dir = join(ROOT, 'test-output');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'load-figures.json');
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  all[name] = { ...figures, at: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(all, null, 2));
  console.log(`[load figures] ${name}: ${JSON.stringify(figures)}`);
}
