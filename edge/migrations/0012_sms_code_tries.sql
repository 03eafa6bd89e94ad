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
