/** D1 access for residence notifications (thông báo lưu trú). */
import type { ResidencePerson, ResidenceRole, ResidenceStatus } from '../../shared/services';
import type { ShardDb } from './shards';

export interface ResidenceNoticeRow {
  id: string;
  accountId: string;
  idempotencyKey: string;
  requestHash: string;
  role: ResidenceRole;
  communeCode: string;
  address: string;
  people: ResidencePerson[];
  from: string;
  to: string;
  reason: string;
  status: ResidenceStatus;
  submittedAt: number;
  receivedAt: number | null;
  acknowledgedAt: number | null;
  handledBy: string | null;
  note: string | null;
}

interface Row {
  id: string;
  account_id: string;
  idempotency_key: string;
  request_hash: string;
  role: string;
  commune_code: string;
  address: string;
  people: string;
  stay_from: string;
  stay_to: string;
  reason: string;
  status: string;
  submitted_at: number;
  received_at: number | null;
  acknowledged_at: number | null;
  handled_by: string | null;
  note: string | null;
}

function toNotice(r: Row): ResidenceNoticeRow {
  return {
    id: r.id,
    accountId: r.account_id,
    idempotencyKey: r.idempotency_key,
    requestHash: r.request_hash,
    role: r.role === 'host' ? 'host' : 'guest',
    communeCode: r.commune_code,
    address: r.address,
    people: JSON.parse(r.people) as ResidencePerson[],
    from: r.stay_from,
    to: r.stay_to,
    reason: r.reason,
    status: r.status as ResidenceStatus,
    submittedAt: r.submitted_at,
    receivedAt: r.received_at,
    acknowledgedAt: r.acknowledged_at,
    handledBy: r.handled_by,
    note: r.note,
  };
}

/**
 * Stores a notification unless one with the same (account, idempotency key) exists; either
 * way returns the stored one, so two racing submissions of one key agree on one row.
 */
export async function insertResidenceNoticeOnce(db: ShardDb, n: ResidenceNoticeRow): Promise<ResidenceNoticeRow> {
  const [, read] = await db.batch<Row>([
    db
      .prepare(
        `INSERT INTO residence_notices (id, account_id, idempotency_key, request_hash, role, commune_code, address, people, stay_from, stay_to, reason, status, submitted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, idempotency_key) DO NOTHING`,
      )
      .bind(n.id, n.accountId, n.idempotencyKey, n.requestHash, n.role, n.communeCode, n.address, JSON.stringify(n.people), n.from, n.to, n.reason, n.status, n.submittedAt),
    db.prepare('SELECT * FROM residence_notices WHERE account_id = ? AND idempotency_key = ?').bind(n.accountId, n.idempotencyKey),
  ]);
  const row = read?.results[0];
  if (!row) throw new Error('residence notice not stored');
  return toNotice(row);
}

export async function readResidenceNoticeByKey(db: ShardDb, accountId: string, key: string): Promise<ResidenceNoticeRow | null> {
  const r = await db.prepare('SELECT * FROM residence_notices WHERE account_id = ? AND idempotency_key = ?').bind(accountId, key).first<Row>();
  return r ? toNotice(r) : null;
}

export async function readResidenceNotice(db: ShardDb, id: string): Promise<ResidenceNoticeRow | null> {
  const r = await db.prepare('SELECT * FROM residence_notices WHERE id = ?').bind(id).first<Row>();
  return r ? toNotice(r) : null;
}

export async function listResidenceNoticesOfAccount(db: ShardDb, accountId: string, limit: number): Promise<ResidenceNoticeRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM residence_notices WHERE account_id = ? ORDER BY submitted_at DESC LIMIT ?')
    .bind(accountId, limit)
    .all<Row>();
  return results.map(toNotice);
}

/** An officer's inbox: the communes of their unit, newest first, before a time (paging). */
export async function listResidenceInbox(
  db: ShardDb,
  communes: readonly string[],
  statuses: readonly ResidenceStatus[],
  before: number,
  limit: number,
): Promise<ResidenceNoticeRow[]> {
  if (communes.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT * FROM residence_notices WHERE commune_code IN (${communes.map(() => '?').join(',')})
       AND status IN (${statuses.map(() => '?').join(',')}) AND submitted_at < ? ORDER BY submitted_at DESC LIMIT ?`,
    )
    .bind(...communes, ...statuses, before, limit)
    .all<Row>();
  return results.map(toNotice);
}

/** sent → received, the first time an officer opens it. */
export async function markResidenceReceived(db: ShardDb, id: string, officerId: string, now: number): Promise<void> {
  await db
    .prepare("UPDATE residence_notices SET status = 'received', received_at = ?, handled_by = ? WHERE id = ? AND status = 'sent'")
    .bind(now, officerId, id)
    .run();
}

/** → acknowledged; false when it already was (a second click, another officer). */
export async function markResidenceAcknowledged(db: ShardDb, id: string, officerId: string, note: string | null, now: number): Promise<boolean> {
  const r = await db
    .prepare(
      `UPDATE residence_notices SET status = 'acknowledged', acknowledged_at = ?, received_at = COALESCE(received_at, ?), handled_by = ?, note = ?
       WHERE id = ? AND status <> 'acknowledged'`,
    )
    .bind(now, now, officerId, note, id)
    .run();
  return r.meta.changes === 1;
}
