-- Accounts and everything keyed by them move to the shard databases (edge/migrations-shard
-- 0003_accounts.sql; README.md, "Scale"): one D1 database holds at most 10 GB, and the country's
-- accounts are several hundred. Their tables leave the main database so that nothing can read or
-- write a stale copy. (Locally the development accounts go with them: register again.)

-- One device key, one account; a passkey credential registered once, citizen or officer: what
-- a UNIQUE key gave in one database, across every shard. A registration reserves its keys here
-- before it writes the shard, and confirms them after; one that stops in between leaves a pending
-- reservation, which housekeeping confirms or releases after looking at the shard (so a failed
-- registration never locks the phone out). `key` is the first 16 bytes of SHA-256 of
-- "device:<key id>" or "credential:<credential id>": a few tens of bytes a row for every device
-- key and passkey the country ever had (edge/store/directory.ts).
CREATE TABLE key_directory (
  key             BLOB PRIMARY KEY,
  reservation     TEXT,                      -- while pending: the reservation's random id (confirmed or released by it); NULL once bound
  pending_account TEXT,                      -- while pending: the account it is reserved for (its id names the shard)
  pending_id      TEXT,                      -- while pending: "device:<key id>" or "credential:<credential id>", to look for on the shard
  pending_since   INTEGER
) WITHOUT ROWID;
CREATE INDEX key_directory_pending ON key_directory(pending_since) WHERE reservation IS NOT NULL;

-- Children before the tables they refer to.
DROP TABLE credentials;
DROP TABLE documents;
DROP TABLE attachments;
DROP TABLE oidc_codes;
DROP TABLE oidc_tokens;
DROP TABLE oidc_disclosures;
DROP TABLE oidc_consents;
DROP TABLE oidc_grants;
DROP TABLE sessions;
DROP TABLE passkeys;
DROP TABLE device_keys;
DROP TABLE notifications;
DROP TABLE push_subscriptions;
DROP TABLE residence_notices;
DROP TABLE reports;
DROP TABLE account_reminders;
DROP TABLE reminder_queue;
DROP TABLE device_changes;
DROP TABLE account_requests;
DROP TABLE enrolments;
DROP TABLE level2_approvals;
DROP TABLE accounts;
