import type { D1Migration } from '@cloudflare/vitest-pool-workers';
import type { Env } from '../../edge/env';

declare global {
  namespace Cloudflare {
    interface Env extends import('../../edge/env').Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
export type { Env };
