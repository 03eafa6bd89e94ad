/** D1 access for the audit log of security events. */
export interface AuditEvent {
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  /** Never secrets, codes or tokens. */
  detail?: Record<string, string | number | boolean | null>;
}

export function insertAuditStatement(db: D1Database, e: AuditEvent): D1PreparedStatement {
  return db
    .prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)')
    .bind(e.at, e.actor, e.action, e.subject, e.detail ? JSON.stringify(e.detail) : null);
}

export async function insertAudit(db: D1Database, e: AuditEvent): Promise<void> {
  await insertAuditStatement(db, e).run();
}

export async function listAuditForSubject(db: D1Database, subject: string, limit: number): Promise<Array<AuditEvent & { id: number }>> {
  const { results } = await db
    .prepare('SELECT * FROM audit_log WHERE subject = ? ORDER BY at DESC, id DESC LIMIT ?')
    .bind(subject, limit)
    .all<{ id: number; at: number; actor: string; action: string; subject: string | null; detail: string | null }>();
  return results.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    detail: r.detail ? (JSON.parse(r.detail) as AuditEvent['detail']) : undefined,
  }));
}

type AuditRow = { id: number; at: number; actor: string; action: string; subject: string | null; detail: string | null };

function toAuditEvent(r: AuditRow): AuditEvent & { id: number } {
  let detail: AuditEvent['detail'];
  try {
    detail = r.detail ? (JSON.parse(r.detail) as AuditEvent['detail']) : undefined;
  } catch {
    detail = undefined; // a corrupt row still shows who did what
  }
  return { id: r.id, at: r.at, actor: r.actor, action: r.action, subject: r.subject, detail };
}

/** The newest events, optionally of one actor ("officer:<id>"), before an id (paging). */
export async function listAudit(
  db: D1Database,
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
