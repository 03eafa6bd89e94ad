-- The daily cron filled account_reminders by walking accounts from a (created_at, id)
-- cursor. created_at is stamped when a request starts, and requests commit in any order:
-- an account committed after the cursor had passed its timestamp was never enrolled (no
-- greeting, no card warning, ever). Now each new account queues itself in the very
-- transaction that creates it, and the cron empties the queue: a committed account cannot
-- be passed over.
CREATE TABLE reminder_queue (
  account_id  TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TRIGGER accounts_queue_reminder AFTER INSERT ON accounts
BEGIN
  INSERT OR IGNORE INTO reminder_queue (account_id) VALUES (NEW.id);
END;

-- Accounts the old walk had not reached, or had passed over.
INSERT INTO reminder_queue (account_id)
  SELECT id FROM accounts WHERE NOT EXISTS (SELECT 1 FROM account_reminders r WHERE r.account_id = accounts.id);

-- Only the walk used these.
DELETE FROM job_state WHERE name = 'reminders.cursor';
DROP INDEX accounts_created;
