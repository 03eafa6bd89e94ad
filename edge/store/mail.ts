/** D1 access for the development e-mail outbox (notices only). */
import type { MainDb } from './shards';
export interface MailMessage {
  id: number;
  to: string;
  subject: string;
  body: string;
  createdAt: number;
}

export async function insertMailMessage(db: MainDb, to: string, subject: string, body: string, now: number): Promise<void> {
  await db.prepare('INSERT INTO mail_outbox (to_address, subject, body, created_at) VALUES (?, ?, ?, ?)').bind(to, subject, body, now).run();
}

export async function listMailOutbox(db: MainDb, to: string | null, limit: number): Promise<MailMessage[]> {
  const stmt = to
    ? db.prepare('SELECT * FROM mail_outbox WHERE to_address = ? ORDER BY id DESC LIMIT ?').bind(to, limit)
    : db.prepare('SELECT * FROM mail_outbox ORDER BY id DESC LIMIT ?').bind(limit);
  const { results } = await stmt.all<{ id: number; to_address: string; subject: string; body: string; created_at: number }>();
  return results.map((r) => ({ id: r.id, to: r.to_address, subject: r.subject, body: r.body, createdAt: r.created_at }));
}
