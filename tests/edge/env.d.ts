import type { D1Migration } from '@cloudflare/vitest-pool-workers';
import type { Env as EdgeEnv } from '../../edge/env';

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {
      TEST_MIGRATIONS: D1Migration[];
      TEST_SHARD_MIGRATIONS: D1Migration[];
      SHARD_0: D1Database;
      SHARD_1: D1Database;
    }
  }
}
export type Env = EdgeEnv;
