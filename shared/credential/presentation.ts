/**
 * The presentation: what the QR carries. A COSE_Sign1 signed by the holder's device key over
 * the credential, the presentation time and (optionally) the verifier's nonce:
 *
 *   protected = {1: -7}
 *   payload   = {1: credential (COSE_Sign1 bytes), 2: time (seconds), ?3: nonce}
 *
 * and its offline verification, which always ends in one of a closed set of verdicts.
 */
import { timingSafeEqual } from '../bytes';
import { asBytes, asMap, asUint, bytesEqual, decodeCbor, encodeCbor } from './cbor';
import type { DocType, DocumentData, View } from './claims';
import { decodeCoseSign1, signCoseSign1, verifyCoseSign1 } from './cose-sign1';
import { parseCredential } from './credential';
import type { ParsedCredential } from './credential';
import { decompressP256, importCompressedP256 } from './p256';
import { decodeQrText, encodeQrText } from './qr-text';
import type { Compression } from './qr-text';
import { getStatus, STATUS, statusPartOf } from './status-list';
import type { StatusLists } from './status-list';
import { findTrustKeys, importTrustKey, isTrustedAt, MAX_CREDENTIAL_LIFETIME_S, mayHaveIssuedAt } from './trust-list';
import type { TrustList } from './trust-list';

/** Presentation payload keys. */
export const PRESENTATION_KEY = { credential: 1, time: 2, nonce: 3 } as const;
/** Longest verifier nonce, in bytes. */
export const MAX_NONCE_LENGTH = 64;

/** Every verdict `verifyPresentation` can give, in no particular order. */
export const VERDICTS = [
  'valid',
  'wrong_format',
  'tampered',
  'unknown_issuer',
  'expired',
  'not_yet_valid',
  'revoked',
  'suspended',
  'stale',
  'future',
  'nonce_mismatch',
  'status_unavailable',
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Options for {@link createPresentation}. */
export interface CreatePresentationOptions {
  /** The issuer-signed credential bytes. */
  credential: Uint8Array;
  /** The device key the credential is bound to. */
  devicePrivateKey: CryptoKey;
  /** ms since the epoch. */
  now: number;
  /** The verifier's nonce, when it showed one. */
  nonce?: Uint8Array;
  /** Default `auto`: compressed only when that is shorter. */
  compression?: Compression;
}

/** Signs a presentation and returns its binary form (the COSE_Sign1 bytes). */
export async function createPresentationBytes(options: CreatePresentationOptions): Promise<Uint8Array<ArrayBuffer>> {
  if (!Number.isSafeInteger(options.now) || options.now < 0) throw new RangeError('now: expected ms since the epoch');
  if (options.nonce && (options.nonce.length === 0 || options.nonce.length > MAX_NONCE_LENGTH)) {
    throw new RangeError(`nonce: expected 1–${MAX_NONCE_LENGTH} bytes`);
  }
  const payload = new Map<number, unknown>([
    [PRESENTATION_KEY.credential, options.credential],
    [PRESENTATION_KEY.time, Math.floor(options.now / 1000)],
  ]);
  if (options.nonce) payload.set(PRESENTATION_KEY.nonce, options.nonce);
  return signCoseSign1({ payload: encodeCbor(payload), privateKey: options.devicePrivateKey });
}

/** Signs a presentation and returns the QR text (`VN1:…` or `VN1Z:…`). */
export async function createPresentation(options: CreatePresentationOptions): Promise<string> {
  return encodeQrText(await createPresentationBytes(options), options.compression);
}

/** Options for {@link verifyPresentation}. */
export interface VerifyPresentationOptions {
  trust: TrustList;
  /**
   * The verified status list parts (see `statusListsOf`); the one whose issuer is the
   * credential's and whose part holds its status index is used.
   */
  status?: StatusLists | null;
  /** ms since the epoch. */
  now: number;
  /** How long a presentation stays fresh, seconds (default 120). */
  freshnessSeconds?: number;
  /** Allowed clock difference between devices, seconds (default 30). */
  skewSeconds?: number;
  /** How old (since its iat) a status list may be, seconds (default 86,400). */
  statusMaxAgeSeconds?: number;
  /** The nonce this verifier showed; the presentation must carry it. */
  nonce?: Uint8Array;
}

interface VerifiedFields {
  kid: string;
  issuer: string;
  view: View;
  /** ms since the epoch. */
  issuedAt: number;
  expiresAt: number;
  presentedAt: number;
  statusIndex: number;
  /**
   * The holder's device public key, raw uncompressed (65 bytes): the caller's own copy,
   * computed when first read.
   */
  holderPublicKey: Uint8Array<ArrayBuffer>;
}

/** A valid presentation: the disclosed claims, typed by document type. */
export type ValidPresentation = {
  [D in DocType]: VerifiedFields & { verdict: 'valid'; docType: D; claims: DocumentData<D> };
}[DocType];

/**
 * A refused presentation. `reason` is for logs, not for users. The document's type, view,
 * issuer and kid are given once the issuer's signature has been verified, never before.
 */
export interface RefusedPresentation {
  verdict: Exclude<Verdict, 'valid'>;
  reason: string;
  kid?: string;
  issuer?: string;
  docType?: DocType;
  view?: View;
}

export type PresentationResult = ValidPresentation | RefusedPresentation;

/**
 * Verifies QR text offline. The checks run in this order and the first failure is the verdict:
 * 1. format (prefix, Base45, zlib, both COSE_Sign1 envelopes, the claims) → wrong_format
 * 2. issuer kid in the trust list and trusted now → unknown_issuer
 * 3. issuer signature → tampered
 * 4. issuer key in its issuing window at the credential's iat, and exp − iat within the maximum
 *    lifetime (366 days) → unknown_issuer
 * 5. holder key from cnf is a P-256 point → wrong_format
 * 6. device signature → tampered
 * 7. presentation time: after now + skew → future; before now − freshness − skew → stale
 * 8. nonce, when the verifier gave one → nonce_mismatch
 * 9. credential iat after now + skew → not_yet_valid; exp before now − skew → expired
 * 10. the issuer's status list part holding the index (⌊index / 2^20⌋) present, fresh, covering
 *     the offset → else status_unavailable; entry 1 → revoked, 2 → suspended (3 is treated as revoked)
 * Hostile input never throws: it ends in a verdict. Invalid options (a `now` that is not a
 * number, negative windows) are a programming error and throw a TypeError, so that a missing
 * clock can never pass every time check.
 */
export async function verifyPresentation(qrText: string, options: VerifyPresentationOptions): Promise<PresentationResult> {
  checkOptions(options);
  try {
    return await verify(qrText, options);
  } catch (error) {
    // Every path above is written not to throw; this is the last guard for hostile input.
    return refuse('wrong_format', `unexpected: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function checkOptions(options: VerifyPresentationOptions): void {
  if (typeof options !== 'object' || options === null || !options.trust || !Array.isArray(options.trust.keys)) {
    throw new TypeError('verifyPresentation: options.trust is required');
  }
  if (!Number.isFinite(options.now)) throw new TypeError('verifyPresentation: options.now must be ms since the epoch');
  // A single list passed where the indexed set belongs would otherwise end as wrong_format for every code.
  if (options.status != null && !(options.status instanceof Map)) throw new TypeError('verifyPresentation: options.status must come from statusListsOf');
  for (const name of ['freshnessSeconds', 'skewSeconds', 'statusMaxAgeSeconds'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new TypeError(`verifyPresentation: ${name} must be ≥ 0`);
  }
}

async function verify(qrText: string, options: VerifyPresentationOptions): Promise<PresentationResult> {
  const now = options.now;
  const skew = (options.skewSeconds ?? 30) * 1000;
  const freshness = (options.freshnessSeconds ?? 120) * 1000;

  // 1. Format.
  const bytes = await decodeQrText(qrText);
  if (!bytes) return refuse('wrong_format', 'not VN1 QR text');
  const presentation = decodeCoseSign1(bytes);
  if (!presentation || presentation.kid || presentation.typ !== null) return refuse('wrong_format', 'presentation envelope');
  const body = parsePresentationPayload(presentation.payload);
  if (!body) return refuse('wrong_format', 'presentation payload');
  const credential = parseCredential(body.credential);
  if (!credential) return refuse('wrong_format', 'credential');

  // 2. The issuer key.
  const entries = findTrustKeys(options.trust, credential.kid).filter((entry) => isTrustedAt(entry, now));
  const entry = entries[0];
  if (!entry) return refuse('unknown_issuer', 'kid not trusted now', { kid: credential.kid });
  const issuerKey = await importTrustKey(entry);
  if (!issuerKey) return refuse('unknown_issuer', 'issuer key does not import', { kid: credential.kid });

  // 3–6. Both signatures are checked concurrently (the holder key is recovered on this thread
  // while the issuer signature is checked), but judged in order: nothing the credential says
  // is believed before its issuer signature holds.
  const [issuerOk, holder] = await Promise.all([
    verifyIssuerSignature(body.credential, credential, issuerKey),
    checkDeviceSignature(credential, presentation),
  ]);
  if (!issuerOk) return refuse('tampered', 'issuer signature', { kid: credential.kid });
  const known = { kid: credential.kid, issuer: credential.issuer, docType: credential.docType, view: credential.view };
  if (!entries.some((e) => mayHaveIssuedAt(e, credential.issuedAt))) {
    return refuse('unknown_issuer', 'iat outside the key issuing window', known);
  }
  // The iat is the signer's own word: without a cap on the lifetime, a retired key's thief
  // back-dates iat to before retiredAt and picks any exp. No issuer signs longer than this, so a
  // genuine signature on such a credential means the key is in someone else's hands.
  if (credential.expiresAt - credential.issuedAt > MAX_CREDENTIAL_LIFETIME_S * 1000) {
    return refuse('unknown_issuer', 'lifetime (exp − iat) beyond the maximum a key may issue', known);
  }
  if (!holder.holder) return refuse('wrong_format', 'cnf is not a P-256 point', known);
  if (!holder.ok) return refuse('tampered', 'device signature', known);

  // 7. Freshness of the presentation.
  const presentedAt = body.time * 1000;
  if (presentedAt > now + skew) return refuse('future', 'presentation time ahead of the clock', known);
  if (now > presentedAt + freshness + skew) return refuse('stale', 'presentation older than the freshness window', known);

  // 8. Nonce.
  if (options.nonce && !(body.nonce && timingSafeEqual(body.nonce, options.nonce))) {
    return refuse('nonce_mismatch', 'nonce', known);
  }

  // 9. Credential validity.
  if (credential.issuedAt > now + skew) return refuse('not_yet_valid', 'iat ahead of the clock', known);
  if (now > credential.expiresAt + skew) return refuse('expired', 'exp passed', known);

  // 10. Status: the part holding the index, by two map look-ups.
  const { part, offset } = statusPartOf(credential.statusIndex);
  const list = options.status?.get(credential.issuer)?.get(part);
  if (!list) return refuse('status_unavailable', `no status list part ${part} for this issuer`, known);
  const maxAge = (options.statusMaxAgeSeconds ?? 86_400) * 1000;
  if (now - list.issuedAt > maxAge) return refuse('status_unavailable', 'status list too old', known);
  if (list.expiresAt !== null && now > list.expiresAt + skew) return refuse('status_unavailable', 'status list expired', known);
  const status = getStatus(list, offset);
  if (status === null) return refuse('status_unavailable', 'index outside the status list part', known);
  if (status === STATUS.suspended) return refuse('suspended', 'status list: suspended', known);
  if (status !== STATUS.valid) return refuse('revoked', 'status list: revoked', known);

  const holderKey = holder.holder;
  let holderPublicKey: Uint8Array<ArrayBuffer> | undefined;
  return {
    verdict: 'valid',
    kid: credential.kid,
    issuer: credential.issuer,
    docType: credential.docType,
    view: credential.view,
    issuedAt: credential.issuedAt,
    expiresAt: credential.expiresAt,
    presentedAt,
    statusIndex: credential.statusIndex,
    // Computed on first read: most callers never read it, and recovering y on BigInt costs as
    // much as a signature check. Each result gets its own copy; the cached key stays ours.
    get holderPublicKey(): Uint8Array<ArrayBuffer> {
      return (holderPublicKey ??= holderRaw(holderKey).slice());
    },
    set holderPublicKey(value: Uint8Array<ArrayBuffer>) {
      holderPublicKey = value;
    },
    claims: credential.data,
  } as ValidPresentation;
}

function refuse(
  verdict: Exclude<Verdict, 'valid'>,
  reason: string,
  known: Omit<RefusedPresentation, 'verdict' | 'reason'> = {},
): RefusedPresentation {
  return { verdict, reason, ...known };
}

interface PresentationBody {
  credential: Uint8Array<ArrayBuffer>;
  time: number;
  nonce: Uint8Array<ArrayBuffer> | null;
}

function parsePresentationPayload(payload: Uint8Array): PresentationBody | null {
  const map = asMap(decodeCbor(payload));
  if (!map) return null;
  for (const key of map.keys()) {
    if (key !== PRESENTATION_KEY.credential && key !== PRESENTATION_KEY.time && key !== PRESENTATION_KEY.nonce) return null;
  }
  const credential = asBytes(map.get(PRESENTATION_KEY.credential));
  const time = asUint(map.get(PRESENTATION_KEY.time));
  if (!credential || time === null) return null;
  let nonce: Uint8Array<ArrayBuffer> | null = null;
  if (map.has(PRESENTATION_KEY.nonce)) {
    nonce = asBytes(map.get(PRESENTATION_KEY.nonce));
    if (!nonce || nonce.length === 0 || nonce.length > MAX_NONCE_LENGTH) return null;
  }
  return { credential, time, nonce };
}

async function checkDeviceSignature(
  credential: ParsedCredential,
  presentation: NonNullable<ReturnType<typeof decodeCoseSign1>>,
): Promise<{ holder: HolderKey | null; ok: boolean }> {
  const holder = await importHolderKey(credential.holderX, credential.holderYOdd);
  if (!holder) return { holder: null, ok: false };
  return { holder, ok: await verifyCoseSign1(presentation, holder.key) };
}

// Credentials whose issuer signature verified recently, per issuer key: a wallet regenerates
// its QR every few seconds around the same credential and a scanner reads each QR many times,
// so the same credential bytes come back. A hit needs the exact same bytes under the same key
// object, so only a signature that did verify can be skipped; the device signature, which
// covers the time, is always checked.
const ISSUER_CACHE_SIZE = 1024;
const verifiedCredentials = new WeakMap<CryptoKey, Map<number, Uint8Array>>();

async function verifyIssuerSignature(bytes: Uint8Array, credential: ParsedCredential, key: CryptoKey): Promise<boolean> {
  let cache = verifiedCredentials.get(key);
  if (!cache) verifiedCredentials.set(key, (cache = new Map()));
  // 53 bits of the signature address the entry; the full bytes decide (a collision is a miss).
  const s = credential.cose.signature;
  const id = (((s[0]! << 24) | (s[1]! << 16) | (s[2]! << 8) | s[3]!) >>> 0) * 0x200000 + (((s[4]! << 13) | (s[5]! << 5) | (s[6]! >> 3)) & 0x1fffff);
  const seen = cache.get(id);
  if (seen && bytesEqual(seen, bytes)) return true;
  const ok = await verifyCoseSign1(credential.cose, key);
  if (ok) {
    cache.set(id, bytes.slice());
    if (cache.size > ISSUER_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return ok;
}

// Holder keys imported recently. A scanner reads the same QR many times a second, and a
// wallet's QR changes every few seconds around the same credential, so the same holder key
// comes back; the cache spares the import (and, where the platform cannot import a compressed
// point, the square root).
const HOLDER_CACHE_SIZE = 512;

interface HolderKey {
  key: CryptoKey;
  x: Uint8Array<ArrayBuffer>;
  yOdd: boolean;
  /** The uncompressed point, recovered on BigInt only when a caller reads it. */
  raw: Uint8Array<ArrayBuffer> | null;
}

const holderKeys = new Map<string, Promise<HolderKey | null>>();

function importHolderKey(x: Uint8Array<ArrayBuffer>, yOdd: boolean): Promise<HolderKey | null> {
  let id = yOdd ? '3' : '2';
  for (let i = 0; i < x.length; i++) id += String.fromCharCode(x[i]!);
  const cached = holderKeys.get(id);
  if (cached) {
    // Refresh its place: Map iteration order is insertion order, so the first key is the LRU.
    holderKeys.delete(id);
    holderKeys.set(id, cached);
    return cached;
  }
  const imported = importCompressedP256(x, yOdd).then((key) => (key ? { key, x, yOdd, raw: null } : null));
  holderKeys.set(id, imported);
  if (holderKeys.size > HOLDER_CACHE_SIZE) holderKeys.delete(holderKeys.keys().next().value!);
  return imported;
}

/** The holder key as raw uncompressed bytes (65), recovered once per cached key. */
function holderRaw(holder: HolderKey): Uint8Array<ArrayBuffer> {
  // The platform imported the point, so it is on the curve and the recovery cannot fail.
  holder.raw ??= decompressP256(holder.x, holder.yOdd);
  if (!holder.raw) throw new Error('holder key: imported but not recoverable');
  return holder.raw;
}
