/**
 * Typed configuration, parsed once per environment object from the worker's bindings.
 * A missing or malformed setting fails start-up loudly instead of a request quietly.
 */
import * as v from 'valibot';
import type { Env } from './env';
import { bindShards, parseShardMap, type ShardMap } from './store/shards';

const ConfigSchema = v.object({
  rpId: v.pipe(v.string(), v.regex(/^[a-z0-9.-]+$/)),
  rpName: v.pipe(v.string(), v.minLength(1)),
  origins: v.pipe(v.array(v.pipe(v.string(), v.url())), v.minLength(1)),
  issuerName: v.pipe(v.string(), v.minLength(1)),
  smsMode: v.picklist(['outbox', 'gateway']),
  environment: v.picklist(['development', 'test', 'production']),
  sessionSecret: v.pipe(v.string(), v.minLength(32, 'SESSION_SECRET must be at least 32 characters')),
  issuerCode: v.pipe(v.string(), v.regex(/^[A-Z0-9-]{1,8}$/, 'ISSUER_CODE: 1–8 of A–Z, 0–9, -')),
  /** Device change with the old phone lost (level 1): hours the request waits, cancellable, before it can finish. */
  deviceChangeWaitHours: v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 14)),
  issuerKeys: v.pipe(
    v.array(
      v.object({
        jwk: v.looseObject({ kty: v.literal('EC'), crv: v.literal('P-256'), x: v.string(), y: v.string(), d: v.string() }),
        notBefore: v.number(),
        retiredAt: v.optional(v.number()),
        /** The key is known or suspected stolen: it signs nothing and leaves the trust list at once. */
        compromisedAt: v.optional(v.number()),
      }),
    ),
    v.minLength(1, 'ISSUER_KEYS must hold at least one key'),
    v.check((keys) => keys.some((k) => k.compromisedAt === undefined), 'ISSUER_KEYS: every key is marked compromised; add a new key'),
  ),
  // Single sign-on: the first key signs ID tokens, all are published in the JWKS (rotation).
  oidcSigningKeys: v.pipe(
    v.array(
      v.object({
        kty: v.literal('EC'),
        crv: v.literal('P-256'),
        x: v.string(),
        y: v.string(),
        d: v.optional(v.string()),
        kid: v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,64}$/, 'OIDC_SIGNING_KEYS: every key needs a kid')),
      }),
    ),
    v.minLength(1, 'OIDC_SIGNING_KEYS must hold at least one key'),
    v.check((keys) => keys[0]?.d !== undefined, 'OIDC_SIGNING_KEYS: the first key signs and must be private'),
    v.check((keys) => new Set(keys.map((k) => k.kid)).size === keys.length, 'OIDC_SIGNING_KEYS: kids must be unique'),
  ),
  oidcPairwiseSecret: v.pipe(v.string(), v.minLength(32, 'OIDC_PAIRWISE_SECRET must be at least 32 characters')),
  shardKeySecret: v.pipe(v.string(), v.minLength(32, 'SHARD_KEY_SECRET must be at least 32 characters')),
});

export type Config = v.InferOutput<typeof ConfigSchema> & {
  /** Whether the development SMS outbox endpoint is served. */
  devOutbox: boolean;
  /** The OpenID Connect issuer identifier: the first of ORIGINS. */
  issuer: string;
  /** Whether the demo relying party is served at /portal/ (never in production). */
  demoPortal: boolean;
  /** Which D1 database holds which ID numbers' accounts and registry records (SHARDS; store/shards.ts). */
  shards: ShardMap;
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
    deviceChangeWaitHours: Number(env.DEVICE_CHANGE_WAIT_HOURS ?? 24),
    issuerKeys: parseJson(env.ISSUER_KEYS),
    oidcSigningKeys: parseJson(env.OIDC_SIGNING_KEYS),
    oidcPairwiseSecret: env.OIDC_PAIRWISE_SECRET ?? '',
    shardKeySecret: env.SHARD_KEY_SECRET ?? '',
  });
  if (!result.success) {
    const issues = result.issues.map((i) => `${v.getDotPath(i) ?? '?'}: ${i.message}`).join('; ');
    throw new Error(`Invalid worker configuration: ${issues}`);
  }
  // The waiting period is all that stands between a swapped SIM and a level-1 account whose
  // old phone is out of reach: in production it gives the citizen at least a day to see the
  // notices and cancel. Shorter waits are for development and tests.
  if (result.output.environment === 'production' && result.output.deviceChangeWaitHours < 24) {
    throw new Error(`Invalid worker configuration: DEVICE_CHANGE_WAIT_HOURS: at least 24 with ENVIRONMENT=production (got ${result.output.deviceChangeWaitHours})`);
  }
  let shards: ShardMap;
  try {
    shards = parseShardMap(env.SHARDS ?? '');
    bindShards(shards, env); // every shard it names must be a D1 binding
  } catch (e) {
    throw new Error(`Invalid worker configuration: SHARDS: ${(e as Error).message}`);
  }
  // The outbox shows SMS codes; it must never be reachable in production.
  const config: Config = {
    shards,
    ...result.output,
    devOutbox: result.output.smsMode === 'outbox' && result.output.environment !== 'production',
    issuer: result.output.origins[0]!.replace(/\/+$/, ''),
    demoPortal: result.output.environment !== 'production',
  };
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
