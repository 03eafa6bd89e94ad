// `npm run deploy`: build the PWA, apply the D1 migrations remotely to the main database and
// to every shard that wrangler.toml's SHARDS names (accounts; edge/migrations-shard), then deploy the worker.
import { buildWeb, migrate, run } from './lib.mjs';

await buildWeb();
await migrate(undefined, { remote: true });
await run('wrangler', ['deploy']);
