/** D1 access for device-change requests (a new phone taking over an account). */
import type { ShardDb } from './shards';
export type DeviceChangeRowState = 'code_sent' | 'pending' | 'waiting' | 'approved' | 'completed' | 'cancelled';
export type ApprovedVia = 'old-device' | 'waiting' | 'officer';

export interface DeviceChange {
  id: string;
  /** null for a decoy: details that matched no account. */
  accountId: string | null;
  label: string | null;
  state: DeviceChangeRowState;
  approvalCodeHash: string | null;
  newDeviceKeyId: string | null;
  readyAt: number | null;
  approvedVia: ApprovedVia | null;
  approvedBy: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

interface Row {
  id: string;
  account_id: string | null;
  label: string | null;
  state: DeviceChangeRowState;
  approval_code_hash: string | null;
  new_device_key_id: string | null;
  ready_at: number | null;
  approved_via: ApprovedVia | null;
  approved_by: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

function toDeviceChange(r: Row): DeviceChange {
  return {
    id: r.id,
    accountId: r.account_id,
    label: r.label,
    state: r.state,
    approvalCodeHash: r.approval_code_hash,
    newDeviceKeyId: r.new_device_key_id,
    readyAt: r.ready_at,
    approvedVia: r.approved_via,
    approvedBy: r.approved_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    expiresAt: r.expires_at,
  };
}

export async function insertDeviceChange(db: ShardDb, d: DeviceChange): Promise<void> {
  await db
    .prepare(
      `INSERT INTO device_changes (id, account_id, label, state, approval_code_hash, new_device_key_id, ready_at, approved_via, approved_by, created_at, updated_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(d.id, d.accountId, d.label, d.state, d.approvalCodeHash, d.newDeviceKeyId, d.readyAt, d.approvedVia, d.approvedBy, d.createdAt, d.updatedAt, d.expiresAt)
    .run();
}

export async function readDeviceChange(db: ShardDb, id: string): Promise<DeviceChange | null> {
  const r = await db.prepare('SELECT * FROM device_changes WHERE id = ?').bind(id).first<Row>();
  return r ? toDeviceChange(r) : null;
}

/** The account's requests that are still open (at most a handful: starting one is rate-limited). */
export async function listOpenDeviceChanges(db: ShardDb, accountId: string, now: number): Promise<DeviceChange[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM device_changes WHERE account_id = ? AND state IN ('pending', 'waiting', 'approved') AND expires_at > ?
       ORDER BY created_at DESC LIMIT 20`,
    )
    .bind(accountId, now)
    .all<Row>();
  return results.map(toDeviceChange);
}

/**
 * Moves a request from one of `from` to `to` with the given changes, only while it has not
 * expired. Returns false when another request moved it first (replay, race) or it expired.
 */
export async function transitionDeviceChange(
  db: ShardDb,
  id: string,
  from: readonly DeviceChangeRowState[],
  to: DeviceChangeRowState,
  now: number,
  set: Partial<Pick<DeviceChange, 'approvalCodeHash' | 'newDeviceKeyId' | 'readyAt' | 'approvedVia' | 'approvedBy' | 'expiresAt'>> = {},
): Promise<boolean> {
  const columns: Record<string, string> = {
    approvalCodeHash: 'approval_code_hash',
    newDeviceKeyId: 'new_device_key_id',
    readyAt: 'ready_at',
    approvedVia: 'approved_via',
    approvedBy: 'approved_by',
    expiresAt: 'expires_at',
  };
  const entries = Object.entries(set).filter(([, value]) => value !== undefined);
  const assignments = ['state = ?', 'updated_at = ?', ...entries.map(([key]) => `${columns[key]} = ?`)].join(', ');
  const r = await db
    .prepare(`UPDATE device_changes SET ${assignments} WHERE id = ? AND state IN (${from.map(() => '?').join(', ')}) AND expires_at > ?`)
    .bind(to, now, ...entries.map(([, value]) => value as string | number | null), id, ...from, now)
    .run();
  return r.meta.changes === 1;
}

/** Cancels every open request of an account (a lock, or a completed change, ends them). */
export function cancelOpenDeviceChangesStatement(db: ShardDb, accountId: string, now: number, exceptId = ''): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE device_changes SET state = 'cancelled', updated_at = ?
       WHERE account_id = ? AND state IN ('code_sent', 'pending', 'waiting', 'approved') AND id <> ?`,
    )
    .bind(now, accountId, exceptId);
}
