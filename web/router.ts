/**
 * A tiny router on signals: `path` and `search` follow the address bar; `navigate()` moves;
 * same-origin links are intercepted; `lazy()` loads a screen's chunk on first use.
 */
import { signal } from '@preact/signals';
import { h, type ComponentType, type FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { LoadFailed, Loading } from './components/Status';

const hasWindow = typeof window !== 'undefined';

/** The current pathname, e.g. "/register". */
export const path = signal(hasWindow ? window.location.pathname : '/');
/** The current query string, with its "?" (or ""). */
export const search = signal(hasWindow ? window.location.search : '');

/** Paths the edge answers itself: links to them are real page loads. */
const SERVER_PATHS = /^\/(?:api|\.well-known|oidc|portal)(?:\/|$)/;

function sync(): void {
  path.value = window.location.pathname;
  search.value = window.location.search;
}

/** Goes to an in-app address (path, query and hash), adding a history entry unless `replace`. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.href);
  if (url.origin !== window.location.origin || SERVER_PATHS.test(url.pathname)) {
    window.location.assign(url.href);
    return;
  }
  const target = url.pathname + url.search + url.hash;
  if (target === window.location.pathname + window.location.search + window.location.hash) return;
  if (options.replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  sync();
  if (!options.replace) window.scrollTo(0, 0);
}

function onClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || (anchor.target && anchor.target !== '_self') || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || SERVER_PATHS.test(url.pathname)) return;
  // An in-page anchor (the skip link): the browser scrolls and moves focus itself.
  if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

/** Starts following the address bar (back/forward) and intercepting links. Returns a stop function. */
export function startRouter(): () => void {
  window.addEventListener('popstate', sync);
  document.addEventListener('click', onClick);
  return () => {
    window.removeEventListener('popstate', sync);
    document.removeEventListener('click', onClick);
  };
}

/** Who may open a route: everyone, only a signed-in citizen, or only someone signed out. */
export type Access = 'any' | 'signed-in' | 'signed-out';

export interface Route {
  component: ComponentType;
  access?: Access;
  /**
   * Renders before the cached account has been read, because the screen has a gate of its
   * own (the wallet's passcode) that shows nothing of the account. `access` still applies as
   * soon as the account is read.
   */
  early?: boolean;
}

/** Paths to routes. A key ending in "/*" matches that path and everything under it. */
export type RouteTable = Readonly<Record<string, Route>>;

export function matchRoute(routes: RouteTable, pathname: string): Route | null {
  const exact = routes[pathname] ?? routes[pathname.replace(/\/+$/, '') || '/'];
  if (exact) return exact;
  for (const [pattern, route] of Object.entries(routes)) {
    if (pattern.endsWith('/*')) {
      const base = pattern.slice(0, -2);
      if (pathname === base || pathname.startsWith(`${base}/`)) return route;
    }
  }
  return null;
}

/** A lazily loaded screen; `preload()` starts fetching its chunk before it is rendered. */
export type LazyComponent<P extends object = object> = FunctionComponent<P> & { preload(): Promise<unknown> };

/**
 * A screen loaded from its own chunk on first use: `lazy(() => import('./screens/X'))`. Once
 * `preload()` has resolved, the screen renders at once (no loading frame in between).
 */
export function lazy<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): LazyComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const start = () =>
    (pending ??= load().then(
      (module) => (loaded = module.default),
      (err: unknown) => {
        pending = null; // let a retry fetch again
        throw err;
      },
    ));
  function Lazy(props: P) {
    const [attempt, setAttempt] = useState(0);
    const [failed, setFailed] = useState(false);
    const [, setReady] = useState(false);
    useEffect(() => {
      // Not `if (loaded) return`: a preload can finish between this render (the loading screen)
      // and this effect, and the screen must still be drawn then.
      let live = true;
      start().then(
        () => live && setReady(true),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, [attempt]);
    if (loaded) return h(loaded, props);
    if (failed) {
      return h(LoadFailed, {
        retry: () => {
          setFailed(false);
          setAttempt((n) => n + 1);
        },
      });
    }
    return h(Loading, null);
  }
  // A failed preload is retried (and shown) when the screen renders.
  Lazy.preload = () => start().catch(() => undefined);
  return Lazy;
}

/** Starts fetching the chunk of the route at `pathname` when it is a lazy one (a cold start on it); resolves once it is loaded (or failed). */
export async function preloadRoute(routes: RouteTable, pathname: string): Promise<void> {
  const component = matchRoute(routes, pathname)?.component as Partial<LazyComponent> | undefined;
  await component?.preload?.();
}
