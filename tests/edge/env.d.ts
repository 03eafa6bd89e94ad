import type { D1Migration } from '@cloudflare/vitest-pool-workers';
import type { Env as EdgeEnv } from '../../edge/env';

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
export type Env = EdgeEnv;
