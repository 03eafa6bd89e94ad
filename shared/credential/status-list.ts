/**
 * The status list (draft-ietf-oauth-status-list, CWT form): 2 bits per document
 * (0 valid, 1 revoked, 2 suspended), DEFLATE/zlib-compressed, signed by the issuer as a CWT.
 * A verifier downloads it when online and checks presentations against it offline.
 *
 *   protected = {1: -7, 4: kid, 16: "application/statuslist+cwt"}
 *   payload   = {1: iss, 2: sub (URI), 6: iat, ?4: exp, ?65534: ttl, 65533: {"bits": 2, "lst": zlib(bits)}}
 */
import { fromBase64Url, toBase64Url } from '../bytes';
import { asBytes, asMap, asUint, decodeCbor, encodeCbor } from './cbor';
import { CWT_CLAIM } from './claims';
import { decodeCoseSign1, signCoseSign1, verifyCoseSign1 } from './cose-sign1';
import { deflate, inflate } from './deflate';
import { findTrustKeys, importTrustKey, isTrustedAt, KID_LENGTH, mayHaveIssuedAt } from './trust-list';
import type { TrustList } from './trust-list';

/** The `typ` of a Status List Token in CWT form (draft-ietf-oauth-status-list §5.2). */
export const STATUS_LIST_TYP = 'application/statuslist+cwt';
/** Bits per entry. */
export const STATUS_BITS = 2;
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
  /** ms since the epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number | null;
  /** Seconds a verifier may cache the list before fetching it again (a hint). */
  readonly ttl: number | null;
  /** Number of entries (4 per byte). */
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

/** Entry `index` of a verified list or a packed array; null when out of range. */
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
  /** The packed bit array (see `createStatusBits`, `setStatus`). */
  bits: Uint8Array<ArrayBuffer>;
}

/** Signs a Status List Token. */
export async function signStatusList(options: SignStatusListOptions): Promise<Uint8Array<ArrayBuffer>> {
  const kid = fromBase64Url(options.kid);
  if (!kid || kid.length !== KID_LENGTH) throw new TypeError('kid: expected base64url of 8 bytes');
  const claims = new Map<number, unknown>([
    [CWT_CLAIM.iss, options.issuer],
    [CWT_CLAIM.sub, options.uri],
    [CWT_CLAIM.iat, Math.floor(options.iat / 1000)],
    [CWT_CLAIM.statusList, await encodeStatusList(options.bits)],
  ]);
  if (options.exp !== undefined) claims.set(CWT_CLAIM.exp, Math.floor(options.exp / 1000));
  if (options.ttl !== undefined) claims.set(CWT_CLAIM.ttl, options.ttl);
  return signCoseSign1({ payload: encodeCbor(claims), privateKey: options.issuerKey, kid, typ: STATUS_LIST_TYP });
}

/** Why a status list was refused. */
export type StatusListError = 'wrong_format' | 'unknown_issuer' | 'tampered' | 'expired' | 'not_yet_valid';

/** Options for {@link verifyStatusList}. */
export interface VerifyStatusListOptions {
  /** Largest inflated bit array accepted, in bytes (default 64 MiB = 268 M entries). */
  maxBytes?: number;
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
    const statusList = asMap(claims.get(CWT_CLAIM.statusList));
    if (typeof issuer !== 'string' || typeof uri !== 'string' || iat === null || exp === null || ttl === null || !statusList) {
      return { ok: false, error: 'wrong_format' };
    }
    if (statusList.get('bits') !== STATUS_BITS) return { ok: false, error: 'wrong_format' };
    const lst = asBytes(statusList.get('lst'));
    if (!lst) return { ok: false, error: 'wrong_format' };
    if (!entries.some((e) => mayHaveIssuedAt(e, iat * 1000))) return { ok: false, error: 'unknown_issuer' };
    if (iat * 1000 > now + skew) return { ok: false, error: 'not_yet_valid' };
    if (exp !== undefined && now > exp * 1000 + skew) return { ok: false, error: 'expired' };

    const bits = await inflate(lst, options.maxBytes ?? 64 * 1024 * 1024);
    if (!bits) return { ok: false, error: 'wrong_format' };
    const list = {
      issuer,
      uri,
      kid,
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
