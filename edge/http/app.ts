/** The Hono types and per-request context shared by every route. */
import { Hono, type Context } from 'hono';
import { getConfig } from '../config';
import type { Deps } from '../domain/deps';
import type { Env } from '../env';
import { syntheticPopulationRegistry } from '../registries/synthetic-registry';
import { syntheticSectoralRegistries } from '../registries/sectoral';
import { outboxSmsSender, unconfiguredSmsGateway } from '../registries/sms';
import type { Account } from '../store/accounts';
import type { Session } from '../store/sessions';

export interface Variables {
  requestId: string;
  session?: { session: Session; account: Account; token: string };
}

export type AppEnv = { Bindings: Env; Variables: Variables };
export type AppContext = Context<AppEnv>;

export function createRouter() {
  return new Hono<AppEnv>();
}

/** What the domain needs for this request: storage, config, outside services, the time. */
export function depsFor(c: AppContext): Deps {
  const config = getConfig(c.env);
  const now = Date.now();
  return {
    db: c.env.DB,
    config,
    sms: config.smsMode === 'outbox' ? outboxSmsSender(c.env.DB) : unconfiguredSmsGateway,
    registry: syntheticPopulationRegistry(c.env.DB),
    sectoral: syntheticSectoralRegistries(() => new Date(now).toISOString().slice(0, 10)),
    now,
  };
}

/** The caller's address, for rate limits (Cloudflare sets CF-Connecting-IP; locally it is absent). */
export function clientKey(c: AppContext): string {
  return c.req.header('cf-connecting-ip') ?? 'local';
}
