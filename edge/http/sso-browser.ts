/**
 * The browser binding of single sign-on requests: the authorization endpoint sets a random
 * cookie and stores its hash with the request; the PWA's calls about that request carry the
 * cookie back. A request link opened in another browser (sent by a phisher, say) is refused.
 * SameSite=Lax, because a portal on another site starts the flow with a top-level navigation.
 */
import { getCookie, setCookie } from 'hono/cookie';
import { newToken, sha256Base64Url } from '../domain/crypto';
import type { AppContext } from './app';

export const SSO_BROWSER_COOKIE = '__Host-vneid_sso';
const MAX_AGE_S = 24 * 60 * 60;

function current(c: AppContext): string | null {
  const value = getCookie(c, SSO_BROWSER_COOKIE);
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

/** The binding hash for a new request; sets the cookie when the browser has none yet. */
export async function bindBrowser(c: AppContext): Promise<string> {
  let value = current(c);
  if (!value) value = newToken();
  setCookie(c, SSO_BROWSER_COOKIE, value, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: MAX_AGE_S });
  return sha256Base64Url(value);
}

/** The binding hash this browser presents ('' when it has no cookie: it matches no request). */
export async function browserBinding(c: AppContext): Promise<string> {
  const value = current(c);
  return value ? sha256Base64Url(value) : '';
}
