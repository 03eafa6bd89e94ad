/**
 * D1 access for the audit log of security events. There is one in the main database (officers'
 * acts, and what concerns no citizen) and one on every shard (the citizens' own events and
 * officers' acts on them); edge/domain/audit.ts decides where an event goes.
 */
import type { AuditAction } from '../../shared/audit';
import type { MainDb, ShardDb } from './shards';

/** Either audit log. */
export type AuditDb = MainDb | ShardDb;

export interface AuditEvent {
  at: number;
  actor: string;
  /** One of the closed set in shared/audit.ts (the PWA labels every one a citizen can see). */
  action: AuditAction;
  subject: string | null;
  /** Never secrets, codes or tokens. */
  detail?: Record<string, string | number | boolean | null>;
}

export function insertAuditStatement(db: AuditDb, e: AuditEvent): D1PreparedStatement {
  return db
    .prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)')
    .bind(e.at, e.actor, e.action, e.subject, e.detail ? JSON.stringify(e.detail) : null);
}

/**
 * The event, only if the statement just before it in the same batch changed a row (SQLite's
 * changes()): a conditional update and its record commit together, or neither.
 */
export function insertAuditIfChangedStatement(db: AuditDb, e: AuditEvent): D1PreparedStatement {
  return db
    .prepare('INSERT INTO audit_log (at, actor, action, subject, detail) SELECT ?, ?, ?, ?, ? WHERE changes() > 0')
    .bind(e.at, e.actor, e.action, e.subject, e.detail ? JSON.stringify(e.detail) : null);
}

type AuditRow = { id: number; at: number; actor: string; action: string; subject: string | null; detail: string | null };

/**
 * The newest events of any of a few subjects (a citizen's account and the ID number it was
 * known by before it existed). One index range per subject, each cut at `limit` before they
 * are merged: the cost does not grow with the length of the history.
 */
export async function listAuditForSubjects(db: ShardDb, subjects: readonly string[], limit: number): Promise<Array<AuditEvent & { id: number }>> {
  if (subjects.length === 0) return [];
  const one = 'SELECT * FROM (SELECT * FROM audit_log WHERE subject = ? ORDER BY at DESC, id DESC LIMIT ?)';
  const { results } = await db
    .prepare(`${subjects.map(() => one).join(' UNION ALL ')} ORDER BY at DESC, id DESC LIMIT ?`)
    .bind(...subjects.flatMap((s) => [s, limit]), limit)
    .all<AuditRow>();
  return results.map(toAuditEvent);
}

function toAuditEvent(r: AuditRow): AuditEvent & { id: number } {
  let detail: AuditEvent['detail'];
  try {
    detail = r.detail ? (JSON.parse(r.detail) as AuditEvent['detail']) : undefined;
  } catch {
    detail = undefined; // a corrupt row still shows who did what
  }
  return { id: r.id, at: r.at, actor: r.actor, action: r.action as AuditAction, subject: r.subject, detail };
}

/** The newest events, optionally of one actor ("officer:<id>"), before an id (paging). */
export async function listAudit(
  db: MainDb,
  filter: { actor?: string; beforeId?: number },
  limit: number,
): Promise<Array<AuditEvent & { id: number }>> {
  const before = filter.beforeId ?? Number.MAX_SAFE_INTEGER;
  const stmt = filter.actor
    ? db.prepare('SELECT * FROM audit_log WHERE actor = ? AND id < ? ORDER BY at DESC, id DESC LIMIT ?').bind(filter.actor, before, limit)
    : db.prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?').bind(before, limit);
  const { results } = await stmt.all<AuditRow>();
  return results.map(toAuditEvent);
}
