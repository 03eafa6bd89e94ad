/** D1 access for short SMS-confirmed requests on an account: lock from a computer, unlock, phone change. */
import type { ShardDb } from './shards';
export type AccountRequestKind = 'lock' | 'unlock' | 'phone';

export interface AccountRequest {
  id: string;
  kind: AccountRequestKind;
  /** null for a decoy: details that matched no account. */
  accountId: string | null;
  deviceKeyId: string | null;
  newPhone: string | null;
  state: 'code_sent' | 'done';
  createdAt: number;
  expiresAt: number;
}

interface Row {
  id: string;
  kind: AccountRequestKind;
  account_id: string | null;
  device_key_id: string | null;
  new_phone: string | null;
  state: 'code_sent' | 'done';
  created_at: number;
  expires_at: number;
}

export async function insertAccountRequest(db: ShardDb, r: AccountRequest): Promise<void> {
  await db
    .prepare('INSERT INTO account_requests (id, kind, account_id, device_key_id, new_phone, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(r.id, r.kind, r.accountId, r.deviceKeyId, r.newPhone, r.state, r.createdAt, r.expiresAt)
    .run();
}

export async function readAccountRequest(db: ShardDb, id: string): Promise<AccountRequest | null> {
  const r = await db.prepare('SELECT * FROM account_requests WHERE id = ?').bind(id).first<Row>();
  return r
    ? {
        id: r.id,
        kind: r.kind,
        accountId: r.account_id,
        deviceKeyId: r.device_key_id,
        newPhone: r.new_phone,
        state: r.state,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
      }
    : null;
}

/** Marks a request done once; false when it already was (a replay or a race). */
export async function finishAccountRequest(db: ShardDb, id: string): Promise<boolean> {
  const r = await db.prepare("UPDATE account_requests SET state = 'done' WHERE id = ? AND state = 'code_sent'").bind(id).run();
  return r.meta.changes === 1;
}
