// `npm run deploy`: build the PWA, apply the D1 migrations remotely to the main database and
// to every registry shard that wrangler.toml's SHARDS names, then deploy the worker.
import { buildWeb, migrate, run } from './lib.mjs';

await buildWeb();
await migrate(undefined, { remote: true });
await run('wrangler', ['deploy']);
