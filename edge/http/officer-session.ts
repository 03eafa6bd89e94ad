/** The officer console's session cookie and the middleware that requires a signed-in officer. */
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { OFFICER_SESSION_MAX_MS, resolveOfficerSession } from '../domain/officers';
import { depsFor, type AppContext, type AppEnv } from './app';
import { errorResponse } from './errors';

/** Its own cookie: a citizen session never opens the console, and the reverse. */
export const OFFICER_COOKIE = '__Host-vneid_officer';

export function setOfficerCookie(c: AppContext, token: string): void {
  setCookie(c, OFFICER_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: Math.floor(OFFICER_SESSION_MAX_MS / 1000),
  });
}

export function clearOfficerCookie(c: AppContext): void {
  deleteCookie(c, OFFICER_COOKIE, { path: '/', secure: true });
}

export function officerToken(c: AppContext): string | undefined {
  return getCookie(c, OFFICER_COOKIE);
}

/** Requires a signed-in, active officer; roles are checked by the domain for each action. */
export const requireOfficer: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = officerToken(c);
  const officer = token ? await resolveOfficerSession(depsFor(c), token) : null;
  if (!token || !officer) {
    if (token) clearOfficerCookie(c);
    return errorResponse(c, 'unauthenticated', 'Please sign in as an officer.');
  }
  c.set('officer', { officer, token });
  await next();
};
