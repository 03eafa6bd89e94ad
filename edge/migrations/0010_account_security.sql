-- Account security (issue 4 audit): who locked an account, who recorded its phone at a desk,
-- and the one-time code that activates an officer's level-2 approval.

-- Who locked a locked account: 'self' (the app on a bound phone), 'remote' (any computer with
-- the ID number, the phone and an SMS code) or 'officer'. The citizen's own unlock (SMS code +
-- passkey + device key) undoes only a self lock: after a remote or officer lock the phone may
-- be in someone else's hands. NULL while active.
ALTER TABLE accounts ADD COLUMN locked_by TEXT CHECK (locked_by IN ('self', 'remote', 'officer'));

-- Accounts locked before this migration: as their latest lock in the audit log says (a lock
-- with no record counts as remote, the stricter reading).
UPDATE accounts SET locked_by = COALESCE(
  (SELECT CASE WHEN actor LIKE 'account:%' THEN 'self' WHEN actor LIKE 'officer:%' THEN 'officer' ELSE 'remote' END
     FROM audit_log WHERE subject = accounts.id AND action = 'account.locked' ORDER BY at DESC, id DESC LIMIT 1),
  'remote')
WHERE status = 'locked';
