-- The status list is published in parts of 2^20 indices (shared/credential/FORMAT.md §9): part n
-- covers status_index n·2^20 … n·2^20 + 2^20 − 1, i.e. status_index >> 20 = n. Each part has its
-- own version, bumped in the same batch as every status change in it (edge/store/documents.ts),
-- so a change rebuilds one part at the edge and a verifier downloads only the parts that moved.
-- A part without a row is at version 0.
CREATE TABLE status_parts (
  part    INTEGER PRIMARY KEY,
  version INTEGER NOT NULL
);

-- Every part that exists now starts at the list's global version, which it replaces: the parts
-- from 0 to the one holding the last index covered ahead of those allocated (2^16 ahead).
WITH RECURSIVE parts(part) AS (
  SELECT 0
  UNION ALL
  SELECT part + 1 FROM parts
  WHERE part < ((SELECT value FROM counters WHERE name = 'status_index') + 65535) / 1048576
)
INSERT INTO status_parts (part, version)
SELECT part, (SELECT value FROM counters WHERE name = 'status_version') FROM parts;
DELETE FROM counters WHERE name = 'status_version';
