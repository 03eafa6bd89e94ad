import type { Config } from '../config';
import type { PopulationRegistry } from '../registries/population';
import type { SectoralRegistries } from '../registries/sectoral';
import type { MailSender } from '../registries/mail';
import type { SmsSender } from '../registries/sms';

/**
 * What a domain operation needs from the world, passed in by the route so the rules can
 * be tested with any clock: storage, configuration, outside services, and the time.
 */
export interface Deps {
  db: D1Database;
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
