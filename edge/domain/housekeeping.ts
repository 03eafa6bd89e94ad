/**
 * The scheduled purge of expired rows (edge/store/housekeeping.ts), run every ten minutes, on
 * the main database and on every shard (in parallel: they are separate databases). Each round is
 * one D1 round trip per database that deletes a bounded batch from every table still holding
 * expired rows; a table leaves the loop once a batch comes back short. The rounds are bounded
 * too, so one run never outlasts a scheduled invocation's limits; what is left waits for the
 * next run.
 *
 * It also settles what a worker that stopped half-way between two databases left behind: a
 * registration's pending reservation in the global directory (confirmed if the shard holds the
 * device key, released if not: store/directory.ts), and status-list parts marked on a shard but
 * not yet given a new version (status-list.ts).
 */
import { readDeviceKey } from '../store/device-keys';
import { confirmReservation, listStaleReservations, releaseReservation } from '../store/directory';
import { BATCH, PURGES, purgeBatch } from '../store/housekeeping';
import { readPasskey } from '../store/passkeys';
import type { MainDb, ShardDb } from '../store/shards';
import type { Deps } from './deps';
import { publishStatusChanges } from './status-list';

/** At most this many rounds a run: 40 × 5,000 rows a table, every ten minutes, is ≈ 1.2 M rows an hour a table. */
export const MAX_ROUNDS = 40;
/** A reservation or a status mark older than this belongs to a worker that stopped (a registration takes seconds). */
export const STALE_AFTER_MS = 5 * 60_000;

type Target = { db: MainDb; database: 'main' } | { db: ShardDb; database: 'shard' };

/** Deletes expired rows at `now` everywhere; returns how many went from each table (summed over the shards). */
export async function runHousekeeping(deps: Pick<Deps, 'db' | 'shards'>, now: number, maxRounds = MAX_ROUNDS): Promise<Record<string, number>> {
  const totals: Record<string, number> = Object.fromEntries(PURGES.map((p) => [p.table, 0]));
  const purge = async (target: Target) => {
    let tables = PURGES.filter((p) => p.database === target.database).map((p) => p.table);
    for (let round = 0; round < maxRounds && tables.length > 0; round++) {
      const deleted = await purgeBatch(target, now, tables);
      for (const [table, n] of deleted) totals[table]! += n;
      tables = tables.filter((t) => deleted.get(t) === BATCH);
    }
  };
  await Promise.all([
    purge({ db: deps.db, database: 'main' }),
    ...deps.shards.all.map(async ({ db }) => {
      await purge({ db, database: 'shard' });
      totals.status_parts_pending = (totals.status_parts_pending ?? 0) + (await publishStatusChanges(deps, db, now - STALE_AFTER_MS));
    }),
  ]);
  totals.key_directory = await settleReservations(deps, now);
  return totals;
}

/**
 * Registrations that reserved a device key and a credential and then stopped: a reservation the
 * shard's write made real is confirmed, any other released (the phone may register again).
 * Returns how many were settled.
 */
async function settleReservations(deps: Pick<Deps, 'db' | 'shards'>, now: number): Promise<number> {
  const stale = await listStaleReservations(deps.db, now - STALE_AFTER_MS, 500);
  const byReservation = new Map(stale.map((s) => [s.reservation, s]));
  for (const { reservation, accountId, entry } of byReservation.values()) {
    const db = await deps.shards.dbForKey(accountId);
    const row = !db ? null : entry.kind === 'device' ? await readDeviceKey(db, entry.id) : await readPasskey(db, entry.id);
    if (row?.accountId === accountId) await confirmReservation(deps.db, reservation);
    else await releaseReservation(deps.db, reservation);
  }
  return byReservation.size;
}
