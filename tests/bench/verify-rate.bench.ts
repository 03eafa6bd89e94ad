/**
 * Offline verifications per second on ONE core: the measurement runs in a child Node process
 * pinned with `taskset -c 0` (tests/bench/verify-worker.ts, loaded through Vite's module
 * runner). Every check is the full `verifyPresentation` (format, both signatures, times, status
 * list), as the verifier screen runs it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib.mjs';
import type { BenchRow } from './row';
import type { VerifyFigures } from './verify-worker';

function runPinned(): Promise<VerifyFigures> {
  const script = `
    const { runnerImport } = await import('vite');
    const { module } = await runnerImport(${JSON.stringify(join(ROOT, 'tests/bench/verify-worker.ts'))}, { configFile: false, logLevel: 'error' });
    process.stdout.write(JSON.stringify(await module.measure()));
    process.exit(0);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', process.execPath, '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as VerifyFigures) : reject(new Error(`verify worker exited ${code}`))));
  });
}

export async function run(): Promise<BenchRow[]> {
  const f = await runPinned();
  const area = 'Offline verification, 1 core';
  return [
    { area, metric: 'first check in a fresh process (cold: JIT, key import)', value: f.firstMs, unit: 'ms' },
    { area, metric: 'warm: the same basic QR again (best of 3 × 3000)', value: f.warmSamePerSecond, unit: 'checks/s' },
    { area, metric: 'warm: the same full e-ID QR again (best of 3 × 3000)', value: f.warmFullPerSecond, unit: 'checks/s' },
    { area, metric: `cold caches: different holders, each once (best of 3 × ${f.distinct / 3})`, value: f.coldDistinctPerSecond, unit: 'checks/s' },
  ];
}
