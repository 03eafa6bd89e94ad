/**
 * The status list (draft-ietf-oauth-status-list, CWT form): 2 bits per document
 * (0 valid, 1 revoked, 2 suspended), DEFLATE/zlib-compressed, signed by the issuer as a CWT.
 * An issuer's list is published in parts of 2^20 entries, each its own token, listed by a small
 * JSON manifest (FORMAT.md §9): a verifier downloads the parts when online (only those that
 * changed) and checks presentations against them offline.
 *
 *   protected = {1: -7, 4: kid, 16: "application/statuslist+cwt"}
 *   payload   = {1: iss, 2: sub (URI), 6: iat, ?4: exp, ?65534: ttl, 65533: {"bits": 2, "lst": zlib(bits)},
 *                ?-65538: part (absent: 0), ?-65539: version}
 */
import { fromBase64Url, toBase64Url } from '../bytes';
import { asBytes, asMap, asUint, decodeCbor, encodeCbor } from './cbor';
import { CWT_CLAIM } from './claims';
import { decodeCoseSign1, signCoseSign1, verifyCoseSign1 } from './cose-sign1';
import { deflate, inflate } from './deflate';
import { findTrustKeys, importTrustKey, isTrustedAt, KID_LENGTH, mayHaveIssuedAt } from './trust-list';
import type { TrustKey, TrustList } from './trust-list';

/** The `typ` of a Status List Token in CWT form (draft-ietf-oauth-status-list §5.2). */
export const STATUS_LIST_TYP = 'application/statuslist+cwt';
/** Bits per entry. */
export const STATUS_BITS = 2;
/**
 * Entries per part: part n covers indices n·2^20 … n·2^20 + 2^20 − 1, so a credential's entry is in
 * part ⌊statusIndex / 2^20⌋ at offset statusIndex mod 2^20. A part's array is at most 256 KiB.
 */
export const PART_SIZE = 2 ** 20;
/** The largest inflated array a part may have (PART_SIZE entries, 4 a byte). */
const PART_BYTES = PART_SIZE / 4;

/** Status values (draft §7.1): 0x00 VALID, 0x01 INVALID (revoked), 0x02 SUSPENDED; 0x03 is reserved. */
export const STATUS = { valid: 0, revoked: 1, suspended: 2 } as const;
export type StatusValue = 0 | 1 | 2 | 3;

declare const verified: unique symbol;

/** A status list whose signature, issuer key and time were checked by {@link verifyStatusList}. */
export interface StatusList {
  readonly [verified]: true;
  readonly issuer: string;
  /** `sub`: the URI the list is published at. */
  readonly uri: string;
  readonly kid: string;
  /** Which part of the issuer's list this is (0 when the token does not say). */
  readonly part: number;
  /** The part's version the token was built at; null when the token does not say. */
  readonly version: number | null;
  /** ms since the epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number | null;
  /** Seconds a verifier may cache the list before fetching it again (a hint). */
  readonly ttl: number | null;
  /** Number of entries (4 per byte), at most PART_SIZE. */
  readonly size: number;
  /** The packed bit array. */
  readonly bits: Uint8Array;
}

/** A packed 2-bit status array with room for `size` entries, all valid. */
export function createStatusBits(size: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size: expected a uint');
  return new Uint8Array(Math.ceil(size / 4));
}

/** Packs one status per element (0–3) into the 2-bit array. */
export function packStatuses(statuses: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const bits = createStatusBits(statuses.length);
  for (let i = 0; i < statuses.length; i++) setStatus(bits, i, statuses[i] as StatusValue);
  return bits;
}

/**
 * Sets entry `index` of a packed array. Draft §4.1: entry i lives in byte ⌊i/4⌋ at bit
 * offset 2·(i mod 4), counting from the least significant bit.
 */
export function setStatus(bits: Uint8Array, index: number, status: StatusValue): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= bits.length * 4) throw new RangeError('index out of range');
  if (status !== 0 && status !== 1 && status !== 2 && status !== 3) throw new RangeError('status: expected 0–3');
  const byte = index >> 2;
  const shift = (index & 3) * 2;
  bits[byte] = (bits[byte]! & ~(3 << shift)) | (status << shift);
}

/** The part holding status index `index`, and the entry's offset in it (FORMAT.md §9.1). */
export function statusPartOf(index: number): { part: number; offset: number } {
  // Division, not a shift: indices go up to 2^53, beyond 32-bit shifts.
  const part = Math.floor(index / PART_SIZE);
  return { part, offset: index - part * PART_SIZE };
}

/**
 * Entry `index` of a verified list or a packed array; null when out of range. For a part,
 * `index` is the offset in the part (see {@link statusPartOf}).
 */
export function getStatus(list: StatusList | Uint8Array, index: number): StatusValue | null {
  const bits = list instanceof Uint8Array ? list : list.bits;
  if (!Number.isSafeInteger(index) || index < 0 || index >= bits.length * 4) return null;
  return ((bits[index >> 2]! >> ((index & 3) * 2)) & 3) as StatusValue;
}

/** The `status_list` claim value: `{"bits": 2, "lst": zlib(bits)}`. */
export async function encodeStatusList(bits: Uint8Array<ArrayBuffer>): Promise<Map<string, unknown>> {
  return new Map<string, unknown>([
    ['bits', STATUS_BITS],
    ['lst', await deflate(bits)],
  ]);
}

/** Options for {@link signStatusList}. Times are ms since the epoch. */
export interface SignStatusListOptions {
  issuerKey: CryptoKey;
  kid: string;
  /** Must equal the `iss` of the credentials the list covers. */
  issuer: string;
  /** `sub`: where the list is published. */
  uri: string;
  iat: number;
  exp?: number;
  /** Seconds. */
  ttl?: number;
  /** Which part this token is (FORMAT.md §9.1); written whenever given, 0 included. */
  part?: number;
  /** The part's version the bits were read at. */
  version?: number;
  /** The packed bit array (see `createStatusBits`, `setStatus`), at most PART_SIZE entries. */
  bits: Uint8Array<ArrayBuffer>;
}

/** Signs a Status List Token. */
export async function signStatusList(options: SignStatusListOptions): Promise<Uint8Array<ArrayBuffer>> {
  const kid = fromBase64Url(options.kid);
  if (!kid || kid.length !== KID_LENGTH) throw new TypeError('kid: expected base64url of 8 bytes');
  if (options.bits.length > PART_BYTES) throw new RangeError('bits: a part holds at most 2^20 entries');
  const claims = new Map<number, unknown>([
    [CWT_CLAIM.iss, options.issuer],
    [CWT_CLAIM.sub, options.uri],
    [CWT_CLAIM.iat, Math.floor(options.iat / 1000)],
    [CWT_CLAIM.statusList, await encodeStatusList(options.bits)],
  ]);
  if (options.exp !== undefined) claims.set(CWT_CLAIM.exp, Math.floor(options.exp / 1000));
  if (options.ttl !== undefined) claims.set(CWT_CLAIM.ttl, options.ttl);
  if (options.part !== undefined) claims.set(CWT_CLAIM.statusPart, options.part);
  if (options.version !== undefined) claims.set(CWT_CLAIM.statusVersion, options.version);
  return signCoseSign1({ payload: encodeCbor(claims), privateKey: options.issuerKey, kid, typ: STATUS_LIST_TYP });
}

/** The checks that time and the trust list can change: the key's issuing window at iat, iat not ahead, exp not passed. */
function checkTimes(entries: readonly TrustKey[], iat: number, exp: number | null, now: number, skew: number): StatusListError | null {
  if (!entries.some((e) => mayHaveIssuedAt(e, iat))) return 'unknown_issuer';
  if (iat > now + skew) return 'not_yet_valid';
  if (exp !== null && now > exp + skew) return 'expired';
  return null;
}

/**
 * Checks again, at `now` and against `trust`, a list {@link verifyStatusList} verified earlier
 * from the same bytes: what time and the trust list can change (its key trusted now and in its
 * issuing window at iat, iat not ahead, exp not passed), without the signature and the inflate.
 * A kid names one key (the trust list refuses a kid not derived from its key), so the signature
 * checked then holds now. Null when it still holds.
 */
export function recheckStatusList(list: StatusList, trust: TrustList, now: number, options: VerifyStatusListOptions = {}): StatusListError | null {
  const entries = findTrustKeys(trust, list.kid).filter((entry) => isTrustedAt(entry, now));
  if (entries.length === 0) return 'unknown_issuer';
  return checkTimes(entries, list.issuedAt, list.expiresAt, now, (options.skewSeconds ?? 30) * 1000);
}

/** Why a status list was refused. */
export type StatusListError = 'wrong_format' | 'unknown_issuer' | 'tampered' | 'expired' | 'not_yet_valid';

/** Options for {@link verifyStatusList}. */
export interface VerifyStatusListOptions {
  /** Allowed clock difference, seconds (default 30). */
  skewSeconds?: number;
}

/**
 * Verifies a Status List Token at `now` (ms): format, issuer key (known, trusted now, in its
 * issuing window at iat), signature, then time (iat not in the future, exp not passed). Never
 * throws.
 */
export async function verifyStatusList(
  bytes: Uint8Array,
  trust: TrustList,
  now: number,
  options: VerifyStatusListOptions = {},
): Promise<{ ok: true; list: StatusList } | { ok: false; error: StatusListError }> {
  try {
    const skew = (options.skewSeconds ?? 30) * 1000;
    const cose = decodeCoseSign1(bytes);
    if (!cose || !cose.kid || cose.typ !== STATUS_LIST_TYP) return { ok: false, error: 'wrong_format' };
    const kid = toBase64Url(cose.kid);
    const entries = findTrustKeys(trust, kid).filter((entry) => isTrustedAt(entry, now));
    const entry = entries[0];
    if (!entry) return { ok: false, error: 'unknown_issuer' };
    const key = await importTrustKey(entry);
    if (!key) return { ok: false, error: 'unknown_issuer' };
    if (!(await verifyCoseSign1(cose, key))) return { ok: false, error: 'tampered' };

    const claims = asMap(decodeCbor(cose.payload));
    if (!claims) return { ok: false, error: 'wrong_format' };
    const issuer = claims.get(CWT_CLAIM.iss);
    const uri = claims.get(CWT_CLAIM.sub);
    const iat = asUint(claims.get(CWT_CLAIM.iat));
    const exp = claims.has(CWT_CLAIM.exp) ? asUint(claims.get(CWT_CLAIM.exp)) : undefined;
    const ttl = claims.has(CWT_CLAIM.ttl) ? asUint(claims.get(CWT_CLAIM.ttl)) : undefined;
    const part = claims.has(CWT_CLAIM.statusPart) ? asUint(claims.get(CWT_CLAIM.statusPart)) : 0;
    const version = claims.has(CWT_CLAIM.statusVersion) ? asUint(claims.get(CWT_CLAIM.statusVersion)) : undefined;
    const statusList = asMap(claims.get(CWT_CLAIM.statusList));
    if (typeof issuer !== 'string' || typeof uri !== 'string' || iat === null || exp === null || ttl === null || part === null || version === null || !statusList) {
      return { ok: false, error: 'wrong_format' };
    }
    if (statusList.get('bits') !== STATUS_BITS) return { ok: false, error: 'wrong_format' };
    const lst = asBytes(statusList.get('lst'));
    if (!lst) return { ok: false, error: 'wrong_format' };
    const timeError = checkTimes(entries, iat * 1000, exp === undefined ? null : exp * 1000, now, skew);
    if (timeError) return { ok: false, error: timeError };

    // A part covers 2^20 entries at most: a bigger array is not a part (and caps a bomb at 256 KiB).
    const bits = await inflate(lst, PART_BYTES);
    if (!bits) return { ok: false, error: 'wrong_format' };
    const list = {
      issuer,
      uri,
      kid,
      part,
      version: version ?? null,
      issuedAt: iat * 1000,
      expiresAt: exp === undefined ? null : exp * 1000,
      ttl: ttl ?? null,
      size: bits.length * 4,
      bits,
    } as Omit<StatusList, typeof verified> as StatusList;
    return { ok: true, list };
  } catch {
    return { ok: false, error: 'wrong_format' };
  }
}

/**
 * A verifier's verified status list tokens, by issuer and then part number: the one for a
 * credential is two map look-ups (FORMAT.md §11 step 10). Build it with {@link statusListsOf}.
 */
export type StatusLists = ReadonlyMap<string, ReadonlyMap<number, StatusList>>;

/** Indexes verified tokens by issuer and part; of two for the same part, the later `iat` wins. */
export function statusListsOf(lists: StatusList | Iterable<StatusList | null | undefined> | null | undefined): StatusLists {
  const out = new Map<string, Map<number, StatusList>>();
  if (!lists) return out;
  const items = typeof (lists as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function' ? (lists as Iterable<StatusList | null | undefined>) : [lists as StatusList];
  for (const list of items) {
    if (!list) continue;
    let parts = out.get(list.issuer);
    if (!parts) out.set(list.issuer, (parts = new Map()));
    const kept = parts.get(list.part);
    if (!kept || list.issuedAt > kept.issuedAt) parts.set(list.part, list);
  }
  return out;
}

/** One part as the manifest lists it. */
export interface StatusListManifestPart {
  part: number;
  /** Where the part's token is published (its `sub`). */
  url: string;
  /** Grows whenever a status in the part changes; the token carries the version it was built at. */
  version: number;
}

/**
 * The issuer's list of its status list parts (FORMAT.md §9.2), JSON at
 * `/.well-known/vneid/status-lists`: what a verifier reads first, to fetch only the parts whose
 * version it does not hold. The parts are in increasing order and need not be contiguous.
 */
export interface StatusListManifest {
  /** The `iss` of the parts (and of the credentials they cover). */
  issuer: string;
  /** Always PART_SIZE; a verifier refuses a manifest with another. */
  partSize: number;
  /** ms since the epoch: when the issuer wrote this manifest. */
  updatedAt: number;
  parts: StatusListManifestPart[];
}

const isUint = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Checks a downloaded manifest's shape: null unless the part size is PART_SIZE, every part is a
 * uint in strictly increasing order with an http(s) URL and a uint version. Other members are
 * ignored (a later revision may add some).
 */
export function parseStatusListManifest(json: unknown): StatusListManifest | null {
  if (typeof json !== 'object' || json === null) return null;
  const { issuer, partSize, updatedAt, parts } = json as Record<string, unknown>;
  if (typeof issuer !== 'string' || issuer.length === 0 || partSize !== PART_SIZE || !isUint(updatedAt) || !Array.isArray(parts)) return null;
  const out: StatusListManifestPart[] = [];
  for (const entry of parts as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return null;
    const { part, url, version } = entry as Record<string, unknown>;
    if (!isUint(part) || !isUint(version) || !isHttpUrl(url)) return null;
    if (out.length && part <= out[out.length - 1]!.part) return null;
    out.push({ part, url, version });
  }
  return { issuer, partSize, updatedAt, parts: out };
}
