/**
 * The page's side of the offline outbox. A submission is written to IndexedDB first (so it
 * survives the app being closed or the phone restarting), then sent: at once when online,
 * by the service worker's Background Sync when the browser has it, and otherwise when the
 * connection returns or the app is opened. `outboxVersion` changes whenever the outbox does,
 * so screens re-read it.
 */
import { effect, signal, type ReadonlySignal } from '@preact/signals';
import type { ReportRequest, ResidenceNoticeRequest } from '../../shared/services';
import { addToOutbox, clearServicesData, deleteOutboxItem, listOutbox, updateOutboxItem, type OutboxItem, type OutboxKind } from './db';
import { announceOutboxChange, flushOutbox, OUTBOX_CHANNEL, OUTBOX_SYNC_TAG, type FlushResult } from './send';

/** Bumped on every change of the outbox seen by this page (its own, another tab's, the service worker's). */
export const outboxVersion = signal(0);
/** Submissions still waiting to be sent. */
export const pendingCount = signal(0);
/** True while this page is sending. */
export const flushing = signal(false);
/** Set when sending stopped because the session ended: the citizen must sign in again. */
export const needsSignIn = signal(false);

async function refreshCounts(): Promise<void> {
  try {
    pendingCount.value = (await listOutbox()).filter((i) => i.state === 'pending').length;
  } catch {
    // storage unavailable: nothing to count
  }
  outboxVersion.value++;
}

type SyncRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

/** Asks the service worker to send when the network is back (Background Sync), where the browser has it. */
async function requestBackgroundSync(): Promise<boolean> {
  try {
    if (!('serviceWorker' in navigator)) return false;
    const registration = (await Promise.race([
      navigator.serviceWorker.ready,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000)),
    ])) as SyncRegistration | null;
    if (!registration?.sync) return false;
    await registration.sync.register(OUTBOX_SYNC_TAG);
    return true;
  } catch {
    return false; // refused (permission, private mode): the page's own triggers remain
  }
}

let again = false;

/**
 * Sends what is pending now (once more after a send in progress, for items added meanwhile).
 * It does not trust navigator.onLine, which can be wrong either way: offline, the first
 * request fails at once and the rest wait for the next trigger.
 */
export async function sendPending(): Promise<FlushResult | null> {
  if (flushing.value) {
    again = true;
    return null;
  }
  flushing.value = true;
  try {
    let result: FlushResult;
    do {
      again = false;
      result = await flushOutbox();
    } while (again && result.stoppedBy === null);
    needsSignIn.value = result.stoppedBy === 'unauthenticated';
    return result;
  } catch {
    return null;
  } finally {
    flushing.value = false;
    await refreshCounts();
  }
}

/**
 * Keeps a submission on the phone and starts sending it. Resolves once it is stored in
 * IndexedDB, with its idempotency key; sending continues in the background.
 */
export async function submit(kind: OutboxKind, body: ResidenceNoticeRequest | ReportRequest, photos: Blob[] = []): Promise<OutboxItem> {
  const item: OutboxItem = {
    key: crypto.randomUUID(),
    kind,
    body,
    photos,
    createdAt: Date.now(),
    state: 'pending',
    attempts: 0,
    lastAttemptAt: null,
    error: null,
    result: null,
    sentAt: null,
  };
  await addToOutbox(item);
  announceOutboxChange();
  await refreshCounts();
  void requestBackgroundSync();
  void sendPending();
  return item;
}

/** Tries a pending or rejected item again (after the citizen signed in, or fixed nothing: the edge decides). */
export async function retry(key: string): Promise<void> {
  await updateOutboxItem(key, (i) => (i.state === 'sent' ? i : { ...i, state: 'pending', error: null }));
  await refreshCounts();
  void sendPending();
}

/** Removes an item the edge refused (or one the citizen no longer wants sent). */
export async function discard(key: string): Promise<void> {
  await deleteOutboxItem(key);
  announceOutboxChange();
  await refreshCounts();
}

let started = false;

/**
 * Wires the outbox to the app's life: sends on start, when the connection returns, when the
 * app comes back to the foreground, and follows changes made elsewhere (other tabs, the
 * service worker's Background Sync).
 */
export function startOutbox(app: { ready: ReadonlySignal<boolean>; signedIn: ReadonlySignal<boolean> }): void {
  if (started || typeof window === 'undefined') return;
  started = true;
  // Signed out: the kept copies of the account's services data (history, notifications) go.
  // The outbox stays: a phone holds one account, and its submissions are still to be sent.
  effect(() => {
    if (app.ready.value && !app.signedIn.value) void clearServicesData().catch(() => undefined);
  });
  window.addEventListener('online', () => void sendPending());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void sendPending();
  });
  if (typeof BroadcastChannel !== 'undefined') {
    new BroadcastChannel(OUTBOX_CHANNEL).onmessage = () => void refreshCounts();
  }
  void refreshCounts().then(() => {
    if (pendingCount.value > 0) {
      void requestBackgroundSync();
      void sendPending();
    }
  });
}
