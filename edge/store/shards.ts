/**
 * The shard router: which D1 database holds a citizen's records — their account and everything
 * keyed by it (passkeys, device keys, sessions, documents, submissions, notifications, single
 * sign-on rows, their side of the audit log) and, locally, their population-registry record —
 * chosen by the leading digits of the 12-digit ID number (the first three are the province
 * code). One D1 database is capped in size (10 GB), so national-scale data is split by ID-number
 * prefix; see README.md, "Scale". Ids and tokens carry the prefix sealed (shard-keys.ts), so a
 * request that names no ID number still reaches its shard without a directory look-up.
 *
 * A shard map is written as comma-separated `from-to=BINDING` ranges of ID-number prefixes,
 * e.g. `000-039=SHARD_0,040-999=SHARD_1`. Both ends of a range have the same number of
 * digits (1–6) and a prefix stands for every longer one (`001` = `001000`–`001999`), so a large
 * province can be split later without moving the others: `001000-001499=A,001500-001999=B`.
 * The ranges must cover every prefix exactly once; a map that does not is refused at start-up.
 */
import { randomBytes } from '../../shared/bytes';
import { ID_RANDOM_BYTES, openShardKey, sealShardKey, TOKEN_RANDOM_BYTES } from './shard-keys';

/** How many leading digits of an ID number the router reads. */
export const SHARD_PREFIX_DIGITS = 6;

export interface ShardRange {
  /** First and last prefix of the range, padded to SHARD_PREFIX_DIGITS digits. */
  readonly from: string;
  readonly to: string;
  /** The D1 binding (wrangler.toml) that holds the range. */
  readonly binding: string;
}

export interface ShardMap {
  /** Sorted by `from`, contiguous, covering 000000–999999. */
  readonly ranges: readonly ShardRange[];
  /** Every binding the map names, in order of first appearance. */
  readonly bindings: readonly string[];
}

const RANGE = /^(\d{1,6})-(\d{1,6})=([A-Z][A-Z0-9_]{0,62})$/;
const LAST = '9'.repeat(SHARD_PREFIX_DIGITS);

/** Parses and checks a shard map; throws an Error that names what is wrong. */
export function parseShardMap(spec: string): ShardMap {
  const parts = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error('shard map is empty');
  const ranges: ShardRange[] = [];
  for (const part of parts) {
    const m = RANGE.exec(part);
    if (!m) throw new Error(`shard map: "${part}" is not "from-to=BINDING" (digits, upper-case binding)`);
    const [, from, to, binding] = m as unknown as [string, string, string, string];
    if (from.length !== to.length) throw new Error(`shard map: "${part}": both ends need the same number of digits`);
    if (from > to) throw new Error(`shard map: "${part}": the range is backwards`);
    ranges.push({
      from: from.padEnd(SHARD_PREFIX_DIGITS, '0'),
      to: to.padEnd(SHARD_PREFIX_DIGITS, '9'),
      binding,
    });
  }
  ranges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  let next = '0'.repeat(SHARD_PREFIX_DIGITS);
  for (const r of ranges) {
    if (r.from !== next) {
      throw new Error(r.from < next ? `shard map: prefix ${r.from} is in two ranges` : `shard map: prefixes ${next}–${pred(r.from)} belong to no shard`);
    }
    next = r.to === LAST ? '' : succ(r.to);
  }
  if (next !== '') throw new Error(`shard map: prefixes ${next}–${LAST} belong to no shard`);
  return { ranges, bindings: [...new Set(ranges.map((r) => r.binding))] };
}

function succ(prefix: string): string {
  return String(Number(prefix) + 1).padStart(SHARD_PREFIX_DIGITS, '0');
}
function pred(prefix: string): string {
  return String(Number(prefix) - 1).padStart(SHARD_PREFIX_DIGITS, '0');
}

/** The binding that holds an ID number. Callers pass validated 12-digit ID numbers. */
export function shardOf(map: ShardMap, idNumber: string): string {
  const prefix = idNumber.slice(0, SHARD_PREFIX_DIGITS);
  if (!/^\d{6}$/.test(prefix)) throw new RangeError('shard router: an ID number starts with six digits');
  // Binary search for the last range whose `from` ≤ prefix; the map covers everything.
  let lo = 0;
  let hi = map.ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map.ranges[mid]!.from <= prefix) lo = mid;
    else hi = mid - 1;
  }
  return map.ranges[lo]!.binding;
}

/** Items grouped by the binding that holds them (seeding, and reads that span shards). */
export function partitionByShard<T>(map: ShardMap, items: Iterable<T>, idNumberOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const binding = shardOf(map, idNumberOf(item));
    const list = out.get(binding);
    if (list) list.push(item);
    else out.set(binding, [item]);
  }
  return out;
}

/**
 * The two kinds of database, told apart by the type checker: a store function that reads an
 * account's rows takes a `ShardDb`, one that reads the global tables a `MainDb`, and passing the
 * wrong one does not compile. At run time both are plain D1 bindings.
 */
export type ShardDb = D1Database & { readonly __database: 'shard' };
/** The one global database (binding DB): officers, portals, challenges, rate limits, the directory (README.md, "Scale"). */
export type MainDb = D1Database & { readonly __database: 'main' };

/** A shard map with its databases: what the store reads through. */
export interface Shards {
  readonly map: ShardMap;
  /** The database that holds this ID number. */
  dbFor(idNumber: string): ShardDb;
  /** The database behind a binding the map names. */
  db(binding: string): ShardDb;
  /** Every shard, in the map's order of bindings: for work that spans them (inboxes, the cron, the status list). */
  readonly all: ReadonlyArray<{ readonly binding: string; readonly db: ShardDb }>;
}

/** Binds a map to the worker's D1 bindings; throws if the map names one the worker lacks. */
export function bindShards(map: ShardMap, env: object): Shards {
  const dbs = new Map<string, ShardDb>();
  for (const binding of map.bindings) {
    const db = (env as Record<string, unknown>)[binding];
    if (!db || typeof (db as D1Database).prepare !== 'function') {
      throw new Error(`shard map names ${binding}, which is not a D1 binding of this worker (wrangler.toml [[d1_databases]])`);
    }
    dbs.set(binding, db as ShardDb);
  }
  return {
    map,
    dbFor: (idNumber) => dbs.get(shardOf(map, idNumber))!,
    db: (binding) => {
      const db = dbs.get(binding);
      if (!db) throw new Error(`shard router: no shard ${binding}`);
      return db;
    },
    all: [...dbs].map(([binding, db]) => ({ binding, db })),
  };
}

/** The shard router with routing keys (store/shard-keys.ts): what the domain reaches accounts through. */
export interface AccountShards extends Shards {
  /** The shard a routing key names (an account id, a session token, an OAuth code or token, a flow's or submission's id); null when it names none. */
  dbForKey(key: string): Promise<ShardDb | null>;
  /** A new id (24 characters) carrying the shard key of this ID number. */
  newId(idNumber: string): Promise<string>;
  /** A new secret token (48 characters, 264 random bits) carrying the shard key of this ID number. */
  newToken(idNumber: string): Promise<string>;
}

/** Adds routing keys sealed with `secret` (SHARD_KEY_SECRET) to a router. */
export function withShardKeys(shards: Shards, secret: string): AccountShards {
  return {
    ...shards,
    dbForKey: async (key) => {
      const prefix = await openShardKey(secret, key);
      return prefix === null ? null : shards.dbFor(prefix);
    },
    newId: (idNumber) => sealShardKey(secret, idNumber, randomBytes(ID_RANDOM_BYTES)),
    newToken: (idNumber) => sealShardKey(secret, idNumber, randomBytes(TOKEN_RANDOM_BYTES)),
  };
}
