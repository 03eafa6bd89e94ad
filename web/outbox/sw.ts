/// <reference lib="webworker" />
/**
 * The service worker's part in the citizen services: Background Sync sends the outbox when
 * the connection returns (even with the app closed), Web Push shows notifications, and a
 * tap on one opens the app where it points.
 */
import type { PushMessage } from '../../shared/services';
import { flushOutbox, OUTBOX_SYNC_TAG } from './send';

interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

export function installServicesWorker(self: ServiceWorkerGlobalScope): void {
  self.addEventListener('sync', (event) => {
    const e = event as SyncEvent;
    if (e.tag !== OUTBOX_SYNC_TAG) return;
    e.waitUntil(
      flushOutbox().then((result) => {
        // A rejection asks the browser to fire the sync again later, with its own back-off.
        if (result.stoppedBy === 'network' || result.stoppedBy === 'busy') throw new Error('outbox not sent yet');
      }),
    );
  });

  self.addEventListener('push', (event) => {
    let message: Partial<PushMessage> = {};
    try {
      message = (event.data?.json() ?? {}) as Partial<PushMessage>;
    } catch {
      message = {};
    }
    const url = typeof message.url === 'string' && message.url.startsWith('/') ? message.url : '/notifications';
    event.waitUntil(
      self.registration.showNotification(message.title ?? 'Định danh điện tử', {
        body: message.body ?? '',
        tag: message.tag,
        icon: '/icons/icon-192.png',
        badge: '/icons/favicon-32.png',
        lang: 'vi',
        data: { url },
      }),
    );
  });

  self.addEventListener('notificationclick', (event) => {
    event.notification.close();
    const url = new URL((event.notification.data as { url?: string } | null)?.url ?? '/notifications', self.location.origin).href;
    event.waitUntil(
      (async () => {
        const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
        const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
        if (open) {
          await open.navigate(url).catch(() => null);
          await open.focus();
        } else {
          await self.clients.openWindow(url);
        }
      })(),
    );
  });
}
