-- Citizen services: residence notifications, security and public-order reports,
-- notifications (in-app and Web Push), the agency webhook's events, daily reminders, news.
-- Times are milliseconds since the epoch. Every lookup is by key or index: the officer
-- inboxes by (commune, status), the citizen's history by account, the cron by day.

-- Thông báo lưu trú. A submission is stored once per (account, idempotency key): the
-- phone's offline outbox may send it again after a dropped connection.
CREATE TABLE residence_notices (
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  idempotency_key TEXT NOT NULL,
  request_hash    TEXT NOT NULL,             -- SHA-256 of the validated request: a key reused for other content is refused
  role            TEXT NOT NULL CHECK (role IN ('guest', 'host')),
  commune_code    TEXT NOT NULL,
  address         TEXT NOT NULL,
  people          TEXT NOT NULL,             -- JSON [{ idNumber, fullName }]
  stay_from       TEXT NOT NULL,             -- YYYY-MM-DD
  stay_to         TEXT NOT NULL,
  reason          TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('sent', 'received', 'acknowledged')),
  submitted_at    INTEGER NOT NULL,
  received_at     INTEGER,
  acknowledged_at INTEGER,
  handled_by      TEXT,                      -- officer id
  note            TEXT,
  UNIQUE (account_id, idempotency_key)
) WITHOUT ROWID;
CREATE INDEX residence_notices_account ON residence_notices(account_id, submitted_at);
CREATE INDEX residence_notices_inbox ON residence_notices(commune_code, status, submitted_at);

-- Phản ánh, kiến nghị về ANTT. account_id is kept for an anonymous report too, so that its
-- author sees the reply; the officer's side never returns it.
CREATE TABLE reports (
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  idempotency_key TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  category        TEXT NOT NULL,
  description     TEXT NOT NULL,
  occurred_at     INTEGER NOT NULL,
  commune_code    TEXT NOT NULL,
  place           TEXT NOT NULL,             -- JSON: { kind: 'address', address } | { kind: 'location', latitude, longitude, accuracy? }
  anonymous       INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
  photo_keys      TEXT NOT NULL DEFAULT '[]', -- JSON array of R2 object keys
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

-- The in-app inbox. dedupe_key makes every source idempotent: the daily cron's
-- "birthday:<account>:<day>", the webhook's "procedure:<agency>:<event>", "report_reply:<id>"…
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
-- The push sender's queue: only the few notifications not pushed yet.
CREATE INDEX notifications_push_pending ON notifications(created_at) WHERE push_state = 'pending';

-- Web Push subscriptions (one per browser). The endpoint is the push service's URL.
CREATE TABLE push_subscriptions (
  endpoint    TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  p256dh      TEXT NOT NULL,                 -- base64url, the browser's ECDH public key
  auth        TEXT NOT NULL,                 -- base64url, the 16-byte auth secret
  created_at  INTEGER NOT NULL,
  failures    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX push_subscriptions_account ON push_subscriptions(account_id);

-- The VAPID key pair (RFC 8292), made on first use. One row.
CREATE TABLE vapid_keys (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  private_jwk TEXT NOT NULL,
  public_key  TEXT NOT NULL,                 -- base64url uncompressed point, the applicationServerKey
  created_at  INTEGER NOT NULL
);

-- Events received from agencies (justice, police residence, social insurance): a retried
-- delivery of the same event is accepted and not notified twice.
CREATE TABLE agency_events (
  agency       TEXT NOT NULL,
  event_id     TEXT NOT NULL,
  procedure    TEXT NOT NULL,
  status       TEXT NOT NULL,
  account_id   TEXT,                         -- NULL when no account holds the ID number
  received_at  INTEGER NOT NULL,
  PRIMARY KEY (agency, event_id)
) WITHOUT ROWID;

-- What the daily cron needs per account, copied from the population registry so that the
-- day's birthdays and card expiries are index look-ups, not a scan of the accounts.
CREATE TABLE account_reminders (
  account_id   TEXT PRIMARY KEY REFERENCES accounts(id),
  birth_md     TEXT NOT NULL,                -- MM-DD
  card_expires TEXT NOT NULL,                -- YYYY-MM-DD (2099-12-31: no expiry)
  updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX account_reminders_birthday ON account_reminders(birth_md);
CREATE INDEX account_reminders_card ON account_reminders(card_expires);

-- The cron walks new accounts in creation order to fill account_reminders.
CREATE INDEX accounts_created ON accounts(created_at, id);

-- Small named state of the scheduled jobs (cursors, last run day).
CREATE TABLE job_state (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- News and crime-trick warnings the police publish.
CREATE TABLE news (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('news', 'warning')),
  category      TEXT NOT NULL,
  title         TEXT NOT NULL,
  body          TEXT NOT NULL,
  image_key     TEXT,                        -- R2 object key
  published_by  TEXT NOT NULL,
  published_at  INTEGER NOT NULL,
  push_cursor   TEXT,                        -- a warning being pushed: the last endpoint reached
  push_sent     INTEGER NOT NULL DEFAULT 0,
  push_state    TEXT NOT NULL DEFAULT 'none' CHECK (push_state IN ('none', 'running', 'done'))
) WITHOUT ROWID;
CREATE INDEX news_feed ON news(published_at);
CREATE INDEX news_pushing ON news(push_state) WHERE push_state = 'running';
