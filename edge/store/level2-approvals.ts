/** D1 access for officers' level-2 approvals of citizens who have no account yet. */
export interface Level2Approval {
  idNumber: string;
  phone: string;
  email: string | null;
  officerId: string;
  unitCode: string;
  approvedAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export async function readLevel2Approval(db: D1Database, idNumber: string): Promise<Level2Approval | null> {
  const r = await db.prepare('SELECT * FROM level2_approvals WHERE id_number = ?').bind(idNumber).first<{
    id_number: string;
    phone: string;
    email: string | null;
    officer_id: string;
    unit_code: string;
    approved_at: number;
    expires_at: number;
    used_at: number | null;
  }>();
  return r
    ? {
        idNumber: r.id_number,
        phone: r.phone,
        email: r.email,
        officerId: r.officer_id,
        unitCode: r.unit_code,
        approvedAt: r.approved_at,
        expiresAt: r.expires_at,
        usedAt: r.used_at,
      }
    : null;
}

/** Records (or renews) an approval; a later approval replaces an earlier one. */
export function upsertLevel2ApprovalStatement(db: D1Database, a: Level2Approval): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO level2_approvals (id_number, phone, email, officer_id, unit_code, approved_at, expires_at, used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (id_number) DO UPDATE SET phone = excluded.phone, email = excluded.email, officer_id = excluded.officer_id,
         unit_code = excluded.unit_code, approved_at = excluded.approved_at, expires_at = excluded.expires_at, used_at = NULL`,
    )
    .bind(a.idNumber, a.phone, a.email, a.officerId, a.unitCode, a.approvedAt, a.expiresAt);
}

/** Marks an approval used by the activation that consumed it. */
export function useLevel2ApprovalStatement(db: D1Database, idNumber: string, now: number): D1PreparedStatement {
  return db.prepare('UPDATE level2_approvals SET used_at = ? WHERE id_number = ? AND used_at IS NULL').bind(now, idNumber);
}
