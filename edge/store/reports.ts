/** D1 access for security and public-order reports (phản ánh, kiến nghị ANTT). */
import type { ReportCategory, ReportPlace, ReportStatus } from '../../shared/services';
import type { ShardDb } from './shards';

export interface ReportRow {
  id: string;
  accountId: string;
  idempotencyKey: string;
  requestHash: string;
  category: ReportCategory;
  description: string;
  occurredAt: number;
  communeCode: string;
  place: ReportPlace;
  anonymous: boolean;
  photoKeys: string[];
  status: ReportStatus;
  submittedAt: number;
  receivedAt: number | null;
  answeredAt: number | null;
  handledBy: string | null;
  reply: string | null;
}

interface Row {
  id: string;
  account_id: string;
  idempotency_key: string;
  request_hash: string;
  category: string;
  description: string;
  occurred_at: number;
  commune_code: string;
  place: string;
  anonymous: number;
  photo_keys: string;
  status: string;
  submitted_at: number;
  received_at: number | null;
  answered_at: number | null;
  handled_by: string | null;
  reply: string | null;
}

function toReport(r: Row): ReportRow {
  return {
    id: r.id,
    accountId: r.account_id,
    idempotencyKey: r.idempotency_key,
    requestHash: r.request_hash,
    category: r.category as ReportCategory,
    description: r.description,
    occurredAt: r.occurred_at,
    communeCode: r.commune_code,
    place: JSON.parse(r.place) as ReportPlace,
    anonymous: r.anonymous === 1,
    photoKeys: JSON.parse(r.photo_keys) as string[],
    status: r.status as ReportStatus,
    submittedAt: r.submitted_at,
    receivedAt: r.received_at,
    answeredAt: r.answered_at,
    handledBy: r.handled_by,
    reply: r.reply,
  };
}

/** Stores a report unless one with the same (account, idempotency key) exists; returns the stored one. */
export async function insertReportOnce(db: ShardDb, r: ReportRow): Promise<ReportRow> {
  const [, read] = await db.batch<Row>([
    db
      .prepare(
        `INSERT INTO reports (id, account_id, idempotency_key, request_hash, category, description, occurred_at, commune_code, place, anonymous, photo_keys, status, submitted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, idempotency_key) DO NOTHING`,
      )
      .bind(
        r.id,
        r.accountId,
        r.idempotencyKey,
        r.requestHash,
        r.category,
        r.description,
        r.occurredAt,
        r.communeCode,
        JSON.stringify(r.place),
        r.anonymous ? 1 : 0,
        JSON.stringify(r.photoKeys),
        r.status,
        r.submittedAt,
      ),
    db.prepare('SELECT * FROM reports WHERE account_id = ? AND idempotency_key = ?').bind(r.accountId, r.idempotencyKey),
  ]);
  const row = read?.results[0];
  if (!row) throw new Error('report not stored');
  return toReport(row);
}

export async function readReportByKey(db: ShardDb, accountId: string, key: string): Promise<ReportRow | null> {
  const r = await db.prepare('SELECT * FROM reports WHERE account_id = ? AND idempotency_key = ?').bind(accountId, key).first<Row>();
  return r ? toReport(r) : null;
}

export async function readReport(db: ShardDb, id: string): Promise<ReportRow | null> {
  const r = await db.prepare('SELECT * FROM reports WHERE id = ?').bind(id).first<Row>();
  return r ? toReport(r) : null;
}

export async function listReportsOfAccount(db: ShardDb, accountId: string, limit: number): Promise<ReportRow[]> {
  const { results } = await db.prepare('SELECT * FROM reports WHERE account_id = ? ORDER BY submitted_at DESC LIMIT ?').bind(accountId, limit).all<Row>();
  return results.map(toReport);
}

export async function listReportInbox(
  db: ShardDb,
  communes: readonly string[],
  statuses: readonly ReportStatus[],
  before: number,
  limit: number,
): Promise<ReportRow[]> {
  if (communes.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT * FROM reports WHERE commune_code IN (${communes.map(() => '?').join(',')})
       AND status IN (${statuses.map(() => '?').join(',')}) AND submitted_at < ? ORDER BY submitted_at DESC LIMIT ?`,
    )
    .bind(...communes, ...statuses, before, limit)
    .all<Row>();
  return results.map(toReport);
}

export async function markReportReceived(db: ShardDb, id: string, officerId: string, now: number): Promise<void> {
  await db.prepare("UPDATE reports SET status = 'received', received_at = ?, handled_by = ? WHERE id = ? AND status = 'sent'").bind(now, officerId, id).run();
}

/** → answered with the reply; false when it already was answered. */
export async function markReportAnswered(db: ShardDb, id: string, officerId: string, reply: string, now: number): Promise<boolean> {
  const r = await db
    .prepare(
      `UPDATE reports SET status = 'answered', answered_at = ?, received_at = COALESCE(received_at, ?), handled_by = ?, reply = ?
       WHERE id = ? AND status <> 'answered'`,
    )
    .bind(now, now, officerId, reply, id)
    .run();
  return r.meta.changes === 1;
}
