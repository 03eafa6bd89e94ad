/**
 * The app's state as one small model of signals and actions (see the Preact signals guide,
 * "createAppState"). Everything it touches outside itself is passed in, so it can be tested
 * without rendering or a browser.
 */
import { computed, signal } from '@preact/signals';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from '../shared/api';
import type { ApiResult } from './api';
import { lang, setLang } from './i18n';

/** Chrome's install prompt (not in the DOM typings). */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export interface AppDeps {
  api: {
    me(): Promise<ApiResult<Me>>;
    signOut(): Promise<ApiResult<null>>;
  };
  /** The last account summary kept on the device (IndexedDB in the app). */
  cache: {
    load(): Promise<Me | null>;
    save(me: Me): Promise<void>;
    clear(): Promise<void>;
  };
  isOnline(): boolean;
}

/** What a refresh of the account found out. */
export type SessionCheck = 'signed-in' | 'signed-out' | 'expired' | 'unknown';

export function createAppState(deps: AppDeps) {
  /** The signed-in account: the cached copy at first, then the server's. */
  const me = signal<Me | null>(null);
  /** True once the cached account has been read, so routes can decide where to go. */
  const ready = signal(false);
  /** What the browser says (online/offline events); it can claim "online" on a dead network. */
  const networkUp = signal(deps.isOnline());
  /** Whether the last call to the edge got an answer: a failed request means offline too. */
  const reachable = signal(true);
  const online = computed(() => networkUp.value && reachable.value);
  const needRefresh = signal(false);
  const offlineReady = signal(false);
  const installPrompt = signal<BeforeInstallPromptEvent | null>(null);
  /** Bumped on sign-in and sign-out: a /api/me answer from before then is stale and ignored. */
  let epoch = 0;
  /** Set by the service-worker registration: activates the waiting worker and reloads. */
  let applyUpdate: (() => Promise<void>) | null = null;

  const signedIn = computed(() => me.value !== null);

  async function saveQuietly(next: Me): Promise<void> {
    try {
      await deps.cache.save(next);
    } catch {
      // The account still works this visit; only the offline copy is missing.
    }
  }

  /** Shows the cached account at once (offline home works), then asks the server. */
  async function start(): Promise<SessionCheck> {
    let cached: Me | null = null;
    try {
      cached = await deps.cache.load();
    } catch {
      cached = null;
    }
    if (cached && me.value === null) me.value = cached;
    ready.value = true;
    // Every sign-in caches the account: with nothing cached there is no session to ask about
    // (and a first visit does not start with a 401 in the console).
    if (!cached && me.value === null) return 'signed-out';
    return networkUp.value ? refreshMe() : 'unknown';
  }

  /** GET /api/me. A 401 forgets the cached account (never the device key); a network failure keeps it. */
  async function refreshMe(): Promise<SessionCheck> {
    const asked = epoch;
    const result = await deps.api.me();
    reachable.value = result.ok || result.error.code !== 'network';
    if (asked !== epoch) return 'unknown';
    if (result.ok) {
      me.value = result.data;
      await saveQuietly(result.data);
      return 'signed-in';
    }
    if (result.error.code === 'unauthenticated') {
      const had = me.value !== null;
      me.value = null;
      try {
        await deps.cache.clear();
      } catch {
        // nothing cached to clear
      }
      return had ? 'expired' : 'signed-out';
    }
    return 'unknown';
  }

  /** After registration or sign-in: the server's answer becomes the account, and is cached. */
  async function setSignedIn(next: Me): Promise<void> {
    epoch++;
    me.value = next;
    await saveQuietly(next);
  }

  /** Ends the session and forgets the cached account; the device key stays (it binds this phone). */
  async function signOut(): Promise<void> {
    epoch++;
    await deps.api.signOut(); // offline or already expired: the local sign-out still happens
    me.value = null;
    try {
      await deps.cache.clear();
    } catch {
      // nothing cached to clear
    }
  }

  function setOnline(value: boolean): void {
    networkUp.value = value;
  }

  function setUpdater(fn: () => Promise<void>): void {
    applyUpdate = fn;
  }

  async function update(): Promise<void> {
    needRefresh.value = false;
    await applyUpdate?.();
  }

  return {
    me,
    ready,
    signedIn,
    lang,
    setLang,
    online,
    needRefresh,
    offlineReady,
    installPrompt,
    start,
    refreshMe,
    setSignedIn,
    signOut,
    setOnline,
    setUpdater,
    update,
  };
}

export type AppState = ReturnType<typeof createAppState>;

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp() outside <AppContext.Provider>');
  return state;
}
