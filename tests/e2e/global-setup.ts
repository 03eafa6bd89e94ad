// Starts the real system for the end-to-end tests: the built PWA and the worker under
// `wrangler dev` (workerd) with a fresh local D1, migrated and seeded, on its own port.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildWeb, devSecrets, migrate, ROOT, seed, seedDemoPortal, startWrangler } from '../../edge/cli/lib.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The server's local state directory (D1, R2), for tests that set up data directly. */
    statePath: string;
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) await buildWeb();
  // E2E_STATE_DIR (with E2E_PORT) lets two runs on one machine keep apart.
  const persistTo = process.env.E2E_STATE_DIR ?? join(ROOT, '.tmp', 'e2e-state');
  rmSync(persistTo, { recursive: true, force: true });
  await migrate(persistTo);
  await seed({ count: 200, persistTo });
  const port = Number(process.env.E2E_PORT ?? 8788);
  const vars = await devSecrets();
  // As `npm start` does: the demo portal is registered before the server starts.
  await seedDemoPortal({ origin: `http://localhost:${port}`, sessionSecret: vars.SESSION_SECRET, persistTo });
  const server = await startWrangler({ port, persistTo, quiet: true, vars });
  project.provide('baseUrl', server.url);
  project.provide('statePath', persistTo);
  return async () => {
    await server.stop();
  };
}
