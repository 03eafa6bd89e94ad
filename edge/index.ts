/**
 * The edge: one Hono worker. It composes the routes, the security middleware and the one
 * error handler, and exports { fetch, scheduled } for workerd.
 */
import { bodyLimit } from 'hono/body-limit';
import { getConfig } from './config';
import type { Env } from './env';
import { createRouter, depsFromEnv } from './http/app';
import { errorResponse, onError } from './http/errors';
import { csrfGuard, securityHeaders } from './http/security';
import { drainUnreadBody } from './http/drain-body';
import { auth, me } from './routes/auth';
import { dev } from './routes/dev';
import { enrol } from './routes/enrol';
import { wallet } from './routes/wallet';
import { deviceChange } from './routes/device-change';
import { devices } from './routes/devices';
import { history } from './routes/history';
import { lock, unlock } from './routes/lock';
import { officer } from './routes/officer';
import { officerPortals } from './routes/officer-portals';
import { phone } from './routes/phone';
import { agency } from './routes/agency';
import { news } from './routes/news';
import { notifications } from './routes/notifications';
import { services, UPLOAD_PATHS } from './routes/services';
import { servicesOfficer } from './routes/services-officer';
import { runDailyJobs } from './domain/daily-jobs';
import { servicesDepsFromEnv } from './http/services-deps';
import { wellKnown } from './routes/well-known';
import { oidc, oidcDiscovery } from './routes/oidc';
import { sso } from './routes/sso';
import { createDemoPortal } from './demo-portal/routes';
import { runHousekeeping } from './domain/housekeeping';

export const app = createRouter();

// First in, last out: after every answer, what is left of a small request body is read (see the file).
app.use('*', drainUnreadBody);
app.use('*', async (c, next) => {
  c.set('requestId', c.req.header('cf-ray') ?? crypto.randomUUID());
  getConfig(c.env); // a misconfigured worker fails on its first request, loudly
  await next();
});
app.use('*', securityHeaders);
app.use('/api/*', csrfGuard);
const apiBodyLimit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => errorResponse(c, 'payload_too_large', 'The request is too large.') });
// Photo uploads set their own, larger limit on their route.
app.use('/api/*', (c, next) => (UPLOAD_PATHS.has(c.req.path) ? next() : apiBodyLimit(c, next)));

app.get('/api/health', (c) => c.json({ ok: true }));
app.route('/api/enrol', enrol);
app.route('/api/auth', auth);
app.route('/api/me', me);
app.route('/api/dev', dev);
app.route('/api/wallet', wallet);
app.route('/api/me/history', history);
app.route('/api/devices', devices);
app.route('/api/device-change', deviceChange);
app.route('/api/lock', lock);
app.route('/api/unlock', unlock);
app.route('/api/phone', phone);
app.route('/api/officer/services', servicesOfficer);
app.route('/api/officer/portals', officerPortals);
app.route('/api/officer', officer);
app.route('/api/services', services);
app.route('/api/notifications', notifications);
app.route('/api/news', news);
app.route('/hooks/agency', agency);
app.route('/.well-known', wellKnown);
app.route('/api/sso', sso);
app.route('/.well-known/openid-configuration', oidcDiscovery);
app.route('/oidc', oidc);
// The demo relying party calls the provider in-process, through this same app.
app.route('/', createDemoPortal(async (request, env) => app.fetch(request, env)));

app.notFound((c) => errorResponse(c, 'not_found', 'Not found.'));
app.onError(onError);

/** The cron triggers of wrangler.toml: the daily one also sends the day's greetings and card warnings. */
export const CRONS = { housekeeping: '*/10 * * * *', daily: '0 1 * * *' } as const;

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    // Every trigger purges what has expired (bounded batches; what is left waits for the next run).
    ctx.waitUntil(runHousekeeping(depsFromEnv(env, Date.now()), Date.now()));
    // Greetings and card warnings for the day the trigger was scheduled for (idempotent per day).
    if (controller.cron === CRONS.daily) ctx.waitUntil(runDailyJobs(servicesDepsFromEnv(env, controller.scheduledTime, ctx)));
  },
} satisfies ExportedHandler<Env>;
