/**
 * News and crime-trick warnings (utility 6): officers publish (title, body, category, an
 * optional image); citizens read the feed (the PWA keeps it for offline reading); a warning
 * can be pushed to every subscribed browser. A broadcast walks the subscriptions in pages
 * from a cursor kept with the article, a bounded batch per request or cron run, so no
 * invocation ever tries to reach everyone at once; the subscriptions are on the account shards,
 * walked one shard after another (the cursor names the shard and the last endpoint reached).
 */
import type { NewsFeed, NewsItem, NewsPushResult, NewsRequest, PushMessage } from '../../shared/services';
import type { Officer } from '../store/officers';
import { listPushSubscriptionsAfter } from '../store/notifications';
import { advanceNewsPush, insertNews, listNews, listRunningNewsPushes, readNews, startNewsPush, type NewsRow } from '../store/news';
import { audit } from './audit';
import { newId } from './crypto';
import type { Deps } from './deps';
import { AppError } from './errors';
import { sendPush, vapidKeys } from './notifications';
import type { OfficerScope } from './officer-scope';
import { officerAudit, requireRole } from './officers';
import { checkPhotos, type Photo } from './reports';
import type { ServicesDeps } from './services-deps';

/** Subscriptions reached per page of a broadcast. */
const BROADCAST_PAGE = 50;
const FEED_PAGE = 20;

export function toNewsItem(n: NewsRow): NewsItem {
  return {
    id: n.id,
    kind: n.kind,
    category: n.category,
    title: n.title,
    body: n.body,
    imageUrl: n.imageKey ? `/api/news/${n.id}/image` : null,
    publishedAt: n.publishedAt,
  };
}

export async function publishNews(deps: ServicesDeps, scope: OfficerScope, input: NewsRequest, image: Photo | null): Promise<NewsItem> {
  if (image) checkPhotos([image]);
  const id = newId();
  let imageKey: string | null = null;
  if (image) {
    if (!deps.photos) throw new Error('PHOTOS (R2) binding missing');
    imageKey = `news/${id}.jpg`;
    await deps.photos.put(imageKey, image.bytes, { httpMetadata: { contentType: 'image/jpeg' } });
  }
  const row: NewsRow = {
    id,
    kind: input.kind,
    category: input.category,
    title: input.title,
    body: input.body,
    imageKey,
    publishedBy: scope.officerId,
    publishedAt: deps.now,
    pushCursor: null,
    pushSent: 0,
    pushState: 'none',
  };
  await insertNews(deps.db, row);
  await audit(deps, { at: deps.now, actor: `officer:${scope.officerId}`, action: 'news.publish', subject: id, detail: { kind: input.kind } }, null);
  return toNewsItem(row);
}

export async function newsFeed(deps: Deps, before: number | undefined): Promise<NewsFeed> {
  const rows = await listNews(deps.db, before ?? Number.MAX_SAFE_INTEGER, FEED_PAGE);
  return { items: rows.map(toNewsItem), next: rows.length === FEED_PAGE ? rows[rows.length - 1]!.publishedAt : null };
}

export async function newsImage(deps: ServicesDeps, id: string): Promise<R2ObjectBody> {
  const n = await readNews(deps.db, id);
  const object = n?.imageKey && deps.photos ? await deps.photos.get(n.imageKey) : null;
  if (!object) throw new AppError('not_found', 'No such image.');
  return object;
}

/**
 * Starts pushing a warning to every subscribed browser (once), and sends the first page now.
 * Supervisors only: one click reaches every citizen's phone, so it is not any officer's to give.
 */
export async function pushWarning(deps: ServicesDeps, officer: Officer, id: string): Promise<NewsPushResult> {
  requireRole(officer, 'supervisor');
  const n = await readNews(deps.db, id);
  if (!n) throw new AppError('not_found', 'No such article.');
  if (n.kind !== 'warning') throw new AppError('bad_request', 'Only warnings are pushed to everyone.');
  if (await startNewsPush(deps.db, id)) {
    await officerAudit(deps, officer, 'news.push', id).run();
  }
  deps.background(continueNewsPushes(deps, BROADCAST_PAGE * 2));
  const now = await readNews(deps.db, id);
  return { sent: now?.pushSent ?? 0, done: now?.pushState === 'done' };
}

/**
 * Continues the broadcasts in progress, up to `budget` subscriptions. Each page is claimed
 * by moving the cursor first (compare and swap), then sent: two workers never send the same
 * page; a worker that dies mid-page loses that page's pushes, which a warning can afford.
 */
export async function continueNewsPushes(deps: ServicesDeps, budget: number): Promise<number> {
  let sent = 0;
  const running = await listRunningNewsPushes(deps.db, 5);
  if (running.length === 0) return 0;
  const keys = await vapidKeys(deps);
  const shards = deps.shards.all;
  for (const n of running) {
    // "<binding> <last endpoint>": where the walk is ('' before the first page).
    let cursor = n.pushCursor ?? '';
    while (sent < budget) {
      const at = cursor.indexOf(' ');
      const binding = at < 0 ? shards[0]!.binding : cursor.slice(0, at);
      const after = at < 0 ? '' : cursor.slice(at + 1);
      const index = shards.findIndex((s) => s.binding === binding);
      const shard = shards[index];
      const limit = Math.min(BROADCAST_PAGE, budget - sent);
      const page = shard ? await listPushSubscriptionsAfter(shard.db, after, limit) : [];
      // A short page: this shard's subscriptions ran out; the walk goes on with the next shard, or ends.
      const following = shard && page.length < limit ? shards[index + 1] : undefined;
      const next = following ? `${following.binding} ` : `${binding} ${page.length ? page[page.length - 1]!.endpoint : after}`;
      const done = page.length < limit && !following;
      if (!(await advanceNewsPush(deps.db, n.id, cursor, next, page.length, done))) break; // another worker has it
      const message: PushMessage = { title: `⚠ ${n.title}`, body: n.body.length > 200 ? `${n.body.slice(0, 197)}…` : n.body, url: `/news#${n.id}`, tag: `news-${n.id}` };
      const payload = JSON.stringify(message);
      await Promise.all(page.map((s) => sendPush(deps, shard!.db, keys, s, payload, { urgency: 'high' })));
      sent += page.length;
      cursor = next;
      if (done) break;
    }
  }
  return sent;
}
