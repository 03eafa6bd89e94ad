/**
 * The scheduled purge of expired rows (edge/store/housekeeping.ts), run every ten minutes.
 * Each round is one D1 round trip that deletes a bounded batch from every table still
 * holding expired rows; a table leaves the loop once a batch comes back short. The rounds
 * are bounded too, so one run never outlasts a scheduled invocation's limits; what is left
 * waits for the next run.
 */
import { BATCH, PURGES, purgeBatch } from '../store/housekeeping';

/** At most this many rounds a run: 40 × 5,000 rows a table, every ten minutes, is ≈ 1.2 M rows an hour a table. */
export const MAX_ROUNDS = 40;

/** Deletes expired rows at `now`; returns how many went from each table. */
export async function runHousekeeping(db: D1Database, now: number, maxRounds = MAX_ROUNDS): Promise<Record<string, number>> {
  const totals: Record<string, number> = Object.fromEntries(PURGES.map((p) => [p.table, 0]));
  let tables = PURGES.map((p) => p.table);
  for (let round = 0; round < maxRounds && tables.length > 0; round++) {
    const deleted = await purgeBatch(db, now, tables);
    for (const [table, n] of deleted) totals[table]! += n;
    tables = tables.filter((t) => deleted.get(t) === BATCH);
  }
  return totals;
}
