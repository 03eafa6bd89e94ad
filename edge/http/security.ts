/** Security headers on every worker response, and the CSRF guard. */
import type { MiddlewareHandler } from 'hono';
import { getConfig } from '../config';
import type { AppEnv } from './app';
import { errorResponse } from './errors';
import { SECURITY_HEADERS } from './headers';

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  if (c.req.path.startsWith('/api/')) c.res.headers.set('Cache-Control', 'no-store');
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * State-changing API requests must come from our own pages: the Origin header (sent by
 * every browser on POST) must be one of ours, or, without it, Fetch Metadata must say
 * same-origin. With SameSite=Strict cookies this closes cross-site request forgery.
 */
export const csrfGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (UNSAFE.has(c.req.method)) {
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const allowed = origin ? getConfig(c.env).origins.includes(origin) : site === 'same-origin';
    if (!allowed) return errorResponse(c, 'csrf_rejected', 'This request did not come from the identity app.');
  }
  await next();
};
