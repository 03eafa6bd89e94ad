/** D1 access for single-use WebAuthn challenges. */
import type { MainDb } from './shards';
export interface Challenge {
  challenge: string;
  purpose: string;
  subject: string | null;
  expiresAt: number;
}

export async function insertChallenge(db: MainDb, c: Challenge): Promise<void> {
  await db
    .prepare('INSERT INTO challenges (challenge, purpose, subject, expires_at) VALUES (?, ?, ?, ?)')
    .bind(c.challenge, c.purpose, c.subject, c.expiresAt)
    .run();
}

/**
 * Takes a challenge out of the table in one statement: of two requests racing with the
 * same challenge, exactly one gets the row. Expired rows are returned too (the caller
 * refuses them) so that an expired challenge is also gone after one try.
 */
export async function consumeChallenge(db: MainDb, challenge: string, purpose: string): Promise<Challenge | null> {
  const row = await db
    .prepare('DELETE FROM challenges WHERE challenge = ? AND purpose = ? RETURNING challenge, purpose, subject, expires_at')
    .bind(challenge, purpose)
    .first<{ challenge: string; purpose: string; subject: string | null; expires_at: number }>();
  return row ? { challenge: row.challenge, purpose: row.purpose, subject: row.subject, expiresAt: row.expires_at } : null;
}
