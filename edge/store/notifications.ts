/** D1 access for the in-app notification inbox and push subscriptions (the account's shard) and the VAPID key (main database). */
import type { AppNotification, NotificationKind } from '../../shared/services';
import type { MainDb, ShardDb } from './shards';

export interface NotificationRow extends AppNotification {
  accountId: string;
  dedupeKey: string;
}

interface Row {
  id: string;
  account_id: string;
  dedupe_key: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: number;
  read_at: number | null;
}

function toNotification(r: Row): NotificationRow {
  return {
    id: r.id,
    accountId: r.account_id,
    dedupeKey: r.dedupe_key,
    kind: r.kind as NotificationKind,
    title: r.title,
    body: r.body,
    link: r.link,
    createdAt: r.created_at,
    readAt: r.read_at,
  };
}

/** Inserts a notification unless its dedupe key was used before; true when it is new. */
export async function insertNotificationOnce(db: ShardDb, n: NotificationRow): Promise<boolean> {
  const r = await db
    .prepare(
      `INSERT INTO notifications (id, account_id, dedupe_key, kind, title, body, link, created_at, push_state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN EXISTS (SELECT 1 FROM push_subscriptions WHERE account_id = ?2) THEN 'pending' ELSE 'done' END)
       ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .bind(n.id, n.accountId, n.dedupeKey, n.kind, n.title, n.body, n.link, n.createdAt)
    .run();
  return r.meta.changes === 1;
}

/**
 * One notification for each account a query selects, in one statement: the daily cron's
 * greetings and warnings. `select` returns (account_id, dedupe_key) rows; ids are random.
 * Returns how many were new.
 */
export async function insertNotificationsFrom(
  db: ShardDb,
  select: { sql: string; params: unknown[] },
  n: { kind: NotificationKind; title: string; body: string; link: string | null; createdAt: number },
): Promise<number> {
  const r = await db
    .prepare(
      `INSERT INTO notifications (id, account_id, dedupe_key, kind, title, body, link, created_at, push_state)
       SELECT lower(hex(randomblob(16))), s.account_id, s.dedupe_key, ?, ?, ?, ?, ?,
         CASE WHEN EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.account_id = s.account_id) THEN 'pending' ELSE 'done' END
       FROM (${select.sql}) s WHERE true
       ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .bind(n.kind, n.title, n.body, n.link, n.createdAt, ...select.params)
    .run();
  return r.meta.changes;
}

export async function listNotifications(db: ShardDb, accountId: string, before: number, limit: number): Promise<NotificationRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM notifications WHERE account_id = ? AND created_at < ? ORDER BY created_at DESC LIMIT ?')
    .bind(accountId, before, limit)
    .all<Row>();
  return results.map(toNotification);
}

export async function countUnread(db: ShardDb, accountId: string): Promise<number> {
  const r = await db.prepare('SELECT count(*) AS n FROM notifications WHERE account_id = ? AND read_at IS NULL').bind(accountId).first<{ n: number }>();
  return r?.n ?? 0;
}

export async function markRead(db: ShardDb, accountId: string, ids: readonly string[] | 'all', now: number): Promise<void> {
  if (ids === 'all') {
    await db.prepare('UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL').bind(now, accountId).run();
    return;
  }
  await db
    .prepare(`UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL AND id IN (${ids.map(() => '?').join(',')})`)
    .bind(now, accountId, ...ids)
    .run();
}

/** The oldest notifications still waiting for a push. */
export async function listPushPending(db: ShardDb, limit: number): Promise<NotificationRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM notifications WHERE push_state = 'pending' ORDER BY created_at LIMIT ?")
    .bind(limit)
    .all<Row>();
  return results.map(toNotification);
}

export async function markPushDone(db: ShardDb, id: string): Promise<void> {
  await db.prepare("UPDATE notifications SET push_state = 'done' WHERE id = ?").bind(id).run();
}

// ---- push subscriptions ---------------------------------------------------------------

export interface PushSubscriptionRow {
  endpoint: string;
  accountId: string;
  p256dh: string;
  auth: string;
  createdAt: number;
  failures: number;
}

interface SubRow {
  endpoint: string;
  account_id: string;
  p256dh: string;
  auth: string;
  created_at: number;
  failures: number;
}

const toSub = (r: SubRow): PushSubscriptionRow => ({
  endpoint: r.endpoint,
  accountId: r.account_id,
  p256dh: r.p256dh,
  auth: r.auth,
  createdAt: r.created_at,
  failures: r.failures,
});

/** Saves a browser's subscription for an account (a browser re-subscribing replaces its keys). */
export async function upsertPushSubscription(db: ShardDb, s: Omit<PushSubscriptionRow, 'failures'>): Promise<void> {
  await db
    .prepare(
      `INSERT INTO push_subscriptions (endpoint, account_id, p256dh, auth, created_at, failures) VALUES (?, ?, ?, ?, ?, 0)
       ON CONFLICT (endpoint) DO UPDATE SET account_id = excluded.account_id, p256dh = excluded.p256dh, auth = excluded.auth,
         created_at = excluded.created_at, failures = 0`,
    )
    .bind(s.endpoint, s.accountId, s.p256dh, s.auth, s.createdAt)
    .run();
}

export async function deletePushSubscription(db: ShardDb, endpoint: string, accountId?: string): Promise<void> {
  if (accountId) await db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ? AND account_id = ?').bind(endpoint, accountId).run();
  else await db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?').bind(endpoint).run();
}

/** Every browser subscribed for an account stops receiving its pushes (device change: the old phone is out). */
export function deletePushSubscriptionsOfAccountStatement(db: ShardDb, accountId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM push_subscriptions WHERE account_id = ?').bind(accountId);
}

export async function listPushSubscriptions(db: ShardDb, accountId: string): Promise<PushSubscriptionRow[]> {
  const { results } = await db.prepare('SELECT * FROM push_subscriptions WHERE account_id = ? LIMIT 10').bind(accountId).all<SubRow>();
  return results.map(toSub);
}

/** Subscriptions in endpoint order after a cursor: a broadcast walks them in pages. */
export async function listPushSubscriptionsAfter(db: ShardDb, cursor: string, limit: number): Promise<PushSubscriptionRow[]> {
  const { results } = await db.prepare('SELECT * FROM push_subscriptions WHERE endpoint > ? ORDER BY endpoint LIMIT ?').bind(cursor, limit).all<SubRow>();
  return results.map(toSub);
}

export async function recordPushFailure(db: ShardDb, endpoint: string): Promise<void> {
  await db.prepare('UPDATE push_subscriptions SET failures = failures + 1 WHERE endpoint = ?').bind(endpoint).run();
}

// ---- the VAPID key -----------------------------------------------------------------------

export async function readVapidKeys(db: MainDb): Promise<{ privateJwk: JsonWebKey; publicKey: string } | null> {
  const r = await db.prepare('SELECT private_jwk, public_key FROM vapid_keys WHERE id = 1').first<{ private_jwk: string; public_key: string }>();
  return r ? { privateJwk: JSON.parse(r.private_jwk) as JsonWebKey, publicKey: r.public_key } : null;
}

/** Stores the key pair unless one exists (two first uses racing keep the first); returns the stored one. */
export async function insertVapidKeysOnce(db: MainDb, keys: { privateJwk: JsonWebKey; publicKey: string }, now: number): Promise<{ privateJwk: JsonWebKey; publicKey: string }> {
  await db
    .prepare('INSERT INTO vapid_keys (id, private_jwk, public_key, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
    .bind(JSON.stringify(keys.privateJwk), keys.publicKey, now)
    .run();
  return (await readVapidKeys(db)) ?? keys;
}
