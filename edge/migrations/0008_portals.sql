-- The portal registry managed by supervisors from the officer console, and the sharing
-- history of data a portal fetches after the sign-in (UserInfo under refreshed tokens).

-- Disabling a portal voids every grant and consent given to it up to that moment: tokens,
-- refresh tokens and remembered consents of grants made at or before revoked_before no longer
-- count, even after the portal is enabled again (then citizens are asked afresh). Checked
-- where a grant or consent is used, so disabling a portal with millions of grants is one
-- row's update, not a scan.
ALTER TABLE oidc_clients ADD COLUMN revoked_before INTEGER NOT NULL DEFAULT 0;

-- A disclosure now names the grant it was made under, how (the sign-in's code redemption, or
-- a later UserInfo call) and the day (Vietnam time, days since the epoch). One row per grant,
-- day and set of items: a portal refreshing every ten minutes leaves one line a day in the
-- citizen's history, not 144. Older rows have no grant and are never deduplicated.
ALTER TABLE oidc_disclosures ADD COLUMN grant_id TEXT;
ALTER TABLE oidc_disclosures ADD COLUMN kind TEXT NOT NULL DEFAULT 'sign_in' CHECK (kind IN ('sign_in', 'userinfo'));
ALTER TABLE oidc_disclosures ADD COLUMN day INTEGER;
CREATE UNIQUE INDEX oidc_disclosures_grant_day ON oidc_disclosures(grant_id, day, items) WHERE grant_id IS NOT NULL;
