/**
 * The verifier's offline data and its check. The trust list and the status list's parts are
 * downloaded when online, checked, and kept in IndexedDB exactly as received; every check
 * re-verifies them at the current time, so a list that has aged past its limits stops
 * counting by itself (a part past its `exp` or its maximum age → `status_unavailable`; the
 * trust list past its maximum age → nothing trusted, `unknown_issuer`). A refresh reads the
 * status list's manifest first and downloads only the parts whose version it does not hold
 * (FORMAT.md §9.3).
 */
import { API } from '../../shared/paths';
import { bytesEqual } from '../../shared/credential/cbor';
import { fromUtf8 } from '../../shared/bytes';
import {
  checkCodeNonce,
  parseStatusListManifest,
  parseTrustList,
  recheckStatusList,
  statusListsOf,
  verifyPresentation,
  verifyStatusList,
  type PresentationResult,
  type StatusList,
  type StatusListManifest,
  type StatusLists,
  type TrustList,
} from '../../shared/credential';
import { readStatusParts, readTrustList, writeStatusPart, writeTrustList, type StoredStatusPart, type StoredVerifierList } from './wallet-store';

/** How old (since it was issued) a status list part may be before a check refuses: FORMAT.md §11, 24 h. */
export const STATUS_MAX_AGE_S = 86_400;
/**
 * The trust list's age limits (FORMAT.md §10): a key the issuer removed as compromised stays
 * trusted on this device until the list is refreshed, so past a day the screen says to refresh
 * and past a week the list is not used at all.
 */
export const TRUST_WARN_AGE_S = 86_400;
export const TRUST_MAX_AGE_S = 7 * 86_400;
/** A presentation's freshness window (FORMAT.md §11): a code older than this is stale. */
export const FRESHNESS_S = 120;
/** Used when a part gives no ttl: refetch after this long. */
const DEFAULT_TTL_S = 300;
/** Parts downloaded at once on a refresh (all of them on first use). */
const PARALLEL_DOWNLOADS = 4;

/** A kept part that verifies now, and since when it is known current. */
export interface KeptPart {
  list: StatusList;
  stored: StoredStatusPart;
  /**
   * When its entries were last known current: its `iat`, or later, when the issuer's manifest
   * confirmed it still had that version (FORMAT.md §9.3).
   */
  asOf: number;
}

export interface VerifierLists {
  trust: TrustList | null;
  trustFetchedAt: number | null;
  /** The kept parts that verify now, as verifyPresentation takes them. */
  status: StatusLists;
  parts: KeptPart[];
}

/** How current a list is: within its ttl, past it (warn), past the maximum age (refuse), or missing. */
export type StatusFreshness = 'fresh' | 'old' | 'too_old' | 'missing';
export type TrustFreshness = StatusFreshness;

export interface ListStore {
  readTrust(): Promise<StoredVerifierList | null>;
  writeTrust(list: StoredVerifierList): Promise<void>;
  /** The kept parts by part number. */
  readParts(): Promise<Map<number, StoredStatusPart>>;
  writePart(part: number, stored: StoredStatusPart): Promise<void>;
}

const idbStore: ListStore = { readTrust: readTrustList, writeTrust: writeTrustList, readParts: readStatusParts, writePart: writeStatusPart };

async function trustFrom(body: Uint8Array): Promise<TrustList | null> {
  try {
    return await parseTrustList(JSON.parse(fromUtf8(body)));
  } catch {
    return null;
  }
}

function manifestFrom(body: Uint8Array): StatusListManifest | null {
  try {
    return parseStatusListManifest(JSON.parse(fromUtf8(body)));
  } catch {
    return null;
  }
}

/**
 * Parts verified before, by part number, with their exact bytes. Every check reads the kept parts
 * again at its own time: with a country's worth of parts (≈ 190, 4–5 ms each to verify and
 * inflate) that would cost most of a second a check, so the same bytes are only checked again
 * for what time and the trust list can change (`recheckStatusList`).
 */
const verifiedParts = new Map<number, { body: Uint8Array; list: StatusList }>();

async function verifyPart(part: number, body: Uint8Array<ArrayBuffer>, trust: TrustList, now: number): Promise<StatusList | null> {
  const seen = verifiedParts.get(part);
  if (seen && bytesEqual(seen.body, body)) return recheckStatusList(seen.list, trust, now) ? null : seen.list;
  const verified = await verifyStatusList(body, trust, now);
  if (!verified.ok || verified.list.part !== part) return null;
  verifiedParts.set(part, { body: body.slice(), list: verified.list });
  return verified.list;
}

/** The kept parts that verify against `trust` at `now` (one kept under another number than its own is dropped). */
async function verifyKept(stored: Map<number, StoredStatusPart>, trust: TrustList, now: number): Promise<KeptPart[]> {
  const checked = await Promise.all(
    [...stored].map(async ([part, kept]) => {
      const list = await verifyPart(part, kept.body, trust, now);
      return list ? { list, stored: kept, asOf: Math.max(list.issuedAt, kept.confirmedAt ?? 0) } : null;
    }),
  );
  return checked.filter((k) => k !== null);
}

/** The lists kept on this device, checked at `now` (a part that no longer verifies is left out). */
export async function loadLists(now: number, store: ListStore = idbStore): Promise<VerifierLists> {
  const [trustStored, partsStored] = await Promise.all([store.readTrust(), store.readParts()]);
  const trust = trustStored ? await trustFrom(trustStored.body) : null;
  const parts = trust ? await verifyKept(partsStored, trust, now) : [];
  return {
    trust,
    trustFetchedAt: trust ? (trustStored?.fetchedAt ?? null) : null,
    status: statusListsOf(parts.map((p) => p.list)),
    parts,
  };
}

async function download(url: string, fetchFn: typeof fetch): Promise<Uint8Array<ArrayBuffer> | null> {
  try {
    // no-cache: revalidate with the edge, never take the HTTP cache's copy on trust.
    const res = await fetchFn(url, { cache: 'no-cache', credentials: 'omit', signal: AbortSignal.timeout(20_000) });
    return res.ok ? new Uint8Array(await res.arrayBuffer()) : null;
  } catch {
    return null;
  }
}

/**
 * Whether a kept part should be downloaded again although its version is current: past half
 * its life (the earlier of its exp and the maximum age), so that a verifier online now and then
 * never reaches the hard limit with parts that did not change.
 */
function dueForRenewal(list: StatusList, now: number): boolean {
  const end = Math.min(list.expiresAt ?? Infinity, list.issuedAt + STATUS_MAX_AGE_S * 1000);
  return now - list.issuedAt > (end - list.issuedAt) / 2;
}

/**
 * Brings the kept parts up to the manifest: a part whose token carries the manifest's version
 * (or a later one) is kept and marked current as of the manifest; any other is downloaded, and
 * kept only if it verifies, is the part it is listed as, and is not older than the one kept (a
 * tampered or stale copy leaves the old one in place). True when every part is current.
 */
async function refreshParts(manifest: StatusListManifest, trust: TrustList, now: number, fetchFn: typeof fetch, store: ListStore): Promise<boolean> {
  // A cached manifest is as old as it was made.
  const confirmedAt = Math.min(now, manifest.updatedAt);
  const kept = new Map((await verifyKept(await store.readParts(), trust, now)).map((k) => [k.list.part, k]));
  let allCurrent = true;
  const refreshOne = async (entry: StatusListManifest['parts'][number]) => {
    const have = kept.get(entry.part);
    if (have && have.list.issuer === manifest.issuer && (have.list.version ?? -1) >= entry.version && !dueForRenewal(have.list, now)) {
      if ((have.stored.confirmedAt ?? 0) < confirmedAt) await store.writePart(entry.part, { ...have.stored, confirmedAt });
      return;
    }
    // This app talks to its own origin only (CSP connect-src 'self'): the part is fetched by its path.
    const body = await download(new URL(entry.url).pathname, fetchFn);
    const list = body ? await verifyPart(entry.part, body, trust, now) : null;
    if (!body || !list || list.issuer !== manifest.issuer || (have && list.issuedAt < have.list.issuedAt)) {
      allCurrent = false;
      return;
    }
    // A copy older than the manifest says (a cache in between) is kept, but not as current.
    const current = (list.version ?? -1) >= entry.version;
    if (!current) allCurrent = false;
    await store.writePart(entry.part, { body, fetchedAt: now, confirmedAt: current ? confirmedAt : null });
  };
  const queue = [...manifest.parts];
  await Promise.all(
    Array.from({ length: PARALLEL_DOWNLOADS }, async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) await refreshOne(entry);
    }),
  );
  return allCurrent;
}

/**
 * Downloads the trust list and the status list's manifest, then the parts that changed; keeps
 * each only if it checks out (the trust list parses, a part verifies against it now). True
 * when the trust list and every part were refreshed.
 */
export async function refreshLists(now: number, fetchFn: typeof fetch = fetch, store: ListStore = idbStore): Promise<boolean> {
  const [trustBody, manifestBody] = await Promise.all([download(API.trustList, fetchFn), download(API.statusLists, fetchFn)]);
  const trust = trustBody ? await trustFrom(trustBody) : null;
  if (trust && trustBody) await store.writeTrust({ body: trustBody, fetchedAt: now });
  const keptTrust = trust ? null : await store.readTrust();
  const against = trust ?? (keptTrust ? await trustFrom(keptTrust.body) : null);
  const manifest = manifestBody ? manifestFrom(manifestBody) : null;
  if (!against || !manifest) return false;
  const partsCurrent = await refreshParts(manifest, against, now, fetchFn, store);
  return trust !== null && partsCurrent;
}

/** The earliest moment the kept parts are all known current (the oldest part's); null without parts. */
export function statusAsOf(lists: VerifierLists | null): number | null {
  if (!lists || lists.parts.length === 0) return null;
  return Math.min(...lists.parts.map((p) => p.asOf));
}

/**
 * The status freshness of the kept parts, that of the oldest: too old when one was issued
 * more than the maximum age ago, old when one has not been known current for its ttl.
 */
export function statusFreshness(lists: VerifierLists | null, now: number): StatusFreshness {
  const asOf = statusAsOf(lists);
  if (asOf === null) return 'missing';
  if (lists!.parts.some((p) => now - p.list.issuedAt > STATUS_MAX_AGE_S * 1000)) return 'too_old';
  if (now - asOf > statusTtlMs(lists)) return 'old';
  return 'fresh';
}

/**
 * When the kept trust list was current: the earlier of its download and the publisher's
 * `updatedAt` (a copy that sat in a cache is as old as it was made); a list with neither is
 * taken as ancient. Null without a list.
 */
export function trustListAsOf(lists: VerifierLists): number | null {
  if (!lists.trust) return null;
  const asOf = Math.min(lists.trustFetchedAt ?? Infinity, lists.trust.updatedAt ?? Infinity);
  return Number.isFinite(asOf) ? asOf : 0;
}

export function trustFreshness(lists: VerifierLists | null, now: number): TrustFreshness {
  const asOf = lists ? trustListAsOf(lists) : null;
  if (asOf === null) return 'missing';
  const age = now - asOf;
  if (age > TRUST_MAX_AGE_S * 1000) return 'too_old';
  if (age > TRUST_WARN_AGE_S * 1000) return 'old';
  return 'fresh';
}

/** The status list's refetch interval (the shortest ttl of the kept parts), ms. */
export function statusTtlMs(lists: VerifierLists | null): number {
  const ttls = (lists?.parts ?? []).map((p) => p.list.ttl ?? DEFAULT_TTL_S);
  return (ttls.length ? Math.min(...ttls) : DEFAULT_TTL_S) * 1000;
}

/**
 * Verifies QR text offline against the kept lists. Without a trust list, or with one past its
 * maximum age, nothing is trusted: `unknown_issuer`; with a part past its maximum age, no part
 * counts (the screen says the status list is too old): `status_unavailable`. With `checkCode` (the six digits this
 * verifier showed, FORMAT.md §5.1) the presentation must carry it: `nonce_mismatch` otherwise.
 */
export async function checkQrText(text: string, lists: VerifierLists, now: number, checkCode?: string): Promise<PresentationResult> {
  // A space is a Base45 character: only line breaks from a paste are dropped at the end.
  return verifyPresentation(text.replace(/^\s+|[\r\n\t]+$/g, ''), {
    trust: trustFreshness(lists, now) === 'too_old' ? { keys: [] } : (lists.trust ?? { keys: [] }),
    status: statusFreshness(lists, now) === 'too_old' ? null : lists.status,
    now,
    freshnessSeconds: FRESHNESS_S,
    statusMaxAgeSeconds: STATUS_MAX_AGE_S,
    ...(checkCode ? { nonce: checkCodeNonce(checkCode) } : {}),
  });
}
