/**
 * Notifications: the in-app inbox every source writes to (agency webhook, daily cron,
 * officers' replies and acknowledgements), and Web Push to the browsers a citizen allowed.
 * Each source gives a dedupe key, so a retried webhook or a second cron run on the same
 * day notifies once. Pushes go out after the response (deps.background) and, for anything
 * left over, from the cron.
 */
import type { AppNotification, NotificationKind, PushMessage, PushSubscriptionRequest } from '../../shared/services';
import { isPushServiceEndpoint } from '../services-config';
import {
  countUnread,
  deletePushSubscription,
  insertNotificationOnce,
  insertVapidKeysOnce,
  listNotifications,
  listPushPending,
  listPushSubscriptions,
  markPushDone,
  markRead,
  readVapidKeys,
  recordPushFailure,
  upsertPushSubscription,
  type NotificationRow,
  type PushSubscriptionRow,
} from '../store/notifications';
import type { Account } from '../store/accounts';
import type { ShardDb } from '../store/shards';
import { newId } from './crypto';
import { AppError } from './errors';
import type { ServicesDeps } from './services-deps';
import { buildPushRequest, generateVapidKeys, MAX_PUSH_PLAINTEXT, type VapidKeys } from './web-push';

/** A push not delivered within a day is not worth delivering. */
const PUSH_TTL_S = 24 * 60 * 60;
/** A subscription the push service keeps refusing is dropped after this many failures. */
const MAX_PUSH_FAILURES = 5;

export interface NewNotification {
  accountId: string;
  kind: NotificationKind;
  dedupeKey: string;
  title: string;
  body: string;
  link: string | null;
}

/** Adds a notification to the inbox of an account on `db` (its shard; once per dedupe key) and pushes it after the response. */
export async function notify(deps: ServicesDeps, db: ShardDb, n: NewNotification): Promise<boolean> {
  const row: NotificationRow = { ...n, id: newId(), createdAt: deps.now, readAt: null };
  const created = await insertNotificationOnce(db, row);
  if (created) deps.background(pushNotification(deps, db, row));
  return created;
}

export async function listInbox(deps: ServicesDeps, account: Pick<Account, 'id' | 'idNumber'>, before: number | undefined): Promise<{ notifications: AppNotification[]; unread: number }> {
  const db = deps.shards.dbFor(account.idNumber);
  const [rows, unread] = await Promise.all([listNotifications(db, account.id, before ?? Number.MAX_SAFE_INTEGER, 50), countUnread(db, account.id)]);
  return {
    notifications: rows.map(({ accountId: _a, dedupeKey: _d, ...n }) => n),
    unread,
  };
}

export async function markNotificationsRead(deps: ServicesDeps, account: Pick<Account, 'id' | 'idNumber'>, ids: readonly string[] | 'all'): Promise<void> {
  await markRead(deps.shards.dbFor(account.idNumber), account.id, ids, deps.now);
}

// ---- Web Push -------------------------------------------------------------------------

/** The VAPID key pair, made and stored on first use (see openauth's keys.ts). */
export async function vapidKeys(deps: ServicesDeps): Promise<VapidKeys> {
  return (await readVapidKeys(deps.db)) ?? (await insertVapidKeysOnce(deps.db, await generateVapidKeys(), deps.now));
}

export async function subscribePush(deps: ServicesDeps, account: Pick<Account, 'id' | 'idNumber'>, input: PushSubscriptionRequest): Promise<void> {
  if (!isPushServiceEndpoint(input.endpoint, deps.services.pushHosts)) {
    throw new AppError('validation_failed', 'Invalid field: endpoint.');
  }
  await upsertPushSubscription(deps.shards.dbFor(account.idNumber), {
    endpoint: input.endpoint,
    accountId: account.id,
    p256dh: input.keys.p256dh,
    auth: input.keys.auth,
    createdAt: deps.now,
  });
}

export async function unsubscribePush(deps: ServicesDeps, account: Pick<Account, 'id' | 'idNumber'>, endpoint: string): Promise<void> {
  await deletePushSubscription(deps.shards.dbFor(account.idNumber), endpoint, account.id);
}

function pushMessage(n: Pick<NotificationRow, 'title' | 'body' | 'link' | 'id'>): string {
  const message: PushMessage = { title: n.title, body: n.body, url: n.link ?? '/notifications', tag: n.id };
  let text = JSON.stringify(message);
  // Bodies are short, but a push must fit one record: cut the body, never the JSON.
  while (new TextEncoder().encode(text).length > MAX_PUSH_PLAINTEXT) {
    message.body = `${message.body.slice(0, Math.floor(message.body.length * 0.8))}…`;
    text = JSON.stringify(message);
  }
  return text;
}

/**
 * Sends one push message to one subscription (kept on `db`, its account's shard). A subscription
 * the push service says is gone (404, 410) is deleted; one that keeps failing is dropped. Returns
 * whether it was accepted. https://www.rfc-editor.org/rfc/rfc8030#section-5
 */
export async function sendPush(
  deps: ServicesDeps,
  db: ShardDb,
  keys: VapidKeys,
  sub: Pick<PushSubscriptionRow, 'endpoint' | 'p256dh' | 'auth' | 'failures'>,
  payload: string,
  options: { urgency?: 'normal' | 'high'; topic?: string } = {},
): Promise<boolean> {
  // A stored endpoint is checked again: the allowed hosts may have changed since.
  if (!isPushServiceEndpoint(sub.endpoint, deps.services.pushHosts)) {
    await deletePushSubscription(db, sub.endpoint);
    return false;
  }
  const request = await buildPushRequest({
    target: sub,
    payload,
    keys,
    subject: deps.services.vapidSubject,
    now: deps.now,
    ttlSeconds: PUSH_TTL_S,
    ...(options.urgency ? { urgency: options.urgency } : {}),
    ...(options.topic ? { topic: options.topic } : {}),
  });
  let status: number;
  try {
    status = (await deps.pushFetch(request.endpoint, { method: 'POST', headers: request.headers, body: request.body })).status;
  } catch {
    status = 0;
  }
  if (status === 404 || status === 410) {
    await deletePushSubscription(db, sub.endpoint);
    return false;
  }
  if (status < 200 || status >= 300) {
    if (sub.failures + 1 >= MAX_PUSH_FAILURES) await deletePushSubscription(db, sub.endpoint);
    else await recordPushFailure(db, sub.endpoint);
    return false;
  }
  return true;
}

/** Pushes one inbox notification (on `db`, its account's shard) to every browser of its account, then marks it pushed. */
export async function pushNotification(deps: ServicesDeps, db: ShardDb, n: NotificationRow): Promise<void> {
  const subs = await listPushSubscriptions(db, n.accountId);
  if (subs.length > 0) {
    const keys = await vapidKeys(deps);
    const payload = pushMessage(n);
    await Promise.all(subs.map((s) => sendPush(deps, db, keys, s, payload, { urgency: 'normal' })));
  }
  await markPushDone(db, n.id);
}

/**
 * Pushes what is still waiting (created by the cron, or left by a worker that stopped): a
 * bounded batch, shard after shard, `limit` in all.
 */
export async function deliverPendingPushes(deps: ServicesDeps, limit: number): Promise<number> {
  let sent = 0;
  for (const { db } of deps.shards.all) {
    if (sent >= limit) break;
    const pending = await listPushPending(db, limit - sent);
    for (const n of pending) await pushNotification(deps, db, n);
    sent += pending.length;
  }
  return sent;
}
