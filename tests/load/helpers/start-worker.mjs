// `wrangler dev` without the DevTools inspector, for measurements: the same start-up as the
// CLI (wrangler's startWorker: its dev proxy in front of the worker, local D1 in the
// worker's workerd), but `dev.inspector: false`, which the CLI cannot set. With the
// inspector, wrangler enables the runtime's Runtime and Network domains, and every request
// and every D1 call is reported over a WebSocket to its inspector proxy: that costs more CPU
// than our code and is not what production runs.
//
// node start-worker.mjs CONFIG PORT PERSIST_DIR VARS_JSON — prints "ready" when serving; stops on SIGTERM.
import { unstable_startWorker } from 'wrangler';

const [config, port, persist, varsJson] = process.argv.slice(2);
const vars = JSON.parse(varsJson ?? '{}');
const worker = await unstable_startWorker({
  config,
  bindings: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, { type: 'plain_text', value: v }])),
  dev: { inspector: false, server: { hostname: 'localhost', port: Number(port) }, persist, logLevel: process.env.LOAD_WRANGLER_LOG ?? 'error', registry: undefined },
});
await worker.ready;
process.stdout.write('ready\n');
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.dispose().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
