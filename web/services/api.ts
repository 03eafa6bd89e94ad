/**
 * The services' calls to the edge (submissions go through the outbox instead). Reads are
 * kept in IndexedDB, so a screen opened offline shows the last copy and says how old it is.
 * Like web/api.ts, calls never throw: `{ ok: true, data } | { ok: false, error }`.
 */
import { SERVICES_API } from '../../shared/services-wire';
import type {
  Household,
  NewsFeed,
  NewsItem,
  NewsPushResult,
  NewsRequest,
  NotificationsResponse,
  OfficerInbox,
  OfficerReport,
  OfficerReportSummary,
  OfficerResidenceNotice,
  OfficerResidenceSummary,
  PushKeyResponse,
  Report,
  ResidenceNotice,
} from '../../shared/services';
import { call, type ApiError } from '../api';
import { getNewsImage, keepNewsImages, putNewsImage, readCache, writeCache } from '../outbox/db';

/** A read with an offline copy: the fresh answer (and it is kept), or the kept copy with its age. */
export type Loaded<T> = { data: T; savedAt: number; fresh: boolean } | { data: null; error: ApiError };

async function cachedGet<T>(cacheKey: string, path: string): Promise<Loaded<T>> {
  const result = await call<T>('GET', path);
  if (result.ok) {
    const now = Date.now();
    try {
      await writeCache(cacheKey, result.data, now);
    } catch {
      // not kept for offline; still shown
    }
    return { data: result.data, savedAt: now, fresh: true };
  }
  try {
    const kept = await readCache<T>(cacheKey);
    if (kept && result.error.code !== 'unauthenticated') return { data: kept.value, savedAt: kept.savedAt, fresh: false };
  } catch {
    // no copy either
  }
  return { data: null, error: result.error };
}

/** Reads only the kept copy (instant first paint before the network answers). */
export async function cachedOnly<T>(cacheKey: string): Promise<{ data: T; savedAt: number } | null> {
  try {
    const kept = await readCache<T>(cacheKey);
    return kept ? { data: kept.value, savedAt: kept.savedAt } : null;
  } catch {
    return null;
  }
}

export const CACHE_KEYS = {
  household: 'household',
  residence: 'residence',
  reports: 'reports',
  notifications: 'notifications',
  news: 'news',
} as const;

export const servicesApi = {
  household: () => cachedGet<Household>(CACHE_KEYS.household, SERVICES_API.household),
  residence: () => cachedGet<{ notices: ResidenceNotice[] }>(CACHE_KEYS.residence, SERVICES_API.residence),
  reports: () => cachedGet<{ reports: Report[] }>(CACHE_KEYS.reports, SERVICES_API.reports),
  notifications: () => cachedGet<NotificationsResponse>(CACHE_KEYS.notifications, SERVICES_API.notifications),
  markRead: (input: { ids: string[] } | { all: true }) => call<null>('POST', SERVICES_API.notificationsRead, input),
  pushKey: () => call<PushKeyResponse>('GET', SERVICES_API.pushKey),
  subscribe: (subscription: PushSubscriptionJSON) => call<null>('POST', SERVICES_API.pushSubscribe, subscription),
  unsubscribe: (endpoint: string) => call<null>('POST', SERVICES_API.pushUnsubscribe, { endpoint }),
  news: () => cachedGet<NewsFeed>(CACHE_KEYS.news, SERVICES_API.news),
};

/** Fetches and keeps the images of a feed for offline reading; returns object URLs by article id. */
export async function newsImages(items: readonly NewsItem[], online: boolean): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const item of items) {
    if (!item.imageUrl) continue;
    try {
      let blob = await getNewsImage(item.id);
      if (!blob && online) {
        const res = await fetch(item.imageUrl, { credentials: 'same-origin' });
        if (res.ok) {
          blob = await res.blob();
          await putNewsImage(item.id, blob);
        }
      }
      if (blob) urls.set(item.id, URL.createObjectURL(blob));
    } catch {
      // an image that cannot be kept is simply not shown offline
    }
  }
  if (online) void keepNewsImages(items.map((i) => i.id)).catch(() => undefined);
  return urls;
}

/** The officer's side (the officer console's session cookie). */
export const officerServicesApi = {
  residence: (status: 'open' | 'all') => call<OfficerInbox<OfficerResidenceSummary>>('GET', `${SERVICES_API.officerResidence}?status=${status}`),
  openResidence: (id: string) => call<OfficerResidenceNotice>('GET', `${SERVICES_API.officerResidence}/${id}`),
  acknowledge: (id: string, note: string) => call<OfficerResidenceNotice>('POST', `${SERVICES_API.officerResidence}/${id}/acknowledge`, note ? { note } : {}),
  reports: (status: 'open' | 'all') => call<OfficerInbox<OfficerReportSummary>>('GET', `${SERVICES_API.officerReports}?status=${status}`),
  openReport: (id: string) => call<OfficerReport>('GET', `${SERVICES_API.officerReports}/${id}`),
  reply: (id: string, reply: string) => call<OfficerReport>('POST', `${SERVICES_API.officerReports}/${id}/reply`, { reply }),
  publish: (news: NewsRequest, image: Blob | null) => {
    const form = new FormData();
    form.append('news', JSON.stringify(news));
    if (image) form.append('image', image, 'image.jpg');
    return call<NewsItem>('POST', SERVICES_API.officerNews, form);
  },
  push: (id: string) => call<NewsPushResult>('POST', `${SERVICES_API.officerNews}/${id}/push`, {}),
};
