/**
 * The route table. A new screen is one line; screens that need not open offline load lazily:
 *   '/verify': { component: lazy(() => import('./screens/Verify')) },
 */
import { lazy, type RouteTable } from './router';
import Home from './screens/Home';
import Settings from './screens/Settings';
import Welcome from './screens/Welcome';

export const routes: RouteTable = {
  '/': { component: Home, access: 'signed-in' },
  '/welcome': { component: Welcome, access: 'signed-out' },
  // Registration and sign-in need the network anyway: they load on demand (Welcome prefetches them).
  '/register': { component: lazy(() => import('./screens/Register')), access: 'signed-out' },
  '/signin': { component: lazy(() => import('./screens/SignIn')), access: 'signed-out' },
  '/settings': { component: Settings },
  '/dev/sms': { component: lazy(() => import('./screens/DevSms')) },
};

/** Where each kind of visitor lands when a route is not for them. */
export const HOME_PATH = '/';
export const SIGNED_OUT_PATH = '/welcome';
