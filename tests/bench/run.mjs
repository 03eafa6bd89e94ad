// `npm run bench`: runs every tests/bench/*.bench.ts (each exports `run(): Promise<BenchRow[]>`,
// see tests/bench/row.ts) through a Vite module runner and prints ONE table of figures. The
// runner stays open until every file has run (a closed one, as `runnerImport` leaves it, would
// fail the dynamic imports a bench makes while it runs).
// `npm run bench -- qr` runs only the files whose name contains "qr". `npm run bench -- --scale`
// also runs the opt-in scale bench (10 k, 100 k and 1 M accounts: tests/bench/edge-scale.bench.ts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../edge/cli/lib.mjs';

const args = process.argv.slice(2);
const filter = args.find((a) => !a.startsWith('--')) ?? '';
if (args.includes('--scale')) process.env.BENCH_SCALE = '1';
const dir = join(ROOT, 'tests', 'bench');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();

const { createServer, createServerModuleRunner } = await import('vite');
const server = await createServer({ configFile: false, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false } });
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
const rows = [];
let failed = 0;
for (const file of files) {
  const started = Date.now();
  process.stderr.write(`bench: ${file}…\n`);
  try {
    const module = await runner.import(join(dir, file));
    rows.push(...(await module.run()));
    process.stderr.write(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    failed++;
    process.stderr.write(`bench: ${file} FAILED: ${err instanceof Error ? err.stack : err}\n`);
  }
}
await runner.close();
await server.close();

const format = (value) =>
  typeof value !== 'number'
    ? String(value)
    : Number.isInteger(value)
      ? value.toLocaleString('en-US')
      : value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 10 ? 2 : 1 });
const verdict = (r) => (r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL');
const table = [['area', 'metric', 'value', 'unit', 'goal', 'pass/fail'], ...rows.map((r) => [r.area, r.metric, format(r.value), r.unit, r.goal ?? '', verdict(r)])];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row) => `| ${row.map((cell, i) => (i === 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ')} |`;
console.log(line(table[0]));
console.log(`|${widths.map((w, i) => (i === 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
for (const row of table.slice(1)) console.log(line(row));
if (failed) {
  console.error(`${failed} bench file(s) failed`);
  process.exit(1);
}
// runnerImport and child processes may leave handles open.
process.exit(0);
