import './styles.css';
import { effect } from '@preact/signals';
import { render } from 'preact';
import { api } from './api';
import { App } from './app';
import { lang, langReady } from './i18n';
import { captureInstallPrompt, registerServiceWorker, watchConnection } from './pwa';
import { startOutbox } from './outbox/outbox';
import { navigate, path, startRouter } from './router';
import { createAppState, type SessionCheck } from './state';
import { deleteCachedMe, getCachedMe, putCachedMe } from './wallet/db';

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
 * Not from a portal's sign-in (/sso): that screen signs the citizen in itself and goes back to the portal.
 */
function afterSessionCheck(check: SessionCheck): void {
  if (check === 'expired' && path.value !== '/sso') navigate('/signin?expired=1', { replace: true });
}

effect(() => {
  document.documentElement.lang = lang.value;
});
captureInstallPrompt(state);
watchConnection(state, () => void state.refreshMe().then(afterSessionCheck));
startRouter();
await langReady;
render(<App state={state} />, document.getElementById('app')!);
void state.start().then(afterSessionCheck);
registerServiceWorker(state);
// The services' offline outbox: sends what is waiting now, when the network returns, and on return to the app.
startOutbox(state);
