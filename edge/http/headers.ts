/**
 * The security headers, defined once: the worker sets them on its responses, and the PWA
 * build writes them into `dist/_headers` for the static assets the platform serves
 * without running the worker (see vite.config.ts).
 */

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

/** `_headers` file text (Cloudflare static-assets format) for the PWA build. */
export function staticHeadersFile(): string {
  const block = Object.entries(SECURITY_HEADERS).map(([k, v]) => `  ${k}: ${v}`).join('\n');
  return [
    `/*\n${block}`,
    // Hashed file names never change: cache them for a year.
    '/assets/*\n  Cache-Control: public, max-age=31536000, immutable',
    // The service worker and the shell must be re-checked on every start to find updates.
    '/sw.js\n  Cache-Control: no-cache',
    '/index.html\n  Cache-Control: no-cache',
    '/manifest.webmanifest\n  Cache-Control: no-cache',
    '',
  ].join('\n');
}
