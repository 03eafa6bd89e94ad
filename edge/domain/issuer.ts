/**
 * The issuer's document-signing keys: parsed from the ISSUER_KEYS secret, imported once per
 * isolate, addressed by kid. The newest key that has started and is not retired signs; every
 * listed key is published in the trust list until what it signed has expired, so rotation
 * never breaks a credential already in a wallet. A key marked `compromisedAt` is the
 * exception: it signs nothing and is left out of the trust list at once, so verifiers that
 * refresh refuse everything it signed, and the next wallet sync re-issues those documents
 * under the current key (documents.ts).
 */
import { issuerKid, MAX_CREDENTIAL_LIFETIME_S, type TrustKey, type TrustList } from '../../shared/credential';
import { fromBase64Url } from '../../shared/bytes';
import type { Config } from '../config';
import { AppError } from './errors';

/**
 * The longest a credential lives (FORMAT.md §6: verifiers refuse a longer one). A retired key
 * stays trusted this long after retiring: what it signed before then is still in wallets.
 */
export const MAX_CREDENTIAL_LIFETIME_MS = MAX_CREDENTIAL_LIFETIME_S * 1000;
/** How long an active key is listed as trusted ahead (rotation is expected well before). */
const ACTIVE_KEY_HORIZON_MS = 5 * 366 * 24 * 60 * 60_000;
/**
 * A key signs only while verifiers will trust it this much longer: what it signs expires by
 * its `notAfter` (FORMAT.md §12), and a credential or status list (24 h) that dies within the
 * day is worth nothing.
 */
const MIN_SIGNING_HORIZON_MS = 24 * 60 * 60_000;

export interface IssuerKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JsonWebKey;
  notBefore: number;
  retiredAt?: number;
  compromisedAt?: number;
}

const cache = new WeakMap<Config['issuerKeys'], Promise<IssuerKey[]>>();

export function loadIssuerKeys(config: Config): Promise<IssuerKey[]> {
  let keys = cache.get(config.issuerKeys);
  if (!keys) {
    keys = Promise.all(
      config.issuerKeys.map(async (entry) => {
        const { kty, crv, x, y, d } = entry.jwk;
        const privateKey = await crypto.subtle.importKey('jwk', { kty, crv, x, y, d }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
        const rawX = fromBase64Url(x);
        const rawY = fromBase64Url(y);
        if (!rawX || !rawY || rawX.length !== 32 || rawY.length !== 32) throw new Error('ISSUER_KEYS: malformed public point');
        const raw = new Uint8Array(65);
        raw[0] = 4;
        raw.set(rawX, 1);
        raw.set(rawY, 33);
        const key: IssuerKey = { kid: await issuerKid(raw), privateKey, publicJwk: { kty, crv, x, y }, notBefore: entry.notBefore };
        if (entry.retiredAt !== undefined) key.retiredAt = entry.retiredAt;
        if (entry.compromisedAt !== undefined) key.compromisedAt = entry.compromisedAt;
        return key;
      }),
    );
    cache.set(config.issuerKeys, keys);
  }
  return keys;
}

/**
 * Until when verifiers trust a key (its `notAfter` in the trust list): a retired key one
 * credential lifetime past retiring, an active one a fixed horizon past its start.
 */
export function issuerKeyNotAfter(key: IssuerKey): number {
  return key.retiredAt !== undefined ? key.retiredAt + MAX_CREDENTIAL_LIFETIME_MS : key.notBefore + ACTIVE_KEY_HORIZON_MS;
}

/** The key that signs at `now` (see activeIssuerKey), or null when none can. */
export async function signingIssuerKey(config: Config, now: number): Promise<IssuerKey | null> {
  const keys = await loadIssuerKeys(config);
  const usable = keys.filter(
    (k) =>
      k.compromisedAt === undefined &&
      k.notBefore <= now &&
      (k.retiredAt === undefined || k.retiredAt > now) &&
      issuerKeyNotAfter(k) - now >= MIN_SIGNING_HORIZON_MS,
  );
  return usable.sort((a, b) => b.notBefore - a.notBefore)[0] ?? null;
}

/**
 * The key that signs at `now`: the newest started, unretired, uncompromised one that verifiers
 * will trust for at least another day. None → a clear refusal (the operator must add a key),
 * never a credential that outlives its key.
 */
export async function activeIssuerKey(config: Config, now: number): Promise<IssuerKey> {
  const newest = await signingIssuerKey(config, now);
  if (!newest) {
    console.error(JSON.stringify({ level: 'error', message: 'no issuer key can sign: every key has not started, is retired or compromised, or leaves the trust list within a day; add a key to ISSUER_KEYS' }));
    throw new AppError('internal', 'No issuer key can sign documents now. Please try again later.');
  }
  return newest;
}

/**
 * The kids whose signatures verifiers accept: every listed key but the compromised ones. A
 * credential under any other kid must be re-issued.
 */
export async function trustedIssuerKids(config: Config): Promise<ReadonlySet<string>> {
  const keys = await loadIssuerKeys(config);
  return new Set(keys.filter((k) => k.compromisedAt === undefined).map((k) => k.kid));
}

/**
 * The published trust list: every key that is not compromised, with the window in which its
 * signatures are accepted. A compromised key is simply absent: a verifier that refreshes then
 * answers `unknown_issuer` for everything it signed, however it is dated.
 */
export async function issuerTrustList(config: Config, now: number): Promise<TrustList> {
  const keys = await loadIssuerKeys(config);
  return {
    updatedAt: now,
    keys: keys
      .filter((k) => k.compromisedAt === undefined)
      .map((k): TrustKey => {
        const entry: TrustKey = {
          kid: k.kid,
          jwk: k.publicJwk,
          notBefore: k.notBefore,
          notAfter: issuerKeyNotAfter(k),
        };
        if (k.retiredAt !== undefined) entry.retiredAt = k.retiredAt;
        return entry;
      }),
  };
}
