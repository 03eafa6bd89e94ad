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
  // The wallet (list, card, QR) is precached for airplane mode; its passcode prompt shows while
  // the cached account is still being read (it shows nothing of the account). The verifier needs no account.
  '/wallet/*': { component: lazy(() => import('./screens/Wallet')), access: 'signed-in', early: true },
  '/verify': { component: lazy(() => import('./screens/Verify')) },
  // Single sign-on: the provider sends the browser here, signed in or not.
  '/sso': { component: lazy(() => import('./screens/Sso')) },
  // A portal's sign-out (RP-initiated logout): the provider sends the browser here to end the session same-origin.
  '/sso/logout': { component: lazy(() => import('./screens/SsoLogout')) },
  '/settings/sharing': { component: lazy(() => import('./screens/Sharing')), access: 'signed-in' },
  // Citizen services: usable offline once loaded (the home screen prefetches them; the outbox keeps submissions).
  '/services/residence': { component: lazy(() => import('./screens/Residence')), access: 'signed-in' },
  '/services/residence/new': { component: lazy(() => import('./screens/ResidenceForm')), access: 'signed-in' },
  '/services/reports': { component: lazy(() => import('./screens/Reports')), access: 'signed-in' },
  '/services/reports/new': { component: lazy(() => import('./screens/ReportForm')), access: 'signed-in' },
  '/notifications': { component: lazy(() => import('./screens/Notifications')), access: 'signed-in' },
  '/news': { component: lazy(() => import('./screens/News')) },
  '/officer/services': { component: lazy(() => import('./screens/OfficerServices')) },
  // Account life: device change (new phone, then approval on the old one), lock from any device, unlock, level-2 activation.
  '/device-change': { component: lazy(() => import('./screens/DeviceChange')), access: 'signed-out' },
  // The old phone: signed in, or signing in there (the new phone's QR is a link its camera app may open).
  '/device-change/approve': { component: lazy(() => import('./screens/ApproveDevice')) },
  '/lock': { component: lazy(() => import('./screens/Lock')) },
  '/unlock': { component: lazy(() => import('./screens/Unlock')), access: 'signed-out' },
  '/activate': { component: lazy(() => import('./screens/Activate')), access: 'signed-out' },
  '/settings/devices': { component: lazy(() => import('./screens/Devices')), access: 'signed-in' },
  '/settings/history': { component: lazy(() => import('./screens/SecurityHistory')), access: 'signed-in' },
  '/settings/phone': { component: lazy(() => import('./screens/PhoneChange')), access: 'signed-in' },
  // The officer console (police-station desk computers): its own sign-in, no citizen account needed.
  '/officer': { component: lazy(() => import('./screens/Officer')) },
};

/** Where each kind of visitor lands when a route is not for them. */
export const HOME_PATH = '/';
export const SIGNED_OUT_PATH = '/welcome';
