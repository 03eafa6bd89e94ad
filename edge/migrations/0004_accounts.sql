-- Account life after registration: officers and their console, level-2 enrolment in person,
-- device change, temporary lock and unlock, phone-number change, and the notice e-mail outbox.
-- Times are milliseconds since the epoch. Codes are stored only as hashes.

-- Level 2 is registered in person: an officer's approval becomes an enrolment the citizen
-- activates on the phone, through the same SMS-code and passkey steps as level 1.
ALTER TABLE enrolments ADD COLUMN level INTEGER NOT NULL DEFAULT 1 CHECK (level IN (1, 2));
ALTER TABLE enrolments ADD COLUMN email TEXT;

-- Officers (police-station staff). They have their own passkeys and sessions: an officer is
-- never a citizen account, and a citizen passkey never opens the console.
CREATE TABLE officers (
  id         TEXT PRIMARY KEY,               -- random; the WebAuthn user handle
  name       TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('officer', 'supervisor')),
  unit_code  TEXT NOT NULL,                  -- the commune / unit the officer works for
  status     TEXT NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
  created_by TEXT NOT NULL,                  -- 'bootstrap' or the supervisor's officer id
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX officers_role_status ON officers(role, status);

-- One-time codes that let a person register an officer passkey: 'bootstrap' (the first
-- supervisor, printed by `npm start` / `npm run officer:bootstrap` while no supervisor
-- exists) or 'invite' (made by a supervisor for one invited officer).
CREATE TABLE officer_invites (
  code_hash  TEXT PRIMARY KEY,               -- base64url(SHA-256(normalised code))
  kind       TEXT NOT NULL CHECK (kind IN ('bootstrap', 'invite')),
  officer_id TEXT,                           -- the invited officer (NULL for bootstrap)
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
) WITHOUT ROWID;

CREATE TABLE officer_passkeys (
  credential_id   TEXT PRIMARY KEY,
  officer_id      TEXT NOT NULL REFERENCES officers(id),
  public_key      BLOB NOT NULL,
  counter         INTEGER NOT NULL,
  backup_eligible INTEGER NOT NULL,
  backed_up       INTEGER NOT NULL,
  transports      TEXT NOT NULL DEFAULT '[]',
  created_at      INTEGER NOT NULL,
  last_used_at    INTEGER,
  revoked_at      INTEGER
) WITHOUT ROWID;
CREATE INDEX officer_passkeys_officer ON officer_passkeys(officer_id);

CREATE TABLE officer_sessions (
  token_hash          TEXT PRIMARY KEY,
  officer_id          TEXT NOT NULL REFERENCES officers(id),
  created_at          INTEGER NOT NULL,
  expires_at          INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX officer_sessions_officer ON officer_sessions(officer_id);

-- An officer's level-2 approval for a citizen who has no account yet: the citizen activates
-- it in the app with the ID number, the phone recorded here and an SMS code.
CREATE TABLE level2_approvals (
  id_number   TEXT PRIMARY KEY,
  phone       TEXT NOT NULL,
  email       TEXT,
  officer_id  TEXT NOT NULL REFERENCES officers(id),
  unit_code   TEXT NOT NULL,
  approved_at INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER
) WITHOUT ROWID;

-- Device change: a new phone asks to take over the account. account_id is NULL for a decoy
-- (ID number and phone did not match an account): it behaves exactly like a real request,
-- so the answers never tell whether an ID number has an account.
CREATE TABLE device_changes (
  id                 TEXT PRIMARY KEY,
  account_id         TEXT REFERENCES accounts(id),
  label              TEXT,                   -- the new device, as it describes itself
  state              TEXT NOT NULL CHECK (state IN ('code_sent', 'pending', 'waiting', 'approved', 'completed', 'cancelled')),
  approval_code_hash TEXT,                   -- HMAC of the short code the new device shows
  new_device_key_id  TEXT,                   -- the key the new device will bind (fixed at verification)
  ready_at           INTEGER,                -- end of the waiting period (lost old device, level 1)
  approved_via       TEXT CHECK (approved_via IN ('old-device', 'waiting', 'officer')),
  approved_by        TEXT,                   -- the approving device key id or officer id
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  expires_at         INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX device_changes_account ON device_changes(account_id, state);

-- Short SMS-confirmed requests on an account: lock from a computer, unlock, phone change.
-- account_id NULL = decoy, as above.
CREATE TABLE account_requests (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('lock', 'unlock', 'phone')),
  account_id    TEXT REFERENCES accounts(id),
  device_key_id TEXT,                        -- unlock, phone: the bound device that proved itself
  new_phone     TEXT,                        -- phone: the number being confirmed
  state         TEXT NOT NULL CHECK (state IN ('code_sent', 'done')),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
) WITHOUT ROWID;

-- Development e-mail gateway (notices only; nothing secret is ever e-mailed).
CREATE TABLE mail_outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  to_address TEXT NOT NULL,
  subject    TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX mail_outbox_to ON mail_outbox(to_address, id);

-- The officer audit view reads an officer's actions.
CREATE INDEX audit_actor ON audit_log(actor, at);
