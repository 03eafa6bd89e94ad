/** The session cookie and the middleware that requires a signed-in citizen. */
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { resolveSession, SESSION_MAX_MS } from '../domain/sessions';
import { depsFor, type AppContext, type AppEnv } from './app';
import { errorResponse } from './errors';

/** __Host- pins the cookie to this origin (Secure, Path=/, no Domain). */
export const SESSION_COOKIE = '__Host-vneid_session';

export function setSessionCookie(c: AppContext, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: Math.floor(SESSION_MAX_MS / 1000),
  });
}

export function clearSessionCookie(c: AppContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
}

export function sessionToken(c: AppContext): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = sessionToken(c);
  const resolved = token ? await resolveSession(depsFor(c), token) : null;
  if (!token || !resolved) {
    if (token) clearSessionCookie(c);
    return errorResponse(c, 'unauthenticated', 'Please sign in.');
  }
  c.set('session', { ...resolved, token });
  await next();
};
