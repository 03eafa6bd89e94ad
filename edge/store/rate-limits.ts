/**
 * Fixed-window counters in D1. One upsert per hit: it starts a new window when the old
 * one has passed, otherwise counts, and returns the count inside the current window.
 */
import type { MainDb } from './shards';
export function hitRateLimitStatement(db: MainDb, key: string, windowMs: number, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN rate_limits.window_start + ?3 <= ?2 THEN 1 ELSE rate_limits.count + 1 END,
         window_start = CASE WHEN rate_limits.window_start + ?3 <= ?2 THEN ?2 ELSE rate_limits.window_start END
       RETURNING count, window_start`,
    )
    .bind(key, now, windowMs);
}

export async function hitRateLimit(
  db: MainDb,
  key: string,
  windowMs: number,
  now: number,
): Promise<{ count: number; windowStart: number }> {
  const row = await hitRateLimitStatement(db, key, windowMs, now).first<{ count: number; window_start: number }>();
  return { count: row?.count ?? 1, windowStart: row?.window_start ?? now };
}
