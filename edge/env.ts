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
}
