-- Issued documents, their signed credentials, the status list and the registries beyond
-- population (synthetic locally: transport, insurance and health come from generators).

-- Relations in the population registry: parents and guardians of dependants.
CREATE TABLE registry_relations (
  holder_id_number    TEXT NOT NULL,        -- the parent or guardian
  dependant_id_number TEXT NOT NULL,
  relation            TEXT NOT NULL,        -- the holder's relation to the dependant: "Cha", "Mẹ", "Người giám hộ"
  PRIMARY KEY (holder_id_number, dependant_id_number)
) WITHOUT ROWID;

-- Documents an officer attached to a level-2 account after checking the originals.
CREATE TABLE attachments (
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  doc_type    TEXT NOT NULL,
  attached_by TEXT NOT NULL,
  attached_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, doc_type)
) WITHOUT ROWID;

-- One row per issued version of a document. A re-issue (registry change, new device key)
-- writes a new row with a new status index and marks the old one superseded and revoked.
CREATE TABLE documents (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  doc_type      TEXT NOT NULL,
  subject       TEXT NOT NULL,              -- whose document: the holder's or a dependant's ID number
  data          TEXT NOT NULL,              -- JSON of the full data as issued
  data_hash     TEXT NOT NULL,
  device_key_id TEXT NOT NULL,
  status_index  INTEGER NOT NULL UNIQUE,
  status        INTEGER NOT NULL DEFAULT 0, -- status-list value: 0 valid, 1 revoked, 2 suspended
  issued_at     INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  superseded_at INTEGER
) WITHOUT ROWID;
CREATE INDEX documents_current ON documents(account_id, superseded_at);
-- The status list is built from the few documents that are not valid: a partial index keeps that O(revoked).
CREATE INDEX documents_not_valid ON documents(status_index) WHERE status <> 0;

-- The signed credentials of a document version, one per view.
CREATE TABLE credentials (
  document_id TEXT NOT NULL REFERENCES documents(id),
  view        TEXT NOT NULL,
  bytes       BLOB NOT NULL,
  PRIMARY KEY (document_id, view)
) WITHOUT ROWID;

-- Monotonic counters (status indices).
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('status_index', 0);

-- Bumped whenever a status changes, so a cached signed status list knows it is stale.
INSERT INTO counters (name, value) VALUES ('status_version', 0);
