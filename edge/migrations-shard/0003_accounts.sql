-- Accounts and everything keyed by them, on the shard of the citizen's ID-number prefix
-- (edge/store/shards.ts; README.md, "Scale"). Every look-up is by account, by ID number, or by an
-- id or token whose routing key names this shard (edge/store/shard-keys.ts); nothing here is
-- joined across citizens, so no query needs another shard. The tables are those the main
-- database had up to its migration 0013, as they were then, minus references to global tables
-- (oidc_clients, officers), which live in the main database.
-- What stays global (main database): officers, portals, challenges, rate limits, SMS codes and
-- outboxes, the directory of device keys and passkey credentials (key_directory), the status
-- list's allocation counter and part versions, news, agency events, the VAPID key, job state.

CREATE TABLE accounts (
  id               TEXT PRIMARY KEY,          -- a routing key (shard-keys.ts); also the WebAuthn user handle
  id_number        TEXT NOT NULL UNIQUE,      -- one account per ID number: the ID number has one shard
  level            INTEGER NOT NULL CHECK (level IN (1, 2)),
  status           TEXT NOT NULL CHECK (status IN ('active', 'locked')),
  locked_by        TEXT CHECK (locked_by IN ('self', 'remote', 'officer')),
  phone            TEXT NOT NULL,
  email            TEXT,
  phone_officer_id TEXT,
  phone_officer_at INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) WITHOUT ROWID;

-- A device key and a passkey credential are unique across every shard through the main
-- database's key_directory, reserved before they are written here.
CREATE TABLE device_keys (
  key_id       TEXT PRIMARY KEY,             -- base64url(SHA-256(raw public key))
  account_id   TEXT NOT NULL REFERENCES accounts(id),
  public_key   BLOB NOT NULL,
  label        TEXT,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) WITHOUT ROWID;
CREATE INDEX device_keys_account ON device_keys(account_id);

CREATE TABLE passkeys (
  credential_id   TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  device_key_id   TEXT NOT NULL REFERENCES device_keys(key_id),
  public_key      BLOB NOT NULL,
  counter         INTEGER NOT NULL,
  backup_eligible INTEGER NOT NULL,
  backed_up       INTEGER NOT NULL,
  transports      TEXT NOT NULL DEFAULT '[]',
  created_at      INTEGER NOT NULL,
  last_used_at    INTEGER,
  revoked_at      INTEGER
) WITHOUT ROWID;
CREATE INDEX passkeys_account ON passkeys(account_id);

-- The token carries this shard's key; only its hash is stored.
CREATE TABLE sessions (
  token_hash          TEXT PRIMARY KEY,
  account_id          TEXT NOT NULL REFERENCES accounts(id),
  device_key_id       TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  expires_at          INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_account ON sessions(account_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- Registrations in progress (level 1 online, level 2 activations), on the shard of the ID number typed.
CREATE TABLE enrolments (
  id          TEXT PRIMARY KEY,
  id_number   TEXT NOT NULL,
  phone       TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('code_sent', 'approved', 'activated')),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  level       INTEGER NOT NULL DEFAULT 1 CHECK (level IN (1, 2)),
  email       TEXT
) WITHOUT ROWID;
CREATE INDEX enrolments_id_number ON enrolments(id_number);
CREATE INDEX enrolments_expiry ON enrolments(expires_at);

-- The citizen's side of the audit log: their own acts, and officers' acts on them (subject: the
-- account, or citizen:<ID number> before it exists). Officers' acts are in the main database's
-- audit_log too, for the supervisors' panel (edge/domain/audit.ts).
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject    TEXT,
  detail     TEXT
);
CREATE INDEX audit_subject ON audit_log(subject, at);

CREATE TABLE attachments (
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  doc_type    TEXT NOT NULL,
  attached_by TEXT NOT NULL,
  attached_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, doc_type)
) WITHOUT ROWID;

-- Status indices are allocated from the main database's counter (unique per issuer across every
-- shard); a part of the status list is built from the non-valid rows of its range on every shard.
CREATE TABLE documents (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  doc_type      TEXT NOT NULL,
  subject       TEXT NOT NULL,
  data          TEXT NOT NULL,
  data_hash     TEXT NOT NULL,
  device_key_id TEXT NOT NULL,
  status_index  INTEGER NOT NULL UNIQUE,
  status        INTEGER NOT NULL DEFAULT 0,
  issued_at     INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  superseded_at INTEGER
) WITHOUT ROWID;
CREATE INDEX documents_current ON documents(account_id, superseded_at);
CREATE INDEX documents_not_valid ON documents(status_index) WHERE status <> 0;
CREATE UNIQUE INDEX documents_one_current ON documents(account_id, doc_type, subject) WHERE superseded_at IS NULL;

CREATE TABLE credentials (
  document_id TEXT NOT NULL REFERENCES documents(id),
  view        TEXT NOT NULL,
  bytes       BLOB NOT NULL,
  PRIMARY KEY (document_id, view)
) WITHOUT ROWID;

-- Status-list parts whose rows changed here and whose version in the main database is not yet
-- bumped: written in the transaction of the change, removed once the bump is made, so a worker
-- that stops in between leaves the bump to housekeeping instead of losing it (edge/store/documents.ts).
CREATE TABLE status_parts_pending (
  part  INTEGER PRIMARY KEY,
  seq   INTEGER NOT NULL,                    -- moved by every change, so a removal takes only what it bumped
  since INTEGER NOT NULL
);

CREATE TABLE level2_approvals (
  id_number            TEXT PRIMARY KEY,
  phone                TEXT NOT NULL,
  email                TEXT,
  officer_id           TEXT NOT NULL,        -- an officer of the main database
  unit_code            TEXT NOT NULL,
  approved_at          INTEGER NOT NULL,
  expires_at           INTEGER NOT NULL,
  used_at              INTEGER,
  activation_code_hash TEXT,
  activation_attempts  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE device_changes (
  id                 TEXT PRIMARY KEY,
  account_id         TEXT REFERENCES accounts(id),
  label              TEXT,
  state              TEXT NOT NULL CHECK (state IN ('code_sent', 'pending', 'waiting', 'approved', 'completed', 'cancelled')),
  approval_code_hash TEXT,
  new_device_key_id  TEXT,
  ready_at           INTEGER,
  approved_via       TEXT CHECK (approved_via IN ('old-device', 'waiting', 'officer')),
  approved_by        TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  expires_at         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX device_changes_account ON device_changes(account_id, state);
CREATE INDEX device_changes_expiry ON device_changes(expires_at);

CREATE TABLE account_requests (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('lock', 'unlock', 'phone')),
  account_id    TEXT REFERENCES accounts(id),
  device_key_id TEXT,
  new_phone     TEXT,
  state         TEXT NOT NULL CHECK (state IN ('code_sent', 'done')),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX account_requests_expiry ON account_requests(expires_at);

-- Single sign-on rows of the citizen; the portals (oidc_clients) are global.
CREATE TABLE oidc_grants (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  client_id   TEXT NOT NULL,
  sub         TEXT NOT NULL,
  scopes      TEXT NOT NULL,
  level       INTEGER NOT NULL,
  auth_time   INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) WITHOUT ROWID;
CREATE INDEX oidc_grants_account_client ON oidc_grants(account_id, client_id);
CREATE INDEX oidc_grants_expiry ON oidc_grants(expires_at);

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

CREATE TABLE oidc_consents (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  client_id  TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, client_id)
) WITHOUT ROWID;

CREATE TABLE oidc_disclosures (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  client_id   TEXT NOT NULL,
  client_name TEXT NOT NULL,
  items       TEXT NOT NULL,
  level       INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  grant_id    TEXT,
  kind        TEXT NOT NULL DEFAULT 'sign_in' CHECK (kind IN ('sign_in', 'userinfo')),
  day         INTEGER
);
CREATE INDEX oidc_disclosures_account ON oidc_disclosures(account_id, at);
CREATE UNIQUE INDEX oidc_disclosures_grant_day ON oidc_disclosures(grant_id, day, items) WHERE grant_id IS NOT NULL;

-- Citizen services. An officer's inbox reads every shard (the communes of their unit) and merges.
CREATE TABLE residence_notices (
  id              TEXT PRIMARY KEY,          -- a routing key: an officer opens it by id
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  idempotency_key TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('guest', 'host')),
  commune_code    TEXT NOT NULL,
  address         TEXT NOT NULL,
  people          TEXT NOT NULL,
  stay_from       TEXT NOT NULL,
  stay_to         TEXT NOT NULL,
  reason          TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('sent', 'received', 'acknowledged')),
  submitted_at    INTEGER NOT NULL,
  received_at     INTEGER,
  acknowledged_at INTEGER,
  handled_by      TEXT,
  note            TEXT,
  UNIQUE (account_id, idempotency_key)
) WITHOUT ROWID;
CREATE INDEX residence_notices_account ON residence_notices(account_id, submitted_at);
CREATE INDEX residence_notices_inbox ON residence_notices(commune_code, status, submitted_at);

CREATE TABLE reports (
  id              TEXT PRIMARY KEY,          -- a routing key, sealed: it tells an officer nothing of an anonymous author
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  idempotency_key TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  category        TEXT NOT NULL,
  description     TEXT NOT NULL,
  occurred_at     INTEGER NOT NULL,
  commune_code    TEXT NOT NULL,
  place           TEXT NOT NULL,
  anonymous       INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
  photo_keys      TEXT NOT NULL DEFAULT '[]',
  status          TEXT NOT NULL CHECK (status IN ('sent', 'received', 'answered')),
  submitted_at    INTEGER NOT NULL,
  received_at     INTEGER,
  answered_at     INTEGER,
  handled_by      TEXT,
  reply           TEXT,
  UNIQUE (account_id, idempotency_key)
) WITHOUT ROWID;
CREATE INDEX reports_account ON reports(account_id, submitted_at);
CREATE INDEX reports_inbox ON reports(commune_code, status, submitted_at);

CREATE TABLE notifications (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  dedupe_key  TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL,
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  link        TEXT,
  created_at  INTEGER NOT NULL,
  read_at     INTEGER,
  push_state  TEXT NOT NULL DEFAULT 'pending' CHECK (push_state IN ('pending', 'done'))
) WITHOUT ROWID;
CREATE INDEX notifications_account ON notifications(account_id, created_at);
CREATE INDEX notifications_unread ON notifications(account_id) WHERE read_at IS NULL;
CREATE INDEX notifications_push_pending ON notifications(created_at) WHERE push_state = 'pending';

-- A warning pushed to every subscriber walks each shard's subscriptions in endpoint order.
CREATE TABLE push_subscriptions (
  endpoint    TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  p256dh      TEXT NOT NULL,
  auth        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  failures    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX push_subscriptions_account ON push_subscriptions(account_id);

-- The daily cron, run on every shard.
CREATE TABLE account_reminders (
  account_id   TEXT PRIMARY KEY REFERENCES accounts(id),
  birth_md     TEXT NOT NULL,
  card_expires TEXT NOT NULL,
  updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX account_reminders_birthday ON account_reminders(birth_md);
CREATE INDEX account_reminders_card ON account_reminders(card_expires);

CREATE TABLE reminder_queue (
  account_id  TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TRIGGER accounts_queue_reminder AFTER INSERT ON accounts
BEGIN
  INSERT OR IGNORE INTO reminder_queue (account_id) VALUES (NEW.id);
END;
