/** D1 access for the events agencies post about linked administrative procedures. */
import type { MainDb } from './shards';
export interface AgencyEventRow {
  agency: string;
  eventId: string;
  procedure: string;
  status: string;
  accountId: string | null;
  receivedAt: number;
}

/** Records an event the first time it is seen; false for a repeat (a retried delivery). */
export async function insertAgencyEventOnce(db: MainDb, e: AgencyEventRow): Promise<boolean> {
  const r = await db
    .prepare(
      `INSERT INTO agency_events (agency, event_id, procedure, status, account_id, received_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (agency, event_id) DO NOTHING`,
    )
    .bind(e.agency, e.eventId, e.procedure, e.status, e.accountId, e.receivedAt)
    .run();
  return r.meta.changes === 1;
}
