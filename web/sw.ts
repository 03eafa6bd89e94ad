/// <reference lib="webworker" />
/**
 * The service worker: the app shell is precached (the list is injected at build), every
 * in-app navigation gets the precached index.html, and lazy chunks are cached on first use.
 * API and server pages (sign-on, portals, well-known) always go to the network.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import type { RouteHandlerCallbackOptions } from 'workbox-core/types';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { installServicesWorker } from './outbox/sw';

declare const self: ServiceWorkerGlobalScope;

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api\//, /^\/\.well-known\//, /^\/oidc\//, /^\/portal\//],
  }),
);

/** Lazy chunks (verifier, officer console, dev pages…): hashed names, so a cached copy never goes stale. */
const LAZY_CACHE = 'lazy-assets-v1';
/** Old versions' chunks pile up across updates; keep the newest this many. */
const LAZY_MAX_ENTRIES = 60;

async function trimLazyCache(cache: Cache): Promise<void> {
  const keys = await cache.keys(); // insertion order: oldest first
  await Promise.all(keys.slice(0, Math.max(0, keys.length - LAZY_MAX_ENTRIES)).map((key) => cache.delete(key)));
}

async function cacheFirst({ request, event }: RouteHandlerCallbackOptions): Promise<Response> {
  const cache = await caches.open(LAZY_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    const stored = cache.put(request, response.clone()).then(() => trimLazyCache(cache));
    if (event instanceof ExtendableEvent) event.waitUntil(stored);
    else await stored;
  }
  return response;
}

registerRoute(({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith('/assets/') && request.method === 'GET', cacheFirst);

// First install: take the open page at once, so the chunks it loads next are cached too.
// (An update waits for the page's "Update" button instead: see below.)
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// The page's "Update" button (registerSW's updateSW) asks the waiting worker to take over.
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Citizen services: Background Sync sends the offline outbox; Web Push shows notifications.
installServicesWorker(self);
