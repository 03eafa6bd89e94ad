import './styles.css';
import { effect } from '@preact/signals';
import { render } from 'preact';
import { api } from './api';
import { App } from './app';
import { lang, langReady } from './i18n';
import { captureInstallPrompt, registerServiceWorker, watchConnection } from './pwa';
import { startOutbox } from './outbox/outbox';
import { navigate, path, preloadRoute, startRouter } from './router';
import { routes } from './routes';
import { createAppState, type SessionCheck } from './state';
import { db, deleteCachedMe, getCachedMe, putCachedMe } from './wallet/db';

// A cold start: the database connection boot.ts started opening is taken now (the slowest
// step of a fresh browser), and the route's own chunk (the wallet opened from the home-screen
// icon…) downloads while the app starts.
void db();
const routeChunk = preloadRoute(routes, path.value);

const state = createAppState({
  api,
  cache: {
    load: async () => (await getCachedMe())?.me ?? null,
    save: (me) => putCachedMe(me),
    clear: deleteCachedMe,
  },
  isOnline: () => navigator.onLine,
});

/**
 * A session that ended on the server while the app showed the cached account: sign in again.
 * Not from a portal's sign-in or sign-out (/sso, /sso/logout): those screens go back to the portal.
 */
function afterSessionCheck(check: SessionCheck): void {
  if (check === 'expired' && path.value !== '/sso' && path.value !== '/sso/logout') navigate('/signin?expired=1', { replace: true });
}

/** Runs `fn` after the load event, when the main thread is idle (at most 2 s later). */
function whenIdle(fn: () => void): void {
  const soon = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => fn(), { timeout: 2000 }) : setTimeout(fn, 200));
  if (document.readyState === 'complete') soon();
  else window.addEventListener('load', soon, { once: true });
}

effect(() => {
  document.documentElement.lang = lang.value;
});
captureInstallPrompt(state);
watchConnection(state, () => void state.refreshMe().then(afterSessionCheck));
startRouter();
void state.start().then(afterSessionCheck);
// The first screen, once the remembered language is loaded and, on a lazy route, the route's
// own chunk (at most 0.4 s): the first screen drawn is then the route's (the wallet's prompt),
// not a loading screen before it, and on a slow phone each screen drawn costs a layout and a
// paint. Not a top-level await: a lazy chunk imports the shell, so its code runs only once this
// module has finished.
void Promise.all([langReady, Promise.race([routeChunk, new Promise((resolve) => setTimeout(resolve, 400))])]).then(() => {
  render(<App state={state} />, document.getElementById('app')!);
});
// What the first screen does not wait for runs once the page has loaded and the main thread is
// free: on a phone's cold start it would hold back the first screen (the wallet's prompt)
// otherwise. The service worker is registered (or updated), and the services' offline outbox
// sends what is waiting now (then when the network returns, and on return to the app).
whenIdle(() => registerServiceWorker(state));
whenIdle(() => startOutbox(state));
