/**
 * The edge: one Hono worker. It composes the routes, the security middleware and the one
 * error handler, and exports { fetch, scheduled } for workerd.
 */
import { bodyLimit } from 'hono/body-limit';
import { getConfig } from './config';
import type { Env } from './env';
import { createRouter } from './http/app';
import { errorResponse, onError } from './http/errors';
import { csrfGuard, securityHeaders } from './http/security';
import { auth, me } from './routes/auth';
import { dev } from './routes/dev';
import { enrol } from './routes/enrol';
import { wallet } from './routes/wallet';
import { wellKnown } from './routes/well-known';
import { purgeExpiredChallenges } from './store/challenges';
import { purgeExpiredSessions } from './store/sessions';

export const app = createRouter();

app.use('*', async (c, next) => {
  c.set('requestId', c.req.header('cf-ray') ?? crypto.randomUUID());
  getConfig(c.env); // a misconfigured worker fails on its first request, loudly
  await next();
});
app.use('*', securityHeaders);
app.use('/api/*', csrfGuard);
app.use(
  '/api/*',
  bodyLimit({ maxSize: 64 * 1024, onError: (c) => errorResponse(c, 'payload_too_large', 'The request is too large.') }),
);

app.get('/api/health', (c) => c.json({ ok: true }));
app.route('/api/enrol', enrol);
app.route('/api/auth', auth);
app.route('/api/me', me);
app.route('/api/dev', dev);
app.route('/api/wallet', wallet);
app.route('/.well-known', wellKnown);

app.notFound((c) => errorResponse(c, 'not_found', 'Not found.'));
app.onError(onError);

export default {
  fetch: app.fetch,
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    const now = Date.now();
    ctx.waitUntil(Promise.all([purgeExpiredChallenges(env.DB, now), purgeExpiredSessions(env.DB, now)]));
  },
} satisfies ExportedHandler<Env>;
