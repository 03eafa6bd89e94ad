import type { Config } from '../config';
import type { PopulationRegistry } from '../registries/population';
import type { SectoralRegistries } from '../registries/sectoral';
import type { MailSender } from '../registries/mail';
import type { SmsSender } from '../registries/sms';
import type { AccountShards, MainDb } from '../store/shards';

/**
 * What a domain operation needs from the world, passed in by the route so the rules can
 * be tested with any clock: storage, configuration, outside services, and the time.
 */
export interface Deps {
  /** The global database (officers, portals, challenges, rate limits, the directory…). */
  db: MainDb;
  /**
   * The account shards: a citizen's account and everything keyed by it, found by ID number or
   * by the routing key in an id or token (store/shards.ts, store/shard-keys.ts).
   */
  shards: AccountShards;
  config: Config;
  sms: SmsSender;
  /** Notices by e-mail (never codes). */
  mail: MailSender;
  /** The national population registry. */
  registry: PopulationRegistry;
  /** Transport, insurance and health registries. */
  sectoral: SectoralRegistries;
  /** Milliseconds since the epoch, fixed for the request. */
  now: number;
}
