/**
 * The PWA's links to the browser: the service worker (update prompt, offline ready), the
 * install prompt, and the connection state. Each feeds a signal in the app state.
 */
import { registerSW } from 'virtual:pwa-register';
import type { AppState, BeforeInstallPromptEvent } from './state';

/** How often an open app asks for a new version. */
const UPDATE_CHECK_MS = 60 * 60_000;

export function registerServiceWorker(state: AppState): void {
  if (!('serviceWorker' in navigator)) return;
  const updateSW = registerSW({
    immediate: true,
    onNeedRefresh() {
      state.needRefresh.value = true;
    },
    onOfflineReady() {
      state.offlineReady.value = true;
      setTimeout(() => (state.offlineReady.value = false), 8000);
    },
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      setInterval(() => {
        if (navigator.onLine) void registration.update();
      }, UPDATE_CHECK_MS);
    },
  });
  // Tells the waiting worker to skipWaiting; the page reloads when it takes control.
  state.setUpdater(() => updateSW(true));
}

/** Chrome offers installation once per page load: keep the event for the install button. */
export function captureInstallPrompt(state: AppState): void {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    state.installPrompt.value = event as BeforeInstallPromptEvent;
  });
  window.addEventListener('appinstalled', () => {
    state.installPrompt.value = null;
  });
}

/** While offline, how often to try the edge again (the browser's "online" event is not always told). */
const OFFLINE_RETRY_MS = 30_000;

/**
 * Follows the connection: the browser's online/offline events, and, while the edge cannot
 * be reached, a retry every 30 s and whenever the app comes back to the foreground.
 * `check` asks the edge (it updates `state.online`).
 */
export function watchConnection(state: AppState, check: () => void): void {
  window.addEventListener('online', () => {
    state.setOnline(true);
    check();
  });
  window.addEventListener('offline', () => state.setOnline(false));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && !state.online.value) check();
  });
  setInterval(() => {
    if (!state.online.value && navigator.onLine && document.visibilityState === 'visible') check();
  }, OFFLINE_RETRY_MS);
}
