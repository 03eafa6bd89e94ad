/**
 * The trust list: the issuer public keys a verifier accepts, each addressed by its kid and
 * trusted for a window of time, so keys rotate without breaking what they already signed.
 */
import { fromBase64Url, toBase64Url } from '../bytes';

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** Length of a kid in bytes. */
export const KID_LENGTH = 8;
/**
 * The longest a credential may live, exp − iat, in seconds (366 days; FORMAT.md §6). The iat is
 * the signer's word, so this is what bounds a retired key: whatever it signs, back-dated to
 * before its retirement, stops verifying by retiredAt + this.
 */
export const MAX_CREDENTIAL_LIFETIME_S = 366 * 86_400;

/** One trusted issuer key. Times are ms since the epoch. */
export interface TrustKey {
  /** base64url of the first 8 bytes of SHA-256(raw uncompressed public key). */
  kid: string;
  /** The public key as a JWK: `{ kty: 'EC', crv: 'P-256', x, y }` (no `d`). */
  jwk: JsonWebKey;
  /** Credentials issued (iat) before this are refused; the key is not trusted before it. */
  notBefore: number;
  /**
   * The key is trusted until this instant, for everything it signed in its window: after a
   * rotation it stays listed until the last credential it signed has expired.
   */
  notAfter: number;
  /** When set, the key stopped signing then: credentials with a later iat are refused. */
  retiredAt?: number;
}

/** What a verifier keeps offline. Treat it as immutable: replace it to update it. */
export interface TrustList {
  keys: TrustKey[];
  /** When the publisher produced this list (ms), for display. */
  updatedAt?: number;
}

/** The kid of a P-256 public key: base64url(SHA-256(0x04 ‖ X ‖ Y)[0..8]). */
export async function issuerKid(publicKey: CryptoKey | Uint8Array<ArrayBuffer>): Promise<string> {
  const raw =
    publicKey instanceof Uint8Array ? publicKey : new Uint8Array((await crypto.subtle.exportKey('raw', publicKey)) as ArrayBuffer);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
  return toBase64Url(digest.subarray(0, KID_LENGTH));
}

/** Makes a trust-list entry from an (extractable) issuer public key. */
export async function createTrustKey(options: {
  publicKey: CryptoKey;
  notBefore: number;
  notAfter: number;
  retiredAt?: number;
}): Promise<TrustKey> {
  const exported = (await crypto.subtle.exportKey('jwk', options.publicKey)) as JsonWebKey;
  const jwk: JsonWebKey = { kty: 'EC', crv: 'P-256', x: exported.x!, y: exported.y! };
  const entry: TrustKey = {
    kid: await issuerKid(options.publicKey),
    jwk,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
  };
  if (options.retiredAt !== undefined) entry.retiredAt = options.retiredAt;
  return entry;
}

/** Builds a trust list from issuer public keys and their windows. */
export async function buildTrustList(
  keys: Parameters<typeof createTrustKey>[0][],
  updatedAt?: number,
): Promise<TrustList> {
  const list: TrustList = { keys: await Promise.all(keys.map(createTrustKey)) };
  if (updatedAt !== undefined) list.updatedAt = updatedAt;
  return list;
}

/**
 * Checks a trust list received as JSON (from the edge, or a file): every entry must be a
 * public P-256 JWK whose kid is the one derived from it, with a sane window. Returns null when
 * anything is off: a verifier must not half-trust a list. Never throws.
 */
export async function parseTrustList(json: unknown): Promise<TrustList | null> {
  try {
    if (typeof json !== 'object' || json === null) return null;
    const { keys, updatedAt } = json as { keys?: unknown; updatedAt?: unknown };
    if (!Array.isArray(keys) || keys.length > 1000) return null;
    const out: TrustKey[] = [];
    for (const candidate of keys as unknown[]) {
      if (typeof candidate !== 'object' || candidate === null) return null;
      const { kid, jwk, notBefore, notAfter, retiredAt } = candidate as Record<string, unknown>;
      if (typeof kid !== 'string' || !isTime(notBefore) || !isTime(notAfter) || notAfter < notBefore) return null;
      if (retiredAt !== undefined && !isTime(retiredAt)) return null;
      const raw = rawFromJwk(jwk);
      if (!raw || (await issuerKid(raw)) !== kid) return null;
      const { x, y } = jwk as { x: string; y: string };
      const entry: TrustKey = { kid, jwk: { kty: 'EC', crv: 'P-256', x, y }, notBefore, notAfter };
      if (retiredAt !== undefined) entry.retiredAt = retiredAt;
      out.push(entry);
    }
    const list: TrustList = { keys: out };
    if (isTime(updatedAt)) list.updatedAt = updatedAt;
    // Import once now: a key WebCrypto refuses (not on the curve) poisons the list.
    for (const entry of out) if (!(await importTrustKey(entry))) return null;
    return list;
  } catch {
    return null;
  }
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** The raw uncompressed point of a public P-256 JWK; null for anything else (incl. a private JWK). */
function rawFromJwk(jwk: unknown): Uint8Array<ArrayBuffer> | null {
  if (typeof jwk !== 'object' || jwk === null) return null;
  const { kty, crv, x, y, d } = jwk as Record<string, unknown>;
  if (kty !== 'EC' || crv !== 'P-256' || d !== undefined || typeof x !== 'string' || typeof y !== 'string') return null;
  const xb = fromBase64Url(x);
  const yb = fromBase64Url(y);
  if (!xb || !yb || xb.length !== 32 || yb.length !== 32) return null;
  const raw = new Uint8Array(65);
  raw[0] = 0x04;
  raw.set(xb, 1);
  raw.set(yb, 33);
  return raw;
}

// Imported keys, per entry object: verification imports each issuer key once.
const imported = new WeakMap<TrustKey, Promise<CryptoKey | null>>();

/** The WebCrypto verification key of a trust-list entry (cached); null when it does not import. */
export function importTrustKey(entry: TrustKey): Promise<CryptoKey | null> {
  let key = imported.get(entry);
  if (!key) {
    key = crypto.subtle.importKey('jwk', entry.jwk, ECDSA_P256, false, ['verify']).catch(() => null);
    imported.set(entry, key);
  }
  return key;
}

const indexes = new WeakMap<TrustKey[], Map<string, TrustKey[]>>();

/** The entries of a trust list with this kid (indexed once per list). */
export function findTrustKeys(trust: TrustList, kid: string): TrustKey[] {
  let index = indexes.get(trust.keys);
  if (!index) {
    index = new Map();
    for (const entry of trust.keys) {
      const same = index.get(entry.kid);
      if (same) same.push(entry);
      else index.set(entry.kid, [entry]);
    }
    indexes.set(trust.keys, index);
  }
  return index.get(kid) ?? [];
}

/** Whether an entry is trusted at `now` (ms). */
export function isTrustedAt(entry: TrustKey, now: number): boolean {
  return entry.notBefore <= now && now <= entry.notAfter;
}

/** Whether an entry may have signed something issued at `iat` (ms). */
export function mayHaveIssuedAt(entry: TrustKey, iat: number): boolean {
  return entry.notBefore <= iat && iat <= (entry.retiredAt ?? entry.notAfter);
}

/**
 * Whether an entry may have signed a credential issued at `iat` that expires at `exp` (ms): in
 * its issuing window, and no longer-lived than {@link MAX_CREDENTIAL_LIFETIME_S}.
 */
export function mayHaveIssuedCredential(entry: TrustKey, iat: number, exp: number): boolean {
  return mayHaveIssuedAt(entry, iat) && exp - iat <= MAX_CREDENTIAL_LIFETIME_S * 1000;
}
