/** The shell: top bar, banners, and the current route (with its access guard). */
import { h } from 'preact';
import { useLayoutEffect } from 'preact/hooks';
import { Banners } from './components/Banners';
import { NotFound } from './components/NotFound';
import { Loading } from './components/Status';
import { TopBar } from './components/TopBar';
import { matchRoute, navigate, path, type Route } from './router';
import { HOME_PATH, SIGNED_OUT_PATH, routes } from './routes';
import { AppContext, useApp, type AppState } from './state';

/** Where to send the visitor instead, when this route is not for them; null to stay. */
function redirectFor(route: Route | null, signedIn: boolean): string | null {
  const access = route?.access ?? 'any';
  if (access === 'signed-in' && !signedIn) return SIGNED_OUT_PATH;
  if (access === 'signed-out' && signedIn) return HOME_PATH;
  return null;
}

function Outlet() {
  const app = useApp();
  const current = path.value;
  const route = matchRoute(routes, current);
  const ready = app.ready.value;
  const redirect = ready ? redirectFor(route, app.signedIn.value) : null;
  useLayoutEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);
  // A screen with its own gate (the wallet's passcode) does not wait for the account to be read.
  if (!ready && !route?.early) return h(Loading, null);
  if (redirect) return null;
  if (!route) return h(NotFound, null);
  return h(route.component, { key: current });
}

export function App({ state }: { state: AppState }) {
  return (
    <AppContext.Provider value={state}>
      <TopBar />
      <Banners />
      <main id="main" tabIndex={-1} class="screen">
        <Outlet />
      </main>
    </AppContext.Provider>
  );
}
