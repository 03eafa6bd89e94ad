/**
 * Typed configuration, parsed once per environment object from the worker's bindings.
 * A missing or malformed setting fails start-up loudly instead of a request quietly.
 */
import * as v from 'valibot';
import type { Env } from './env';

const ConfigSchema = v.object({
  rpId: v.pipe(v.string(), v.regex(/^[a-z0-9.-]+$/)),
  rpName: v.pipe(v.string(), v.minLength(1)),
  origins: v.pipe(v.array(v.pipe(v.string(), v.url())), v.minLength(1)),
  issuerName: v.pipe(v.string(), v.minLength(1)),
  smsMode: v.picklist(['outbox', 'gateway']),
  environment: v.picklist(['development', 'test', 'production']),
  sessionSecret: v.pipe(v.string(), v.minLength(32, 'SESSION_SECRET must be at least 32 characters')),
  issuerCode: v.pipe(v.string(), v.regex(/^[A-Z0-9-]{1,8}$/, 'ISSUER_CODE: 1–8 of A–Z, 0–9, -')),
  issuerKeys: v.pipe(
    v.array(
      v.object({
        jwk: v.looseObject({ kty: v.literal('EC'), crv: v.literal('P-256'), x: v.string(), y: v.string(), d: v.string() }),
        notBefore: v.number(),
        retiredAt: v.optional(v.number()),
      }),
    ),
    v.minLength(1, 'ISSUER_KEYS must hold at least one key'),
  ),
});

export type Config = v.InferOutput<typeof ConfigSchema> & {
  /** Whether the development SMS outbox endpoint is served. */
  devOutbox: boolean;
};

const cache = new WeakMap<object, Config>();

export function getConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const result = v.safeParse(ConfigSchema, {
    rpId: env.RP_ID ?? 'localhost',
    rpName: env.RP_NAME ?? 'Định danh điện tử',
    origins: (env.ORIGINS ?? 'http://localhost:8787').split(',').map((s) => s.trim()).filter(Boolean),
    issuerName: env.ISSUER_NAME ?? 'VNeID Open',
    smsMode: env.SMS_MODE ?? 'outbox',
    environment: env.ENVIRONMENT ?? 'development',
    sessionSecret: env.SESSION_SECRET ?? '',
    issuerCode: env.ISSUER_CODE ?? 'VN',
    issuerKeys: parseJson(env.ISSUER_KEYS),
  });
  if (!result.success) {
    const issues = result.issues.map((i) => `${v.getDotPath(i) ?? '?'}: ${i.message}`).join('; ');
    throw new Error(`Invalid worker configuration: ${issues}`);
  }
  // The outbox shows SMS codes; it must never be reachable in production.
  const config: Config = { ...result.output, devOutbox: result.output.smsMode === 'outbox' && result.output.environment !== 'production' };
  cache.set(env, config);
  return config;
}

function parseJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
