/**
 * The global directory of device keys and passkey credentials (main database, key_directory,
 * migration 0014): what keeps them unique across every shard, as one database's primary keys
 * did. One device key belongs to one account, for ever; a credential id is registered once,
 * citizen or officer.
 *
 * A registration reserves its keys here first (one transaction: both or, when one is taken,
 * none), then writes the account's shard, then confirms them. If the shard's write fails the
 * reservation is released at once; if the worker stops in between, housekeeping finds the
 * pending reservation later, looks for the key on the account's shard, and confirms or releases
 * it (edge/domain/housekeeping.ts), so a failed registration does not lock the phone out.
 */
import { toBase64Url, randomBytes } from '../../shared/bytes';
import type { MainDb } from './shards';

export type DirectoryKind = 'device' | 'credential';

export interface DirectoryEntry {
  kind: DirectoryKind;
  /** The device key id or the credential id. */
  id: string;
}

/** The stored key: the first 16 bytes of SHA-256("<kind>:<id>"), a few tens of bytes a row for a whole country. */
async function keyOf(e: DirectoryEntry): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${e.kind}:${e.id}`))).slice(0, 16);
}

/** Whether a device key or a credential id is bound or reserved anywhere (an officer's passkey counts for a credential). */
export async function directoryHas(db: MainDb, e: DirectoryEntry): Promise<boolean> {
  const key = await keyOf(e);
  const row = await (e.kind === 'credential'
    ? db.prepare('SELECT 1 FROM key_directory WHERE key = ? UNION ALL SELECT 1 FROM officer_passkeys WHERE credential_id = ? LIMIT 1').bind(key, e.id)
    : db.prepare('SELECT 1 FROM key_directory WHERE key = ?').bind(key)
  ).first();
  return row !== null;
}

export type Reservation =
  | { ok: true; id: string; entries: DirectoryEntry[]; accountId: string }
  | { ok: false; taken: DirectoryKind };

/**
 * Reserves a new device key and its passkey's credential for an account, in one transaction: the
 * device key if it is free, then the credential if the device key was reserved and the credential
 * is free (and no officer's passkey has it), then the device key given back if the credential was
 * not reserved. Of two registrations racing for one key, one reserves it.
 */
export async function reserveDeviceAndCredential(db: MainDb, device: string, credential: string, accountId: string, now: number): Promise<Reservation> {
  const entries: DirectoryEntry[] = [
    { kind: 'device', id: device },
    { kind: 'credential', id: credential },
  ];
  const [d, c] = await Promise.all(entries.map(keyOf));
  const id = toBase64Url(randomBytes(16));
  const insert = 'INSERT INTO key_directory (key, reservation, pending_account, pending_id, pending_since)';
  const [deviceRow, credentialRow] = await db.batch([
    db.prepare(`${insert} VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`).bind(d, id, accountId, `device:${device}`, now),
    db
      .prepare(
        `${insert} SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1 AND NOT EXISTS (SELECT 1 FROM officer_passkeys WHERE credential_id = ?6)
         ON CONFLICT (key) DO NOTHING`,
      )
      .bind(c, id, accountId, `credential:${credential}`, now, credential),
    db.prepare('DELETE FROM key_directory WHERE changes() = 0 AND key = ? AND reservation = ?').bind(d, id),
  ]);
  if (deviceRow?.meta.changes !== 1) return { ok: false, taken: 'device' };
  if (credentialRow?.meta.changes !== 1) return { ok: false, taken: 'credential' };
  return { ok: true, id, entries, accountId };
}

/** A reservation's keys become bound (the shard's write committed). */
export async function confirmReservation(db: MainDb, reservation: string): Promise<void> {
  await db.prepare('UPDATE key_directory SET reservation = NULL, pending_account = NULL, pending_id = NULL, pending_since = NULL WHERE reservation = ?').bind(reservation).run();
}

/** A reservation's keys are given back (the shard's write failed, or never happened). */
export async function releaseReservation(db: MainDb, reservation: string): Promise<void> {
  await db.prepare('DELETE FROM key_directory WHERE reservation = ?').bind(reservation).run();
}

/** An officer's passkey is bound at once, in the officer's own transaction (the main database holds both). */
export async function bindCredentialStatement(db: MainDb, credentialId: string): Promise<D1PreparedStatement> {
  return db.prepare('INSERT INTO key_directory (key) VALUES (?)').bind(await keyOf({ kind: 'credential', id: credentialId }));
}

/** Reservations pending since before `before` (a registration that stopped half-way), oldest first. */
export async function listStaleReservations(
  db: MainDb,
  before: number,
  limit: number,
): Promise<Array<{ reservation: string; accountId: string; entry: DirectoryEntry }>> {
  const { results } = await db
    .prepare('SELECT reservation, pending_account, pending_id FROM key_directory WHERE reservation IS NOT NULL AND pending_since < ? ORDER BY pending_since LIMIT ?')
    .bind(before, limit)
    .all<{ reservation: string; pending_account: string; pending_id: string }>();
  return results.flatMap((r) => {
    const [kind, id] = r.pending_id.split(/:(.*)/s) as [string, string];
    return kind === 'device' || kind === 'credential' ? [{ reservation: r.reservation, accountId: r.pending_account, entry: { kind, id } }] : [];
  });
}
