-- The ID cards a citizen held before the current chip card (the e-ID card's earlier cards):
-- the 9-digit CMND (chứng minh nhân dân), and 12-digit CCCD cards replaced at a re-issue, which
-- carry the personal ID number itself. Kept on the citizen's shard, oldest first.

CREATE TABLE registry_id_cards (
  id_number   TEXT NOT NULL,               -- the citizen
  seq         INTEGER NOT NULL,            -- 1 for the oldest card
  card_number TEXT NOT NULL,               -- 9 digits (CMND) or 12 (CCCD)
  kind        TEXT NOT NULL CHECK (kind IN ('CMND', 'CCCD')),
  issue_date  TEXT,                        -- YYYY-MM-DD; NULL where the registry does not know it
  PRIMARY KEY (id_number, seq)
) WITHOUT ROWID;
