/**
 * The provider's signing keys: ES256 only, `kid`-addressed. They come from the worker
 * secret OIDC_SIGNING_KEYS (parsed in config.ts): the first key signs, every key is published
 * in the JWKS, so a new key can be published before it signs and an old one kept until the
 * tokens it signed have expired.
 */
import { compactVerify, createLocalJWKSet, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { fromUtf8 } from '../../../shared/bytes';
import type { Config } from '../../config';

export const ID_TOKEN_ALG = 'ES256';

interface SigningKey {
  kid: string;
  key: CryptoKey;
}

const signers = new WeakMap<Config, Promise<SigningKey>>();

/** The JWK Set published at the jwks_uri: public parts only, never `d`. */
export function publicJwks(config: Config): { keys: JWK[] } {
  return {
    keys: config.oidcSigningKeys.map(({ kty, crv, x, y, kid }) => ({ kty, crv, x, y, kid, use: 'sig', alg: ID_TOKEN_ALG })),
  };
}

function signingKey(config: Config): Promise<SigningKey> {
  let pending = signers.get(config);
  if (!pending) {
    const [first] = config.oidcSigningKeys;
    if (!first?.d) throw new Error('OIDC_SIGNING_KEYS: the first key must be a private key');
    pending = importJWK({ kty: first.kty, crv: first.crv, x: first.x, y: first.y, d: first.d }, ID_TOKEN_ALG).then((key) => ({
      kid: first.kid,
      key: key as CryptoKey,
    }));
    signers.set(config, pending);
  }
  return pending;
}

/** Signs a JWT (an ID token) with the current key: ES256, `kid` and `typ: JWT` in the header. */
export async function signJwt(config: Config, claims: JWTPayload): Promise<string> {
  const { kid, key } = await signingKey(config);
  return new SignJWT(claims).setProtectedHeader({ alg: ID_TOKEN_ALG, kid, typ: 'JWT' }).sign(key);
}

/**
 * Checks that a JWT was signed by one of our published keys and issued by us, whatever its
 * age (an `id_token_hint` at logout is usually expired, OIDC RP-Initiated Logout §2).
 * Returns its claims, or null. Only ES256 is accepted: `alg: none` never passes.
 */
export async function verifyOwnJwt(config: Config, token: string): Promise<JWTPayload | null> {
  try {
    const { payload } = await compactVerify(token, createLocalJWKSet(publicJwks(config)), { algorithms: [ID_TOKEN_ALG] });
    const claims = JSON.parse(fromUtf8(payload)) as JWTPayload;
    return claims && typeof claims === 'object' && claims.iss === config.issuer ? claims : null;
  } catch {
    return null;
  }
}
