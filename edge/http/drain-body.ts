/**
 * Reads what is left of a request body before the response goes out.
 *
 * workerd cannot reuse an HTTP/1.1 connection whose request body was left unread: it drops
 * the connection after answering, and the client's next request on that keep-alive
 * connection fails ("socket hang up"; behind `wrangler dev`'s proxy, which pools its
 * connections to the worker, some other client's next request gets a 500 or a 503 "Your
 * worker restarted mid-request"). Many answers leave the body unread on purpose: sign-in
 * options ignore theirs, and a refusal (CSRF, rate limit, no session, too large) comes
 * before any parsing. Found under load (tests/load, tests/bench/edge-*.bench.ts).
 *
 * The rest is read chunk by chunk and thrown away (constant memory), up to DRAIN_MAX_BYTES
 * by Content-Length; a larger body is left, and its connection with it.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app';

export const DRAIN_MAX_BYTES = 8 * 1024 * 1024;

export const drainUnreadBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const raw = c.req.raw;
  await next();
  if (!raw.body || raw.bodyUsed) return;
  const length = Number(raw.headers.get('content-length') ?? Number.NaN);
  if (!(length <= DRAIN_MAX_BYTES)) return;
  try {
    const reader = raw.body.getReader();
    while (!(await reader.read()).done) {
      // discard
    }
  } catch {
    // the client went away: nothing to keep
  }
};
