/**
 * What a benchmark file returns: `tests/bench/<name>.bench.ts` exports
 * `async function run(): Promise<BenchRow[]>`; `npm run bench` (tests/bench/run.mjs) runs them
 * all and prints one table. Add a file to add rows.
 */
export interface BenchRow {
  /** What is measured, as a heading: "QR size", "Offline verification"… */
  area: string;
  metric: string;
  value: number;
  unit: string;
  /** The target, in words ("≤ 450"), when there is one. */
  goal?: string;
  /** Whether the value meets the goal (printed as pass / FAIL), when there is one. */
  pass?: boolean;
}
