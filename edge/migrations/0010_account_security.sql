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

-- The officer who last recorded or changed the account's phone at a desk, and when (a level-2
-- approval that set a new number, or the approval an account was activated from). Four eyes:
-- that officer may not also approve a device change for the account for 30 days, or one
-- insider could set their own number and then move the account to their own phone. Cleared
-- when the citizen changes the number.
ALTER TABLE accounts ADD COLUMN phone_officer_id TEXT;
ALTER TABLE accounts ADD COLUMN phone_officer_at INTEGER;

-- A level-2 approval for a citizen without an account is activated with a one-time code as
-- well as the SMS code: shown once to the officer, handed to the citizen on paper, stored
-- only as an HMAC, NULL once used (a swapped SIM alone no longer activates someone's level 2).
-- Wrong codes are counted; at five the approval is void and an officer approves again.
-- Approvals made before this migration have no code: the citizen returns to the desk.
ALTER TABLE level2_approvals ADD COLUMN activation_code_hash TEXT;
ALTER TABLE level2_approvals ADD COLUMN activation_attempts INTEGER NOT NULL DEFAULT 0;
