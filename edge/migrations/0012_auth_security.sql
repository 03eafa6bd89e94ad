-- SMS-code tries are counted per phone and purpose, not per code: a new code must not bring five
-- fresh tries (five codes an hour × five tries), and a lock must outlive the code it was earned on.
-- The try is counted by one conditional UPDATE before the code is compared (edge/store/sms.ts), so
-- concurrent guesses cannot get past the count.
CREATE TABLE sms_code_tries (
  phone        TEXT NOT NULL,
  purpose      TEXT NOT NULL,
  attempts     INTEGER NOT NULL,   -- tries counted since the last lock ended (or the count was forgotten)
  lockouts     INTEGER NOT NULL,   -- locks since the last right code: each one lasts twice the one before
  locked_until INTEGER,
  updated_at   INTEGER NOT NULL,   -- the last try; a day later the row is forgotten
  PRIMARY KEY (phone, purpose)
) WITHOUT ROWID;
CREATE INDEX sms_code_tries_updated ON sms_code_tries(updated_at);

-- Codes locked when this runs stay locked, now on their phone.
INSERT INTO sms_code_tries (phone, purpose, attempts, lockouts, locked_until, updated_at)
SELECT phone, purpose, 5, 1, max(locked_until), CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM sms_codes WHERE locked_until > CAST(strftime('%s', 'now') AS INTEGER) * 1000
GROUP BY phone, purpose;

ALTER TABLE sms_codes DROP COLUMN attempts;
ALTER TABLE sms_codes DROP COLUMN locked_until;

-- RP-initiated logout (edge/domain/oidc/logout.ts): the end-session endpoint validates what a
-- portal sent and hands it to the PWA's /sso/logout, which ends the session with a same-origin
-- POST (the session cookie is SameSite=Strict: a portal on another site never sends it). Taken
-- (deleted) by that POST, so each is used once; bound to the browser like authorization requests.
CREATE TABLE oidc_logout_requests (
  id                       TEXT PRIMARY KEY,
  client_id                TEXT,            -- the portal (client_id, or the hint's aud), or NULL
  hint_sub                 TEXT,            -- the pairwise sub of a valid id_token_hint, or NULL
  post_logout_redirect_uri TEXT,            -- registered for the portal (checked again when used), or NULL
  state                    TEXT,
  browser_hash             TEXT NOT NULL,
  expires_at               INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX oidc_logout_requests_expiry ON oidc_logout_requests(expires_at);
