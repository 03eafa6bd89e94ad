/**
 * The verifier's offline data and its check. The trust list and the status list are
 * downloaded when online, checked, and kept in IndexedDB exactly as received; every check
 * re-verifies them at the current time, so a list that has aged past its limits stops
 * counting by itself (the status list past its `exp` or its maximum age → `status_unavailable`;
 * the trust list past its maximum age → nothing trusted, `unknown_issuer`).
 */
import { API } from '../../shared/paths';
import { fromUtf8 } from '../../shared/bytes';
import { checkCodeNonce, parseTrustList, verifyPresentation, verifyStatusList, type PresentationResult, type StatusList, type TrustList } from '../../shared/credential';
import { readVerifierList, writeVerifierList, type StoredVerifierList } from './wallet-store';

/** How old (since it was issued) a status list may be before a check refuses: FORMAT.md §11, 24 h. */
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
/** Used when the list gives no ttl: refetch after this long. */
const DEFAULT_TTL_S = 300;

export interface VerifierLists {
  trust: TrustList | null;
  trustFetchedAt: number | null;
  status: StatusList | null;
  statusFetchedAt: number | null;
}

/** How current a list is: within its ttl, past it (warn), past the maximum age (refuse), or missing. */
export type StatusFreshness = 'fresh' | 'old' | 'too_old' | 'missing';
export type TrustFreshness = StatusFreshness;

export interface ListStore {
  read(name: 'trust-list' | 'status-list'): Promise<StoredVerifierList | null>;
  write(name: 'trust-list' | 'status-list', list: StoredVerifierList): Promise<void>;
}

const idbStore: ListStore = { read: readVerifierList, write: writeVerifierList };

async function trustFrom(body: Uint8Array): Promise<TrustList | null> {
  try {
    return await parseTrustList(JSON.parse(fromUtf8(body)));
  } catch {
    return null;
  }
}

/** The lists kept on this device, checked at `now` (a status list that no longer verifies is dropped). */
export async function loadLists(now: number, store: ListStore = idbStore): Promise<VerifierLists> {
  const [trustStored, statusStored] = await Promise.all([store.read('trust-list'), store.read('status-list')]);
  const trust = trustStored ? await trustFrom(trustStored.body) : null;
  let status: StatusList | null = null;
  if (trust && statusStored) {
    const verified = await verifyStatusList(statusStored.body, trust, now);
    if (verified.ok) status = verified.list;
  }
  return {
    trust,
    trustFetchedAt: trust ? (trustStored?.fetchedAt ?? null) : null,
    status,
    statusFetchedAt: status ? (statusStored?.fetchedAt ?? null) : null,
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
 * Downloads both lists, keeps each only if it checks out (the trust list parses, the status
 * list verifies against it now). True when both were refreshed.
 */
export async function refreshLists(now: number, fetchFn: typeof fetch = fetch, store: ListStore = idbStore): Promise<boolean> {
  const [trustBody, statusBody] = await Promise.all([download(API.trustList, fetchFn), download(API.statusList, fetchFn)]);
  const trust = trustBody ? await trustFrom(trustBody) : null;
  if (trust && trustBody) await store.write('trust-list', { body: trustBody, fetchedAt: now });
  const against = trust ?? (await loadLists(now, store)).trust;
  if (!against || !statusBody) return false;
  const verified = await verifyStatusList(statusBody, against, now);
  if (!verified.ok) return false;
  await store.write('status-list', { body: statusBody, fetchedAt: now });
  return trust !== null;
}

export function statusFreshness(status: StatusList | null, now: number): StatusFreshness {
  if (!status) return 'missing';
  const age = now - status.issuedAt;
  if (age > STATUS_MAX_AGE_S * 1000) return 'too_old';
  if (age > (status.ttl ?? DEFAULT_TTL_S) * 1000) return 'old';
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

/** The status list's refetch interval (its ttl), ms. */
export function statusTtlMs(status: StatusList | null): number {
  return (status?.ttl ?? DEFAULT_TTL_S) * 1000;
}

/**
 * Verifies QR text offline against the kept lists. Without a trust list, or with one past its
 * maximum age, nothing is trusted: `unknown_issuer`. With `checkCode` (the six digits this
 * verifier showed, FORMAT.md §5.1) the presentation must carry it: `nonce_mismatch` otherwise.
 */
export async function checkQrText(text: string, lists: VerifierLists, now: number, checkCode?: string): Promise<PresentationResult> {
  // A space is a Base45 character: only line breaks from a paste are dropped at the end.
  return verifyPresentation(text.replace(/^\s+|[\r\n\t]+$/g, ''), {
    trust: trustFreshness(lists, now) === 'too_old' ? { keys: [] } : (lists.trust ?? { keys: [] }),
    status: lists.status,
    now,
    freshnessSeconds: FRESHNESS_S,
    statusMaxAgeSeconds: STATUS_MAX_AGE_S,
    ...(checkCode ? { nonce: checkCodeNonce(checkCode) } : {}),
  });
}
