/** The worker's bindings and variables, as wrangler.toml and secrets provide them. */
export interface Env {
  /**
   * The global database: officers, portals, challenges, rate limits, SMS codes, the directory of
   * device keys and passkeys, the status list's versions, news (README.md, "Scale").
   */
  DB: D1Database;
  /**
   * Which D1 binding holds which ID-number prefixes, e.g. `000-039=SHARD_0,040-999=SHARD_1`
   * (edge/store/shards.ts; README.md, "Scale"): the accounts of those citizens and everything
   * keyed by them, and (locally) their population-registry records. Each binding it names is a
   * `[[d1_databases]]` entry with the edge/migrations-shard schema.
   */
  SHARDS?: string;
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
   * Secret: seals the shard key in account ids, tokens and flow ids (edge/store/shard-keys.ts).
   * It must never change: account ids are passkey user handles, kept by every phone.
   */
  SHARD_KEY_SECRET?: string;
  /**
   * Secret: the issuer's document-signing keys, JSON `[{ jwk, notBefore, retiredAt? }]` with
   * private P-256 JWKs. The newest unretired key signs; retired ones stay in the trust list
   * until what they signed has expired. `.dev.vars` locally (made on first start).
   */
  ISSUER_KEYS?: string;
  /** The short `iss` written into every credential (every byte is in the QR). */
  ISSUER_CODE?: string;
  /** Hours a device change waits when the old phone is lost (level 1); default 24. */
  DEVICE_CHANGE_WAIT_HOURS?: string;
  /**
   * Secret: the OpenID Connect provider's ID-token signing keys, a JSON list of private P-256
   * JWKs, each with a `kid`. The first signs; all are published in the JWKS. `.dev.vars` locally.
   */
  OIDC_SIGNING_KEYS?: string;
  /** Secret: the HMAC key of pairwise subjects. It must never change, or every portal sees new `sub`s. */
  OIDC_PAIRWISE_SECRET?: string;
  /** R2: report photos and news images (local R2 under wrangler dev). */
  PHOTOS?: R2Bucket;
  /**
   * Secret: the agencies allowed to post procedure events to /hooks/agency/events, JSON
   * `{ "<agency id>": { "secret": "<≥ 32 chars>", "procedures": ["birth_registration", …] } }`.
   */
  AGENCY_SECRETS?: string;
  /** The VAPID `sub` claim (RFC 8292 §2.1): a mailto: or https: contact for push services. */
  VAPID_SUBJECT?: string;
}
