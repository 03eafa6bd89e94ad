/**
 * Sending the outbox, from the page or from the service worker (Background Sync). Every
 * submission goes with its Idempotency-Key, so sending one twice (a dropped connection
 * after the edge stored it, two flushes at once) still stores it once: the edge answers a
 * repeat with the first result.
 *
 * Outcomes: stored (201) → sent; no network, a 5xx, a rate limit or an ended session → stays
 * pending and is tried again; any other refusal → rejected, with the code to show.
 */
import { isErrorCode } from '../../shared/errors';
import { IDEMPOTENCY_HEADER, PHOTO_FIELD, REPORT_FIELD, SERVICES_API } from '../../shared/services-wire';
import { listOutbox, pruneSent, updateOutboxItem, type OutboxItem } from './db';

/** Background Sync's tag, and the channel that tells open pages the outbox changed. */
export const OUTBOX_SYNC_TAG = 'vneid-outbox';
export const OUTBOX_CHANNEL = 'vneid-outbox';

/** A request that hangs this long on a slow network is counted as not sent (it may have arrived: the key makes the retry safe). */
const TIMEOUT_MS = 60_000;

export type SendOutcome = 'sent' | 'retry' | 'rejected';

export interface FlushResult {
  sent: number;
  pending: number;
  rejected: number;
  /** Why sending stopped early: no network, the session ended, the edge is busy. */
  stoppedBy: 'network' | 'unauthenticated' | 'busy' | null;
}

function requestFor(item: OutboxItem): Request {
  const headers = new Headers({ accept: 'application/json', [IDEMPOTENCY_HEADER]: item.key });
  if (item.kind === 'residence') {
    headers.set('content-type', 'application/json');
    return new Request(SERVICES_API.residence, { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(item.body) });
  }
  const form = new FormData();
  form.append(REPORT_FIELD, JSON.stringify(item.body));
  item.photos.forEach((photo, i) => form.append(PHOTO_FIELD, photo, `photo-${i + 1}.jpg`));
  return new Request(SERVICES_API.reports, { method: 'POST', credentials: 'same-origin', headers, body: form });
}

/** Sends one item and records what happened. */
export async function sendItem(item: OutboxItem, now = Date.now): Promise<{ outcome: SendOutcome; stoppedBy: FlushResult['stoppedBy'] }> {
  let res: Response;
  try {
    res = await fetch(requestFor(item), { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    await updateOutboxItem(item.key, (i) => ({ ...i, attempts: i.attempts + 1, lastAttemptAt: now(), error: { code: 'network', message: '' } }));
    return { outcome: 'retry', stoppedBy: 'network' };
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (res.status === 201 || res.status === 200) {
    const record = json as { id: string; status: string };
    await updateOutboxItem(item.key, (i) => ({ ...i, state: 'sent', attempts: i.attempts + 1, lastAttemptAt: now(), sentAt: now(), error: null, result: { id: record.id, status: record.status } }));
    return { outcome: 'sent', stoppedBy: null };
  }
  const error = (json as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  const code = isErrorCode(error?.code) ? error.code : res.status >= 500 ? 'internal' : 'bad_request';
  const message = typeof error?.message === 'string' ? error.message : '';
  // Where the edge names the input at fault (a host's guest row), the form can point at it when the item is edited.
  const field = typeof error?.field === 'string' ? { field: error.field } : {};
  const retry = res.status >= 500 || res.status === 429 || res.status === 401 || res.status === 408;
  await updateOutboxItem(item.key, (i) => ({ ...i, state: retry ? 'pending' : 'rejected', attempts: i.attempts + 1, lastAttemptAt: now(), error: { code, message, ...field } }));
  return { outcome: retry ? 'retry' : 'rejected', stoppedBy: res.status === 401 ? 'unauthenticated' : retry ? 'busy' : null };
}

async function flushUnlocked(): Promise<FlushResult> {
  const result: FlushResult = { sent: 0, pending: 0, rejected: 0, stoppedBy: null };
  const items = (await listOutbox()).filter((i) => i.state === 'pending');
  for (const [n, item] of items.entries()) {
    const { outcome, stoppedBy } = await sendItem(item);
    if (outcome === 'sent') result.sent++;
    else if (outcome === 'rejected') result.rejected++;
    if (stoppedBy) {
      // No point trying the rest now: they would meet the same wall.
      result.stoppedBy = stoppedBy;
      result.pending = items.length - n;
      break;
    }
  }
  await pruneSent(Date.now());
  return result;
}

type Locks = { request<T>(name: string, callback: () => Promise<T>): Promise<T> };

/**
 * Sends every pending submission, oldest first. One flush at a time across the page, its
 * other tabs and the service worker (Web Locks), so an item is not sent by two at once.
 */
export async function flushOutbox(): Promise<FlushResult> {
  const locks = (globalThis.navigator as Navigator & { locks?: Locks } | undefined)?.locks;
  const result = locks ? await locks.request('vneid-outbox-flush', flushUnlocked) : await flushUnlocked();
  if (result.sent > 0 || result.rejected > 0) announceOutboxChange();
  return result;
}

/** Tells every open page (and the service worker) that the outbox changed. */
export function announceOutboxChange(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(OUTBOX_CHANNEL);
  channel.postMessage({ type: 'outbox-changed' });
  channel.close();
}
