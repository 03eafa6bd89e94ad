/**
 * The services' calls to the edge (submissions go through the outbox instead). Reads are
 * kept in IndexedDB, so a screen opened offline shows the last copy and says how old it is.
 * Like web/api.ts, calls never throw: `{ ok: true, data } | { ok: false, error }`.
 */
import { isErrorCode } from '../../shared/errors';
import {
  SERVICES_API,
  type Household,
  type NewsFeed,
  type NewsItem,
  type NewsPushResult,
  type NewsRequest,
  type NotificationsResponse,
  type OfficerInbox,
  type OfficerReport,
  type OfficerResidenceNotice,
  type PushKeyResponse,
  type Report,
  type ResidenceNotice,
} from '../../shared/services';
import type { ApiError, ApiResult } from '../api';
import { getNewsImage, keepNewsImages, putNewsImage, readCache, writeCache } from '../outbox/db';

const TIMEOUT_MS = 30_000;

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined || isForm ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : isForm ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return { ok: false, error: { code: 'network', message: 'The request did not reach the server.' } };
  }
  let json: unknown = undefined;
  if (res.status !== 204) {
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
  }
  if (res.ok) return { ok: true, data: json as T };
  const error = (json as { error?: { code?: unknown; message?: unknown; retryAfter?: unknown } } | undefined)?.error;
  const result: ApiError = {
    code: isErrorCode(error?.code) ? error.code : res.status === 401 ? 'unauthenticated' : 'internal',
    message: typeof error?.message === 'string' ? error.message : res.statusText,
  };
  if (typeof error?.retryAfter === 'number') result.retryAfter = error.retryAfter;
  return { ok: false, error: result };
}

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
  residence: (status: 'open' | 'all') => call<OfficerInbox<OfficerResidenceNotice>>('GET', `${SERVICES_API.officerResidence}?status=${status}`),
  openResidence: (id: string) => call<OfficerResidenceNotice>('GET', `${SERVICES_API.officerResidence}/${id}`),
  acknowledge: (id: string, note: string) => call<OfficerResidenceNotice>('POST', `${SERVICES_API.officerResidence}/${id}/acknowledge`, note ? { note } : {}),
  reports: (status: 'open' | 'all') => call<OfficerInbox<OfficerReport>>('GET', `${SERVICES_API.officerReports}?status=${status}`),
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
