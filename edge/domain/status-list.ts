/**
 * The published status list: 2 bits per issued document (valid, revoked, suspended), signed
 * by the issuer. It is built from the documents that are not valid (a partial index) and kept
 * per isolate until a status changes, so serving it costs one small counter read per request:
 * the non-valid rows, which grow with every re-issue, are read only when the list is rebuilt.
 */
import { createStatusBits, setStatus, signStatusList, type StatusValue } from '../../shared/credential';
import { readNonValidStatuses, readStatusCounters } from '../store/documents';
import type { Deps } from './deps';
import { activeIssuerKey } from './issuer';

/** The list covers indices ahead of those allocated, in blocks, so new documents are covered at once. */
const BLOCK = 1 << 16;
/** A verifier should fetch a new list after this long (seconds); the list is refused after `exp`. */
export const STATUS_LIST_TTL_S = 300;
const STATUS_LIST_LIFETIME_MS = 24 * 60 * 60_000;
/** Rebuild at least this often, so `iat` stays recent for verifiers that check age. */
const REBUILD_AFTER_MS = (STATUS_LIST_TTL_S * 1000) / 2;

let cached: { version: number; size: number; kid: string; builtAt: number; bytes: Uint8Array<ArrayBuffer> } | null = null;

export async function currentStatusList(deps: Deps, uri: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; builtAt: number }> {
  const [state, key] = await Promise.all([readStatusCounters(deps.db), activeIssuerKey(deps.config, deps.now)]);
  const size = Math.ceil((state.size + 1) / BLOCK) * BLOCK;
  // Keyed by the signing kid too: after a rotation or a compromise the list signed by the old
  // key must not be served a minute longer.
  if (cached && cached.version === state.version && cached.size === size && cached.kid === key.kid && deps.now - cached.builtAt < REBUILD_AFTER_MS) {
    return cached;
  }
  // Read after the counters: the rows are at least as new as `state.version`, so a change made
  // in between is in this list or makes the next request rebuild.
  const entries = await readNonValidStatuses(deps.db);
  const bits = createStatusBits(size);
  for (const e of entries) if (e.index < size) setStatus(bits, e.index, e.status as StatusValue);
  const bytes = await signStatusList({
    issuerKey: key.privateKey,
    kid: key.kid,
    issuer: deps.config.issuerCode,
    uri,
    iat: deps.now,
    exp: deps.now + STATUS_LIST_LIFETIME_MS,
    ttl: STATUS_LIST_TTL_S,
    bits,
  });
  cached = { version: state.version, size, kid: key.kid, builtAt: deps.now, bytes };
  return cached;
}
