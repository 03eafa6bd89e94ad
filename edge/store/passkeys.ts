/** D1 access for passkeys (WebAuthn credentials). */
import type { ShardDb } from './shards';
export interface Passkey {
  credentialId: string;
  accountId: string;
  deviceKeyId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
  backupEligible: boolean;
  backedUp: boolean;
  transports: string[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface PasskeyRow {
  credential_id: string;
  account_id: string;
  device_key_id: string;
  public_key: ArrayBuffer | number[];
  counter: number;
  backup_eligible: number;
  backed_up: number;
  transports: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export function toPasskey(row: PasskeyRow): Passkey {
  let transports: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.transports);
    if (Array.isArray(parsed)) transports = parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    // A corrupt column must not block sign-in: transports are only a hint.
  }
  return {
    credentialId: row.credential_id,
    accountId: row.account_id,
    deviceKeyId: row.device_key_id,
    publicKey: new Uint8Array(row.public_key as ArrayBuffer),
    counter: row.counter,
    backupEligible: row.backup_eligible === 1,
    backedUp: row.backed_up === 1,
    transports,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export async function readPasskey(db: ShardDb, credentialId: string): Promise<Passkey | null> {
  const row = await db.prepare('SELECT * FROM passkeys WHERE credential_id = ?').bind(credentialId).first<PasskeyRow>();
  return row ? toPasskey(row) : null;
}

export async function listPasskeys(db: ShardDb, accountId: string): Promise<Passkey[]> {
  const { results } = await db
    .prepare('SELECT * FROM passkeys WHERE account_id = ? ORDER BY created_at')
    .bind(accountId)
    .all<PasskeyRow>();
  return results.map(toPasskey);
}

export function insertPasskeyStatement(db: ShardDb, p: Passkey): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO passkeys (credential_id, account_id, device_key_id, public_key, counter, backup_eligible, backed_up, transports, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      p.credentialId,
      p.accountId,
      p.deviceKeyId,
      p.publicKey,
      p.counter,
      p.backupEligible ? 1 : 0,
      p.backedUp ? 1 : 0,
      JSON.stringify(p.transports),
      p.createdAt,
    );
}

/**
 * Moves the sign counter forward only from the value that was verified against
 * (compare-and-swap), so two racing sign-ins with one counter value cannot both pass.
 * Returns false when another request moved it first.
 */
export async function advancePasskeyCounter(
  db: ShardDb,
  credentialId: string,
  expected: number,
  next: number,
  backedUp: boolean,
  now: number,
): Promise<boolean> {
  const result = await db
    .prepare(
      'UPDATE passkeys SET counter = ?, backed_up = ?, last_used_at = ? WHERE credential_id = ? AND counter = ? AND revoked_at IS NULL',
    )
    .bind(next, backedUp ? 1 : 0, now, credentialId, expected)
    .run();
  return result.meta.changes === 1;
}

/** Revokes every passkey of an account still in force (device change). */
export function revokePasskeysOfAccountStatement(db: ShardDb, accountId: string, now: number): D1PreparedStatement {
  return db.prepare('UPDATE passkeys SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL').bind(now, accountId);
}
