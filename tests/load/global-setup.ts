// The load and fault tests' shared set-up: a frozen copy of the worker (so a file saved in
// the tree meanwhile does not reload it mid-run), a fresh local D1, migrated and seeded, and
// the secrets. Each test file starts and stops `wrangler dev` itself on this state (the
// restart test needs the handle); files run one after another.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildWeb, devSecrets, ROOT } from '../../edge/cli/lib.mjs';
import { freshState, snapshotWorker } from './helpers/server';

declare module 'vitest' {
  export interface ProvidedContext {
    loadConfig: string;
    loadState: string;
    loadVars: Record<string, string>;
    loadPort: number;
  }
}

/** Generated citizens in the registry; tests register the ones they need through the API. */
export const LOAD_SEED = 1_500;

export default async function setup(project: TestProject) {
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) await buildWeb();
  const dir = process.env.LOAD_STATE_DIR ?? join(ROOT, '.tmp', `load-state-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const config = await snapshotWorker(join(dir, 'worker'));
  await freshState(join(dir, 'state'), LOAD_SEED);
  project.provide('loadConfig', config);
  project.provide('loadState', join(dir, 'state'));
  project.provide('loadVars', await devSecrets());
  project.provide('loadPort', Number(process.env.LOAD_PORT ?? 8789));
  return () => {
    if (!process.env.LOAD_KEEP_STATE) rmSync(dir, { recursive: true, force: true });
  };
}
