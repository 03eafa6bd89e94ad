/** The worker's bindings and variables, as wrangler.toml and secrets provide them. */
export interface Env {
  DB: D1Database;
  ASSETS?: Fetcher;
  RP_ID?: string;
  RP_NAME?: string;
  ORIGINS?: string;
  ISSUER_NAME?: string;
  SMS_MODE?: string;
  ENVIRONMENT?: string;
  /** Secret: HMAC key for SMS codes and session tokens. `.dev.vars` locally, a worker secret in production. */
  SESSION_SECRET?: string;
  /**
   * Secret: the issuer's document-signing keys, JSON `[{ jwk, notBefore, retiredAt? }]` with
   * private P-256 JWKs. The newest unretired key signs; retired ones stay in the trust list
   * until what they signed has expired. `.dev.vars` locally (made on first start).
   */
  ISSUER_KEYS?: string;
  /** The short `iss` written into every credential (every byte is in the QR). */
  ISSUER_CODE?: string;
}
