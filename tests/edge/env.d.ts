import type { D1Migration } from '@cloudflare/vitest-pool-workers';
import type { Env as EdgeEnv } from '../../edge/env';

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {
      TEST_MIGRATIONS: D1Migration[];
      TEST_REGISTRY_MIGRATIONS: D1Migration[];
      REGISTRY_0: D1Database;
      REGISTRY_1: D1Database;
    }
  }
}
export type Env = EdgeEnv;
