/**
 * The citizen services' settings, parsed once per environment object like `config.ts`:
 * the agencies allowed to post procedure events (each with its own secret and the
 * procedures it may report), the VAPID contact, the push services the edge will call.
 */
import * as v from 'valibot';
import { PROCEDURES, type Procedure } from '../shared/services';
import type { Env } from './env';

const AgencySecrets = v.record(
  v.pipe(v.string(), v.regex(/^[a-z0-9-]{2,32}$/, 'agency id: 2–32 of a–z, 0–9, -')),
  v.object({
    secret: v.pipe(v.string(), v.minLength(32, 'an agency secret must be at least 32 characters')),
    procedures: v.pipe(v.array(v.picklist(PROCEDURES)), v.minLength(1)),
  }),
);

export interface Agency {
  id: string;
  secret: string;
  procedures: ReadonlySet<Procedure>;
}

export interface ServicesConfig {
  agencies: ReadonlyMap<string, Agency>;
  vapidSubject: string;
  /**
   * Hosts of the push services a subscription may point at. The edge sends requests to
   * subscription endpoints, so an endpoint on any other host is refused (no request forgery
   * towards hosts of the subscriber's choosing).
   */
  pushHosts: readonly string[];
}

/** The browsers' push services: Chrome/Android (FCM), Firefox (Mozilla autopush), Edge (WNS), Safari (Apple). */
export const PUSH_SERVICE_HOSTS = ['fcm.googleapis.com', '.push.services.mozilla.com', '.notify.windows.com', '.push.apple.com'] as const;

const cache = new WeakMap<object, ServicesConfig>();

export function getServicesConfig(env: Env): ServicesConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  let parsed: unknown = {};
  try {
    parsed = env.AGENCY_SECRETS ? JSON.parse(env.AGENCY_SECRETS) : {};
  } catch {
    parsed = undefined;
  }
  const result = v.safeParse(AgencySecrets, parsed);
  if (!result.success) {
    const issues = result.issues.map((i) => `${v.getDotPath(i) ?? '?'}: ${i.message}`).join('; ');
    throw new Error(`Invalid worker configuration: AGENCY_SECRETS: ${issues}`);
  }
  const agencies = new Map<string, Agency>(
    Object.entries(result.output).map(([id, a]) => [id, { id, secret: a.secret, procedures: new Set(a.procedures) }]),
  );
  const origin = (env.ORIGINS ?? 'http://localhost:8787').split(',')[0]!.trim();
  const config: ServicesConfig = { agencies, vapidSubject: env.VAPID_SUBJECT ?? origin, pushHosts: PUSH_SERVICE_HOSTS };
  cache.set(env, config);
  return config;
}

/** Whether an endpoint belongs to a known push service (https, host matches exactly or by suffix). */
export function isPushServiceEndpoint(endpoint: string, hosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.port !== '' || url.username || url.password) return false;
  return hosts.some((h) => (h.startsWith('.') ? url.hostname.endsWith(h) && url.hostname.length > h.length : url.hostname === h));
}
