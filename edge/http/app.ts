/** The Hono types and per-request context shared by every route. */
import { Hono, type Context } from 'hono';
import { getConfig } from '../config';
import type { Deps } from '../domain/deps';
import type { Env } from '../env';
import { syntheticPopulationRegistry } from '../registries/synthetic-registry';
import { syntheticSectoralRegistries } from '../registries/sectoral';
import { outboxMailSender, unconfiguredMailGateway } from '../registries/mail';
import { outboxSmsSender, unconfiguredSmsGateway } from '../registries/sms';
import type { Account } from '../store/accounts';
import type { Officer } from '../store/officers';
import type { Session } from '../store/sessions';
import { bindShards, withShardKeys, type AccountShards, type MainDb } from '../store/shards';

export interface Variables {
  requestId: string;
  session?: { session: Session; account: Account; token: string };
  /** Set by `requireOfficer` (http/officer-session.ts). */
  officer?: { officer: Officer; token: string };
}

export type AppEnv = { Bindings: Env; Variables: Variables };
export type AppContext = Context<AppEnv>;

export function createRouter() {
  return new Hono<AppEnv>();
}

/** What the domain needs for this request: storage, config, outside services, the time. */
export function depsFor(c: AppContext): Deps {
  return depsFromEnv(c.env, Date.now());
}

/** The same, outside a request (the scheduled handler), at a given time. */
export function depsFromEnv(env: Env, now: number): Deps {
  const config = getConfig(env);
  const shards = shardRouter(env, config);
  return {
    db: mainDb(env),
    shards,
    config,
    sms: config.smsMode === 'outbox' ? outboxSmsSender(mainDb(env)) : unconfiguredSmsGateway,
    mail: config.smsMode === 'outbox' ? outboxMailSender(mainDb(env)) : unconfiguredMailGateway,
    registry: syntheticPopulationRegistry(shards),
    sectoral: syntheticSectoralRegistries(() => new Date(now).toISOString().slice(0, 10)),
    now,
  };
}

/** The global database of an environment. */
export function mainDb(env: Env): MainDb {
  return env.DB as MainDb;
}

const shardsCache = new WeakMap<object, AccountShards>();

/**
 * The shard router over this worker's D1 bindings (accounts and the synthetic registry), with
 * its routing keys, made once per environment.
 */
export function shardRouter(env: Env, config = getConfig(env)): AccountShards {
  let shards = shardsCache.get(env);
  if (!shards) {
    shards = withShardKeys(bindShards(config.shards, env), config.shardKeySecret);
    shardsCache.set(env, shards);
  }
  return shards;
}

/** The caller's address, for rate limits (Cloudflare sets CF-Connecting-IP; locally it is absent). */
export function clientKey(c: AppContext): string {
  return c.req.header('cf-connecting-ip') ?? 'local';
}
