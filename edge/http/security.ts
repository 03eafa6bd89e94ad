/**
 * Security headers on every worker response (static assets get the same set from the
 * `_headers` file generated from SECURITY_HEADERS at build), and the CSRF guard.
 */
import type { MiddlewareHandler } from 'hono';
import { getConfig } from '../config';
import type { AppEnv } from './app';
import { errorResponse } from './errors';

/** A strict CSP: no inline script or style, nothing from other origins, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains; preload',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), geolocation=(self), microphone=(), payment=(), usb=()',
};

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
