/**
 * Sign-in cost as the data grows (opt-in: `npm run bench -- --scale`; sizes from
 * BENCH_SCALE_SIZES, default 10 k, 100 k and 1 M registry citizens). For each size: a fresh
 * local D1 seeded with the synthetic registry (`seed`, as `npm run seed` does) and an
 * account for every citizen with a phone — account, device key, passkey, reminder row and
 * activation audit event — inserted with SQL (tests/load/helpers/bulk-accounts.ts); then
 * the same sign-in load as edge-signin.bench.ts (64 concurrent, 3 × 10 s after a warm-up)
 * with MEASURED of those accounts spread evenly over the population, so that sign-ins touch
 * pages all over the tables rather than a few cached ones; then the first wallet sync
 * (document issuance) of ISSUED of them. Seeding times are reported too.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './row';
import { median, type LoopFigures } from '../load/helpers/closed-loop';
import { insertAccounts } from '../load/helpers/bulk-accounts';
import { localD1Sizes } from '../load/helpers/d1-sizes';
import { EdgeBench } from '../load/helpers/edge-session';
import { snapshotWorker } from '../load/helpers/server';
import { ROOT } from '../../edge/cli/lib.mjs';

const PORT = Number(process.env.BENCH_SCALE_PORT ?? 8972);
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const MEASURED = 8192;
/** Accounts whose first wallet sync is measured (each issues its documents once). */
const ISSUED = 1024;
const CONCURRENCY = 64;
const ROUNDS = 3;
const ROUND_MS = 10_000;
/** The system this is modelled on (PRODUCT.md), and one D1 database's size limit. */
const NATIONAL_ACCOUNTS = 68.4e6;
const D1_LIMIT_BYTES = 10e9;

export async function run(): Promise<BenchRow[]> {
  if (!process.env.BENCH_SCALE) return [];
  const rows: BenchRow[] = [];
  const snapshot = join(ROOT, '.tmp', `bench-scale-worker-${process.pid}`);
  const config = await snapshotWorker(snapshot);
  const figures: Array<{ n: number; accounts: number; perSecond: number; cpu: number; p50: number; p99: number; issueCpu: number }> = [];
  for (const n of SIZES) {
    const bench = new EdgeBench(`scale-${n}`, PORT);
    const label = n.toLocaleString('en-US');
    const area = `Scale: ${label} registry citizens`;
    try {
      await bench.prepare(config);
      const seedMs = await bench.seed(n);
      const registrySizes = localD1Sizes(bench.persistTo);
      const { SHARD_KEY_SECRET } = await bench.secrets();
      const bulk = await insertAccounts({ persistTo: bench.persistTo, citizens: n, measured: MEASURED, shardKeySecret: SHARD_KEY_SECRET!, log: bench.log });
      writeFileSync(bench.phonesFile, JSON.stringify(bulk.phones));
      const sizes = registrySizes && localD1Sizes(bench.persistTo);
      await bench.start({ inspector: false, workerAlone: true });
      const rounds = await bench.generate<LoopFigures[]>('signInLoad', { concurrency: CONCURRENCY, durationMs: ROUND_MS, rounds: ROUNDS, warmupMs: 3000, pids: bench.pids(), ipBase: 0 });
      // Issuance: the first wallet sync of ISSUED of those accounts (every document signed, bound to its device key).
      const issue = await bench.generate<LoopFigures & { documents: number }>('issueLoad', { concurrency: CONCURRENCY, pids: bench.pids(), ipBase: 50_000, max: ISSUED });
      if (issue.failures) process.stderr.write(`  issuing sync outcomes: ${JSON.stringify(issue.outcomes)}\n`);
      const f = {
        n,
        accounts: bulk.accounts,
        perSecond: median(rounds.map((r) => r.perSecond)),
        cpu: median(rounds.map((r) => (r.cpuMs.worker ?? Number.NaN) / r.operations)),
        p50: median(rounds.map((r) => r.p50)),
        p99: median(rounds.map((r) => r.p99)),
        issueCpu: (issue.cpuMs.worker ?? Number.NaN) / issue.operations,
      };
      figures.push(f);
      const failures = rounds.reduce((s, r) => s + r.failures, 0);
      rows.push(
        { area, metric: `seeding: registry (npm run seed) / ${bulk.accounts.toLocaleString('en-US')} accounts (SQL files, wrangler d1 execute)`, value: seedMs / 1000, unit: `s / ${((bulk.generateMs + bulk.insertMs + bulk.indexMs) / 1000).toFixed(0)} s` },
        { area, metric: `passkey sign-ins per second, ${CONCURRENCY} concurrent, ${bulk.phones.length.toLocaleString('en-US')} accounts signing in`, value: f.perSecond, unit: 'sign-ins/s' },
        { area, metric: 'worker CPU per sign-in', value: f.cpu, unit: 'ms' },
        { area, metric: 'sign-in latency p50 / p99', value: f.p50, unit: `ms (p99 ${f.p99.toFixed(0)} ms)` },
        { area, metric: `document issuance: first wallet syncs per second, ${CONCURRENCY} concurrent (${issue.operations.toLocaleString('en-US')} accounts, ${(issue.documents / issue.operations).toFixed(1)} documents each)`, value: issue.perSecond, unit: 'syncs/s' },
        { area, metric: 'worker CPU per issuing sync', value: f.issueCpu, unit: 'ms' },
        { area, metric: 'failed issuing syncs', value: issue.failures, unit: `of ${issue.operations.toLocaleString('en-US')}`, goal: '0', pass: issue.failures === 0 },
        ...storageRows(area, registrySizes, sizes, n, bulk.accounts),
        { area, metric: 'failed sign-ins', value: failures, unit: `of ${rounds.reduce((s, r) => s + r.operations, 0).toLocaleString('en-US')}`, goal: '0', pass: failures === 0 },
      );
    } finally {
      await bench.cleanup();
    }
  }
  rmSync(snapshot, { recursive: true, force: true });
  if (figures.length > 1) {
    const base = figures[0]!;
    const worst = figures.reduce((w, f) => (f.cpu / base.cpu > w.cpu / base.cpu ? f : w), base);
    const ratio = worst.cpu / base.cpu;
    rows.push(
      { area: 'Scale: flatness', metric: `worker CPU per sign-in, highest ÷ ${base.n.toLocaleString('en-US')} (at ${worst.n.toLocaleString('en-US')})`, value: ratio, unit: '×', goal: '≤ 1.2', pass: ratio <= 1.2 },
      { area: 'Scale: flatness', metric: `sign-ins per second, ${figures.at(-1)!.n.toLocaleString('en-US')} ÷ ${base.n.toLocaleString('en-US')}`, value: figures.at(-1)!.perSecond / base.perSecond, unit: '×' },
    );
    const worstIssue = figures.reduce((w, f) => (f.issueCpu / base.issueCpu > w.issueCpu / base.issueCpu ? f : w), base);
    const issueRatio = worstIssue.issueCpu / base.issueCpu;
    rows.push({
      area: 'Scale: flatness',
      metric: `worker CPU per issuing sync, highest ÷ ${base.n.toLocaleString('en-US')} (at ${worstIssue.n.toLocaleString('en-US')})`,
      value: issueRatio,
      unit: '×',
      goal: '≤ 1.2',
      pass: issueRatio <= 1.2,
    });
  }
  return rows;
}

/**
 * Bytes per account and per registry record, and what they make at national scale. The shards
 * hold the registry and the accounts: the registry's bytes are those after seeding, an account's
 * what the bulk insert added to the shards, and its directory rows what it added to the main
 * database. The projection counts D1 databases of ≤ 10 GB each filled to half, so that a shard
 * can grow (and be split by a longer ID-number prefix) before it is full, and the main
 * database's directory at national scale (it must stay under one database's limit).
 */
function storageRows(area: string, before: ReturnType<typeof localD1Sizes>, after: ReturnType<typeof localD1Sizes>, citizens: number, accounts: number): BenchRow[] {
  if (!before || !after) return [];
  const isShard = (s: { tables: string[] }) => s.tables.includes('registry_citizens');
  const isMain = (s: { tables: string[] }) => s.tables.includes('key_directory');
  const sum = (sizes: NonNullable<typeof before>, pick: (s: { tables: string[] }) => boolean) => sizes.filter(pick).reduce((t, s) => t + s.bytes, 0);
  const shards = after.filter(isShard);
  if (shards.length === 0 || !after.some(isMain)) return [];
  const perCitizen = sum(before, isShard) / citizens;
  const perAccount = (sum(after, isShard) - sum(before, isShard)) / accounts;
  const perDirectory = (sum(after, isMain) - sum(before, isMain)) / accounts;
  const national = (perAccount + perCitizen) * NATIONAL_ACCOUNTS;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  return [
    {
      area,
      metric: `storage: per account on its shard / per citizen in the registry, over ${shards.length} shards (${shards.map((s) => mb(s.bytes)).join(' + ')} MB); the directory per account in the main D1`,
      value: perAccount,
      unit: `B / ${perCitizen.toFixed(0)} B; ${perDirectory.toFixed(0)} B`,
    },
    {
      area,
      metric: `projection: ${NATIONAL_ACCOUNTS / 1e6} M accounts and registry records on shards at ≤ 10 GB, half full; the main D1's directory`,
      value: national / 1e9,
      unit: `GB → ${Math.ceil(national / (D1_LIMIT_BYTES / 2))} shards; main ${((perDirectory * NATIONAL_ACCOUNTS) / 1e9).toFixed(1)} GB`,
    },
  ];
}
