/**
 * Offline verifications per second on ONE core: the measurement runs in a child Node process
 * pinned with `taskset -c 0` (tests/bench/verify-worker.ts, loaded through Vite's module
 * runner), in Node and then in a Chromium started from that process (so pinned to the same
 * core). Every check is the full `verifyPresentation` (format, both signatures, times, status
 * list), as the verifier screen runs it. Goal (issue 7): ≥ 4,000 checks/s on one core, judged
 * on checks per CPU-second (what a core does undisturbed); the wall-clock rate on this shared
 * machine is given beside it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../edge/cli/lib.mjs';
import type { BenchRow } from './row';
import type { RoundFigures, VerifyFigures, VerifyRuntimes } from './verify-worker';

const GOAL_PER_SECOND = 4000;

function runPinned(): Promise<VerifyRuntimes> {
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
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as VerifyRuntimes) : reject(new Error(`verify worker exited ${code}`))));
  });
}

function rows(area: string, f: VerifyFigures): BenchRow[] {
  const rate = (what: string, r: RoundFigures): BenchRow => ({
    area,
    metric: `${what}: checks per CPU-second (${f.rounds} × ${r.checksPerRound}; wall clock on the shared core, median: ${r.perWallSecond.toLocaleString('en-US')}/s)`,
    value: r.perCpuSecond,
    unit: 'checks/s',
    goal: `≥ ${GOAL_PER_SECOND.toLocaleString('en-US')}`,
    pass: r.perCpuSecond >= GOAL_PER_SECOND,
  });
  return [
    { area, metric: 'first check in a fresh runtime (cold: JIT, key import)', value: f.firstMs, unit: 'ms' },
    rate('warm, the same basic QR again', f.warmBasic),
    rate('warm, the same full e-ID QR again', f.warmFull),
    rate('cold, a new holder each time', f.cold),
  ];
}

export async function run(): Promise<BenchRow[]> {
  const f = await runPinned();
  return [
    ...rows(`Offline verification, 1 core, Chromium ${f.chromium.version.split('.')[0]} (the verifier)`, f.chromium),
    ...rows('Offline verification, 1 core, Node (OpenSSL)', f.node),
  ];
}
