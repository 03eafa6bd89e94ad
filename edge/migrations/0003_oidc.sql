-- Single sign-on: the edge as an OpenID Connect provider for public-service portals.
-- Secrets and tokens are stored only as SHA-256 hashes; times are milliseconds since the epoch.

-- Registered portals (OAuth clients). redirect_uris and post_logout_redirect_uris are JSON
-- arrays matched exactly; scopes is the space-separated list the portal may ask for
-- (`vn_id_number` only for portals allowed the ID number, `offline_access` for refresh tokens).
CREATE TABLE oidc_clients (
  client_id                 TEXT PRIMARY KEY,
  name                      TEXT NOT NULL,
  auth_method               TEXT NOT NULL CHECK (auth_method IN ('client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none')),
  secret_hash               TEXT,             -- base64url(SHA-256(secret)) for the client_secret_* methods
  jwks                      TEXT,             -- JSON JWK Set of the portal's public keys, for private_key_jwt
  redirect_uris             TEXT NOT NULL,
  post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]',
  scopes                    TEXT NOT NULL,
  sector_id                 TEXT NOT NULL,    -- pairwise subjects are computed per sector (default: the client id)
  status                    TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  created_at                INTEGER NOT NULL,
  updated_at                INTEGER NOT NULL
) WITHOUT ROWID;

-- Validated authorization requests waiting for the citizen (sign-in and consent in the PWA).
-- Taken (deleted) by the decision, so each is decided once. browser_hash binds the request to
-- the browser that started it (a cookie set by the authorization endpoint).
CREATE TABLE oidc_auth_requests (
  id             TEXT PRIMARY KEY,
  client_id      TEXT NOT NULL,
  redirect_uri   TEXT NOT NULL,
  scopes         TEXT NOT NULL,
  state          TEXT,
  nonce          TEXT,
  code_challenge TEXT NOT NULL,             -- S256 only
  min_level      INTEGER NOT NULL CHECK (min_level IN (1, 2)),
  prompt         TEXT NOT NULL DEFAULT '',
  max_age        INTEGER,
  browser_hash   TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX oidc_auth_requests_expiry ON oidc_auth_requests(expires_at);

-- One grant per approval: the authorization code, the access tokens and the refresh-token
-- family it leads to all hang off it, so revoking the grant revokes them all.
CREATE TABLE oidc_grants (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  client_id   TEXT NOT NULL REFERENCES oidc_clients(client_id),
  sub         TEXT NOT NULL,                -- the pairwise subject for the client's sector
  scopes      TEXT NOT NULL,
  level       INTEGER NOT NULL,             -- the account level at sign-in (acr)
  auth_time   INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) WITHOUT ROWID;
CREATE INDEX oidc_grants_account_client ON oidc_grants(account_id, client_id);
CREATE INDEX oidc_grants_expiry ON oidc_grants(expires_at);

-- Authorization codes: 60 s, single use. A consumed code stays until it expires so that a
-- second use is recognised (and revokes the grant, RFC 6749 §4.1.2).
CREATE TABLE oidc_codes (
  code_hash      TEXT PRIMARY KEY,
  grant_id       TEXT NOT NULL REFERENCES oidc_grants(id),
  redirect_uri   TEXT NOT NULL,
  nonce          TEXT,
  code_challenge TEXT NOT NULL,
  expires_at     INTEGER NOT NULL,
  consumed_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX oidc_codes_expiry ON oidc_codes(expires_at);
CREATE INDEX oidc_codes_grant ON oidc_codes(grant_id);

-- Access and refresh tokens (opaque; only their hash here). A refresh token is used once:
-- used_at is set on rotation, and a second use revokes the whole grant (the family).
CREATE TABLE oidc_tokens (
  token_hash TEXT PRIMARY KEY,
  grant_id   TEXT NOT NULL REFERENCES oidc_grants(id),
  kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX oidc_tokens_grant ON oidc_tokens(grant_id);
CREATE INDEX oidc_tokens_expiry ON oidc_tokens(expires_at);

-- Client assertions (private_key_jwt) seen, by client and jti, until they expire: no replay.
CREATE TABLE oidc_assertions (
  key        TEXT PRIMARY KEY,              -- client_id ‖ ':' ‖ jti
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX oidc_assertions_expiry ON oidc_assertions(expires_at);

-- What the citizen allowed each portal; remembered until revoked in the app.
CREATE TABLE oidc_consents (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  client_id  TEXT NOT NULL REFERENCES oidc_clients(client_id),
  scopes     TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, client_id)
) WITHOUT ROWID;

-- The sharing history: every disclosure of the citizen's data to a portal. The portal's
-- name is kept as it was at the time.
CREATE TABLE oidc_disclosures (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  client_id   TEXT NOT NULL,
  client_name TEXT NOT NULL,
  items       TEXT NOT NULL,                -- JSON array of what was disclosed (shared/oidc.ts DisclosedItem)
  level       INTEGER NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX oidc_disclosures_account ON oidc_disclosures(account_id, at);
