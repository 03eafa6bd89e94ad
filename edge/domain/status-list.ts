/**
 * The published status list: 2 bits per issued document (valid, revoked, suspended), signed by
 * the issuer, in parts of 2^20 indices (FORMAT.md §9), listed by a small manifest. A part is built
 * from its own documents that are not valid (a partial index, read by range) and kept per isolate
 * until a status in it changes, so serving it costs one small read per request; a status change
 * rebuilds only the parts it touched, and a verifier downloads only those.
 *
 * Across shards: documents live on their account's shard, but status indices come from one
 * counter in the main database, in the order documents are issued (an index tells a verifier
 * nothing about where the holder was registered or born, as a range per shard would), and every
 * part's version is there too. So the manifest and a cached part still cost one small read of
 * the main database; a rebuild reads the part's range on every shard, in parallel, each through
 * its partial index: together, that part's non-valid rows. A status change marks its parts on its
 * shard in its own transaction and bumps their versions right after (publishStatusChanges).
 */
import { createStatusBits, PART_SIZE, setStatus, signStatusList, type StatusListManifest, type StatusValue } from '../../shared/credential';
import { bumpStatusPartsStatement, clearPendingStatusPartsStatement, listPendingStatusParts, readNonValidStatuses, readStatusPart, readStatusParts } from '../store/documents';
import type { ShardDb } from '../store/shards';
import type { Deps } from './deps';
import { activeIssuerKey } from './issuer';

/** Indices covered ahead of those allocated, so documents issued after a verifier refreshed are covered at once. */
const AHEAD = 1 << 16;
/** A verifier should fetch the manifest again after this long (seconds); a part is refused after `exp`. */
export const STATUS_LIST_TTL_S = 300;
const STATUS_LIST_LIFETIME_MS = 24 * 60 * 60_000;
/** Rebuild at least this often, so `iat` stays recent for verifiers that check age. */
const REBUILD_AFTER_MS = (STATUS_LIST_TTL_S * 1000) / 2;

/** The last part that exists: parts 0 … this one cover every allocated index and AHEAD more. */
export function lastStatusPart(allocated: number): number {
  return Math.floor((allocated + AHEAD - 1) / PART_SIZE);
}

/**
 * What a verifier reads first: every part with its URL and version. The parts run from 0 (one
 * counter allocates every shard's indices); the format would let the list be sparse.
 */
export async function statusListManifest(deps: Deps, partUrl: (part: number) => string): Promise<StatusListManifest> {
  const { allocated, versions } = await readStatusParts(deps.db);
  const parts = [];
  for (let part = 0; part <= lastStatusPart(allocated); part++) parts.push({ part, url: partUrl(part), version: versions.get(part) ?? 0 });
  return { issuer: deps.config.issuerCode, partSize: PART_SIZE, updatedAt: deps.now, parts };
}

interface BuiltPart {
  version: number;
  kid: string;
  builtAt: number;
  bytes: Uint8Array<ArrayBuffer>;
}

const cached = new Map<number, BuiltPart>();

/** Part `part`'s signed token, or null when no such part exists yet. `uri` is its `sub`. */
export async function currentStatusPart(deps: Deps, part: number, uri: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; builtAt: number } | null> {
  const [state, key] = await Promise.all([readStatusPart(deps.db, part), activeIssuerKey(deps.config, deps.now)]);
  if (part > lastStatusPart(state.allocated)) return null;
  const kept = cached.get(part);
  // Keyed by the signing kid too: after a rotation or a compromise a part signed by the old key
  // must not be served a minute longer.
  if (kept && kept.version === state.version && kept.kid === key.kid && deps.now - kept.builtAt < REBUILD_AFTER_MS) return kept;
  // Read after the version: the rows are at least as new as `state.version`, so a change made in
  // between is in this part or makes the next request rebuild it. Every part is a full 2^20
  // entries (a part of valid entries compresses to a few hundred bytes), so its size never moves
  // under a verifier that keeps it while its version stays.
  const from = part * PART_SIZE;
  const entries = (await Promise.all(deps.shards.all.map(({ db }) => readNonValidStatuses(db, from, from + PART_SIZE)))).flat();
  const bits = createStatusBits(PART_SIZE);
  for (const e of entries) setStatus(bits, e.index - from, e.status as StatusValue);
  const bytes = await signStatusList({
    issuerKey: key.privateKey,
    kid: key.kid,
    issuer: deps.config.issuerCode,
    uri,
    iat: deps.now,
    exp: deps.now + STATUS_LIST_LIFETIME_MS,
    ttl: STATUS_LIST_TTL_S,
    part,
    version: state.version,
    bits,
  });
  const built = { version: state.version, kid: key.kid, builtAt: deps.now, bytes };
  cached.set(part, built);
  return built;
}

/**
 * After a status change committed on a shard: the versions of the parts it marked move (main
 * database), then the marks go — each only if no change marked its part again meanwhile. A worker
 * that stops before this leaves the marks; housekeeping publishes those older than `before`.
 * Returns how many parts were bumped.
 */
export async function publishStatusChanges(deps: Pick<Deps, 'db'>, db: ShardDb, before?: number): Promise<number> {
  const marks = await listPendingStatusParts(db, before);
  if (marks.length === 0) return 0;
  await bumpStatusPartsStatement(deps.db, [...new Set(marks.map((m) => m.part))]).run();
  await clearPendingStatusPartsStatement(db, marks).run();
  return marks.length;
}
