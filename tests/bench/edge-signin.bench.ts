/**
 * The edge under load on local workerd with D1: `wrangler dev` (a frozen copy of the worker
 * as the tree holds it, tests/load/helpers/server.ts) pinned to core 0 with `taskset`, the
 * load generator (Node, tests/load/helpers/generator.ts) pinned to core 1. The measured runs
 * start wrangler's dev server through its API with the DevTools inspector off
 * (tests/load/helpers/start-worker.mjs): the same workerd, D1 and dev proxy as the CLI, without
 * the inspector's per-request events, which cost more than the worker itself; and they move
 * wrangler's own process and its dev proxy to core 1, so core 0 runs the worker's workerd
 * alone, as a core of the Workers runtime would. Step 5 runs with the proxy on core 0 again,
 * then the CLI as it comes, for comparison.
 *
 * 1. REGISTER citizens register through the real API with a software authenticator and a
 *    device key, reading SMS codes from the development outbox; half are then made level 2
 *    (SQL, as an officer's approval would; the worker is restarted around it).
 * 2. Passkey sign-ins (options + assertion + device proof) by 64 concurrent callers, ROUNDS
 *    × ROUND_MS after a warm-up: sign-ins per second, CPU time of the worker's workerd
 *    process (our code and, locally, D1's SQLite in the same process) and of wrangler's dev
 *    proxy, per sign-in, and the latency of a whole sign-in (both requests).
 * 3. Document issuance to a new device (first wallet sync: device challenge + sync, every
 *    document issued and signed), level 1 and level 2, 64 concurrent.
 * 4. Calibration: what a request costs with nothing in it (GET /api/health) and with one D1
 *    query (GET /api/dev/sms), to tell the platform's share from ours.
 * Figures are the median of the rounds.
 */
import type { BenchRow } from './row';
import { median, type LoopFigures } from '../load/helpers/closed-loop';
import { citizensWithPhones, EdgeBench } from '../load/helpers/edge-session';
import { d1QueryShards } from '../load/helpers/server';
import type { SavedPhone } from '../load/helpers/generator';
import { readFileSync, writeFileSync } from 'node:fs';

const PORT = Number(process.env.BENCH_EDGE_PORT ?? 8971);
const SEED = 2_000;
const REGISTER = Number(process.env.BENCH_EDGE_PHONES ?? 512);
const CONCURRENCY = 64;
const ROUNDS = 3;
const ROUND_MS = Number(process.env.BENCH_EDGE_ROUND_MS ?? 10_000);

const perOp = (f: LoopFigures, label: string) => (f.cpuMs[label] ?? Number.NaN) / f.operations;

export async function run(): Promise<BenchRow[]> {
  const bench = new EdgeBench('edge', PORT);
  const rows: BenchRow[] = [];
  try {
    await bench.prepare();
    await bench.seed(SEED);
    await bench.start({ inspector: false, workerAlone: true });

    // 1. Registration through the API.
    const reg = await bench.generate<LoopFigures>('registerPhones', { citizens: citizensWithPhones(REGISTER), concurrency: 16, ipBase: 0 });
    if (reg.failures) throw new Error(`registration failures: ${JSON.stringify(reg.outcomes)}`);
    const phones = JSON.parse(readFileSync(bench.phonesFile, 'utf8')) as SavedPhone[];
    const level2 = phones.filter((_, i) => i % 2 === 1);
    await bench.stop();
    // On every shard: each holds some of these accounts (the statement finds the others on theirs).
    await d1QueryShards(bench.persistTo, `UPDATE accounts SET level = 2 WHERE id IN (${level2.map((p) => `'${p.userHandle}'`).join(',')})`);
    writeFileSync(bench.phonesFile, JSON.stringify(phones.map((p, i) => ({ ...p, level: i % 2 === 1 ? 2 : 1 }))));
    await bench.start({ inspector: false, workerAlone: true });

    // 2. Sign-ins.
    const rounds = await bench.generate<LoopFigures[]>('signInLoad', { concurrency: CONCURRENCY, durationMs: ROUND_MS, rounds: ROUNDS, warmupMs: 3000, pids: bench.pids(), ipBase: 10_000 });
    const failures = rounds.reduce((s, r) => s + r.failures, 0);
    const area = 'Edge sign-in, the worker alone on 1 core';
    const perSecond = median(rounds.map((r) => r.perSecond));
    const cpu = median(rounds.map((r) => perOp(r, 'worker')));
    const p99 = median(rounds.map((r) => r.p99));
    rows.push(
      { area, metric: `passkey sign-ins per second, ${CONCURRENCY} concurrent (median of ${ROUNDS} × ${ROUND_MS / 1000} s)`, value: perSecond, unit: 'sign-ins/s', goal: '≥ 1,500', pass: perSecond >= 1500 },
      { area, metric: 'worker CPU per sign-in (workerd: our code + local D1 SQLite)', value: cpu, unit: 'ms', goal: '≤ 1', pass: cpu <= 1 },
      { area, metric: "wrangler dev's proxy CPU per sign-in (development only)", value: median(rounds.map((r) => perOp(r, 'proxy'))), unit: 'ms' },
      { area, metric: `sign-in latency p50 (options + verify), ${CONCURRENCY} concurrent`, value: median(rounds.map((r) => r.p50)), unit: 'ms' },
      { area, metric: `sign-in latency p99, ${CONCURRENCY} concurrent`, value: p99, unit: 'ms', goal: '≤ 50', pass: p99 <= 50 },
      { area, metric: `failed sign-ins (of ${rounds.reduce((s, r) => s + r.operations, 0).toLocaleString('en-US')})`, value: failures, unit: 'sign-ins', goal: '0', pass: failures === 0 },
      { area, metric: `registrations through the API (5 requests each), 16 concurrent`, value: reg.perSecond, unit: 'accounts/s' },
    );
    if (failures) process.stderr.write(`  sign-in outcomes: ${JSON.stringify(rounds.map((r) => r.outcomes))}\n`);
    // Below saturation: the time a sign-in takes when it does not queue behind 63 others.
    const [light] = await bench.generate<LoopFigures[]>('signInLoad', { concurrency: 4, durationMs: 5000, rounds: 1, warmupMs: 1000, pids: bench.pids(), ipBase: 30_000 });
    rows.push({ area, metric: `sign-in latency p50 / p99, 4 concurrent (${light!.perSecond.toFixed(0)} sign-ins/s, below saturation)`, value: light!.p50, unit: `ms (p99 ${light!.p99.toFixed(1)} ms)` });

    // 3. Issuance to new devices.
    for (const level of [1, 2] as const) {
      const f = await bench.generate<LoopFigures & { documents: number; credentials: number }>('issueLoad', { concurrency: CONCURRENCY, pids: bench.pids(), ipBase: 20_000, level });
      const issueArea = `Edge document issuance, level ${level}`;
      rows.push(
        { area: issueArea, metric: `new-device wallet syncs per second (challenge + sync), ${CONCURRENCY} concurrent`, value: f.perSecond, unit: 'syncs/s' },
        { area: issueArea, metric: 'documents / credentials (views) signed per sync', value: Number((f.documents / f.operations).toFixed(1)), unit: `docs (${(f.credentials / f.operations).toFixed(1)} creds)` },
        { area: issueArea, metric: 'worker CPU per sync', value: perOp(f, 'worker'), unit: 'ms' },
        { area: issueArea, metric: 'sync latency p50 / p99', value: f.p50, unit: `ms (p99 ${f.p99.toFixed(0)} ms)` },
        { area: issueArea, metric: 'failed syncs', value: f.failures, unit: 'syncs', goal: '0', pass: f.failures === 0 },
      );
    }

    // 4. Calibration.
    const empty = await bench.generate<LoopFigures>('getLoad', { path: '/api/health', concurrency: CONCURRENCY, durationMs: 4000, pids: bench.pids() });
    const oneQuery = await bench.generate<LoopFigures>('getLoad', { path: '/api/dev/sms?phone=0912345678', concurrency: CONCURRENCY, durationMs: 4000, pids: bench.pids() });
    const calArea = 'Edge calibration (what the platform costs here)';
    rows.push(
      { area: calArea, metric: 'worker CPU per request with no work (GET /api/health)', value: perOp(empty, 'worker'), unit: 'ms' },
      { area: calArea, metric: "wrangler dev's proxy CPU per request", value: perOp(empty, 'proxy'), unit: 'ms' },
      { area: calArea, metric: 'worker CPU of one local D1 query (GET /api/dev/sms minus /api/health)', value: perOp(oneQuery, 'worker') - perOp(empty, 'worker'), unit: 'ms' },
      { area: calArea, metric: 'GET /api/health, 64 concurrent', value: empty.perSecond, unit: 'requests/s' },
    );

    // 5a. The same sign-ins with wrangler's dev proxy on the worker's core (as before the
    // proxy was moved): what a developer's `wrangler dev` on one core would do.
    await bench.stop();
    await bench.start({ inspector: false });
    const [shared] = await bench.generate<LoopFigures[]>('signInLoad', { concurrency: CONCURRENCY, durationMs: ROUND_MS, rounds: 1, warmupMs: 2000, pids: bench.pids(), ipBase: 35_000 });
    const sharedArea = "Edge sign-in, the worker and wrangler's dev proxy on the same core";
    rows.push(
      { area: sharedArea, metric: `passkey sign-ins per second, ${CONCURRENCY} concurrent (1 × ${ROUND_MS / 1000} s)`, value: shared!.perSecond, unit: 'sign-ins/s' },
      { area: sharedArea, metric: 'worker / proxy CPU per sign-in', value: perOp(shared!, 'worker'), unit: `ms (proxy ${perOp(shared!, 'proxy').toFixed(2)} ms)` },
      { area: sharedArea, metric: 'failed sign-ins', value: shared!.failures, unit: `of ${shared!.operations}`, goal: '0', pass: shared!.failures === 0 },
    );

    // 5b. The same sign-ins under the `wrangler dev` command itself, which also attaches its
    // DevTools inspector (runtime events for every request and every D1 call).
    await bench.stop();
    await bench.start({ inspector: true });
    const [cli] = await bench.generate<LoopFigures[]>('signInLoad', { concurrency: CONCURRENCY, durationMs: ROUND_MS, rounds: 1, warmupMs: 2000, pids: bench.pids(), ipBase: 40_000 });
    const cliArea = 'Edge sign-in under the `wrangler dev` CLI (DevTools inspector attached)';
    rows.push(
      { area: cliArea, metric: `passkey sign-ins per second, ${CONCURRENCY} concurrent (1 × ${ROUND_MS / 1000} s)`, value: cli!.perSecond, unit: 'sign-ins/s' },
      { area: cliArea, metric: 'worker / proxy CPU per sign-in', value: perOp(cli!, 'worker'), unit: `ms (proxy ${perOp(cli!, 'proxy').toFixed(2)} ms)` },
      { area: cliArea, metric: 'failed sign-ins', value: cli!.failures, unit: `of ${cli!.operations}` },
    );
    if (cli!.failures) process.stderr.write(`  CLI sign-in outcomes: ${JSON.stringify(cli!.outcomes)}\n`);
  } finally {
    await bench.cleanup();
  }
  return rows;
}
