/**
 * A closed-loop load runner: `concurrency` callers, each starting its next operation when
 * the last one ends, for a time or a count. Records each operation's latency and outcome,
 * and the CPU time the server's processes used meanwhile (from /proc).
 */
import { cpuMs } from './server';

export interface Outcome {
  /** A short label of the result: "200", "429 rate_limited", "ECONNREFUSED"… */
  status: string;
  ok: boolean;
  /** HTTP requests the operation made. */
  requests: number;
}

export interface LoopFigures {
  operations: number;
  requests: number;
  seconds: number;
  perSecond: number;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  failures: number;
  /** Outcome label → count. */
  outcomes: Record<string, number>;
  /** CPU time (ms) per process label over the run. */
  cpuMs: Record<string, number>;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

export const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 0.5);

export async function closedLoop(opts: {
  concurrency: number;
  durationMs?: number;
  operations?: number;
  /** Ends the run early when it returns true (checked before each operation). */
  stop?: () => boolean;
  /** Processes whose CPU time is read before and after: label → PID. */
  pids?: Record<string, number | null>;
  op: (caller: number, n: number) => Promise<Outcome>;
}): Promise<LoopFigures> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  let started = 0;
  let requests = 0;
  let failures = 0;
  const pids = Object.entries(opts.pids ?? {}).filter((e): e is [string, number] => e[1] !== null);
  const cpu0 = pids.map(([, pid]) => cpuMs(pid) ?? 0);
  const t0 = performance.now();
  const deadline = opts.durationMs !== undefined ? t0 + opts.durationMs : Number.POSITIVE_INFINITY;
  const limit = opts.operations ?? Number.POSITIVE_INFINITY;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, caller) => {
      while (performance.now() < deadline && started < limit && !opts.stop?.()) {
        const n = started++;
        const s = performance.now();
        let outcome: Outcome;
        try {
          outcome = await opts.op(caller, n);
        } catch (err) {
          const code = (err as { code?: string }).code;
          outcome = { status: code ?? (err instanceof Error ? err.message.slice(0, 60) : String(err)), ok: false, requests: 1 };
        }
        latencies.push(performance.now() - s);
        requests += outcome.requests;
        if (!outcome.ok) failures++;
        outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = Object.fromEntries(pids.map(([label, pid], i) => [label, (cpuMs(pid) ?? cpu0[i]!) - cpu0[i]!]));
  latencies.sort((a, b) => a - b);
  return {
    operations: latencies.length,
    requests,
    seconds,
    perSecond: latencies.length / seconds,
    requestsPerSecond: requests / seconds,
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? Number.NaN,
    failures,
    outcomes,
    cpuMs: cpu,
  };
}
