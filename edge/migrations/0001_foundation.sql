-- Foundation schema. Times are milliseconds since the Unix epoch (INTEGER).
-- Accounts, their credentials and sessions live together so that a shard (see README,
-- "Scale") holds everything one citizen needs; lookups are by primary key or index only.

-- The national population registry is not ours: in production the edge reaches it through
-- an adapter. This table holds the seeded synthetic registry used locally and in tests.
CREATE TABLE registry_citizens (
  id_number     TEXT PRIMARY KEY,            -- 12 digits, first three = province code
  full_name     TEXT NOT NULL,
  birth_date    TEXT NOT NULL,               -- YYYY-MM-DD
  sex           TEXT NOT NULL CHECK (sex IN ('M', 'F')),
  phone         TEXT,                        -- E.164, +84…
  province_code TEXT NOT NULL,
  hometown      TEXT NOT NULL,
  address       TEXT NOT NULL,
  ethnicity     TEXT NOT NULL,
  card_issued   TEXT NOT NULL,               -- chip ID card, YYYY-MM-DD
  card_expires  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,              -- random; also the WebAuthn user handle
  id_number   TEXT NOT NULL UNIQUE,
  level       INTEGER NOT NULL CHECK (level IN (1, 2)),
  status      TEXT NOT NULL CHECK (status IN ('active', 'locked')),
  phone       TEXT NOT NULL,
  email       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- One device key belongs to one account, for ever: the primary key refuses a second
-- account from a bound (or once bound) device.
CREATE TABLE device_keys (
  key_id       TEXT PRIMARY KEY,             -- base64url(SHA-256(raw public key))
  account_id   TEXT NOT NULL REFERENCES accounts(id),
  public_key   BLOB NOT NULL,                -- raw uncompressed P-256 point (65 bytes)
  label        TEXT,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX device_keys_account ON device_keys(account_id);

CREATE TABLE passkeys (
  credential_id   TEXT PRIMARY KEY,          -- base64url; a duplicate is refused
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  device_key_id   TEXT NOT NULL REFERENCES device_keys(key_id),
  public_key      BLOB NOT NULL,             -- COSE_Key
  counter         INTEGER NOT NULL,
  backup_eligible INTEGER NOT NULL,
  backed_up       INTEGER NOT NULL,
  transports      TEXT NOT NULL DEFAULT '[]',
  created_at      INTEGER NOT NULL,
  last_used_at    INTEGER,
  revoked_at      INTEGER
) WITHOUT ROWID;
CREATE INDEX passkeys_account ON passkeys(account_id);

-- Server-side WebAuthn challenges: single use (deleted on use), expiring.
CREATE TABLE challenges (
  challenge  TEXT PRIMARY KEY,
  purpose    TEXT NOT NULL,
  subject    TEXT,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX challenges_expiry ON challenges(expires_at);

-- Sessions keep only a hash of the cookie token.
CREATE TABLE sessions (
  token_hash          TEXT PRIMARY KEY,
  account_id          TEXT NOT NULL REFERENCES accounts(id),
  device_key_id       TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  expires_at          INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions(account_id);

-- Level-1 online registration in progress.
CREATE TABLE enrolments (
  id          TEXT PRIMARY KEY,
  id_number   TEXT NOT NULL,
  phone       TEXT NOT NULL,
  account_id  TEXT NOT NULL,                 -- chosen up front: it is the passkey's user handle
  state       TEXT NOT NULL CHECK (state IN ('code_sent', 'approved', 'activated')),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX enrolments_id_number ON enrolments(id_number);

-- One-time SMS codes, hashed (HMAC with the server secret), never stored in clear.
CREATE TABLE sms_codes (
  flow_id      TEXT PRIMARY KEY,             -- the enrolment / flow the code confirms
  purpose      TEXT NOT NULL,
  phone        TEXT NOT NULL,
  code_hash    TEXT NOT NULL,
  expires_at   INTEGER NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  consumed_at  INTEGER
) WITHOUT ROWID;

-- Development SMS gateway: messages land here and /api/dev/sms shows them.
CREATE TABLE sms_outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  phone      TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX sms_outbox_phone ON sms_outbox(phone, id);

-- Fixed-window counters for rate limits (key = what is limited, e.g. "enrol:id:0790…").
CREATE TABLE rate_limits (
  key          TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  count        INTEGER NOT NULL
) WITHOUT ROWID;

-- Security events. detail is JSON and never holds secrets or codes.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject    TEXT,
  detail     TEXT
);
CREATE INDEX audit_subject ON audit_log(subject, at);
