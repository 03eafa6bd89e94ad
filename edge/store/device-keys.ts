/** D1 access for device keys. */
import type { ShardDb } from './shards';
export interface DeviceKey {
  keyId: string;
  accountId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  label: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface DeviceKeyRow {
  key_id: string;
  account_id: string;
  public_key: ArrayBuffer | number[];
  label: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export function toDeviceKey(row: DeviceKeyRow): DeviceKey {
  return {
    keyId: row.key_id,
    accountId: row.account_id,
    publicKey: new Uint8Array(row.public_key as ArrayBuffer),
    label: row.label,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export async function readDeviceKey(db: ShardDb, keyId: string): Promise<DeviceKey | null> {
  const row = await db.prepare('SELECT * FROM device_keys WHERE key_id = ?').bind(keyId).first<DeviceKeyRow>();
  return row ? toDeviceKey(row) : null;
}

export async function listDeviceKeys(db: ShardDb, accountId: string): Promise<DeviceKey[]> {
  const { results } = await db
    .prepare('SELECT * FROM device_keys WHERE account_id = ? ORDER BY created_at')
    .bind(accountId)
    .all<DeviceKeyRow>();
  return results.map(toDeviceKey);
}

export function insertDeviceKeyStatement(db: ShardDb, k: DeviceKey): D1PreparedStatement {
  return db
    .prepare('INSERT INTO device_keys (key_id, account_id, public_key, label, created_at) VALUES (?, ?, ?, ?, ?)')
    .bind(k.keyId, k.accountId, k.publicKey, k.label, k.createdAt);
}

export async function touchDeviceKey(db: ShardDb, keyId: string, now: number): Promise<void> {
  await db.prepare('UPDATE device_keys SET last_used_at = ? WHERE key_id = ?').bind(now, keyId).run();
}

/** Revokes every device key of an account still in force (device change): they never bind again. */
export function revokeDeviceKeysOfAccountStatement(db: ShardDb, accountId: string, now: number): D1PreparedStatement {
  return db.prepare('UPDATE device_keys SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL').bind(now, accountId);
}
