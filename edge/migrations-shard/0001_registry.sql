-- A registry shard: the seeded synthetic population registry for one range of ID-number
-- prefixes (edge/store/shards.ts; README.md, "Scale"). Every registry shard has this schema.
-- The national population registry is not ours: in production the edge reaches it through an
-- adapter; locally and in tests these shards stand in for it.

CREATE TABLE registry_citizens (
  id_number     TEXT PRIMARY KEY,            -- 12 digits, first three = province code
  full_name     TEXT NOT NULL,
  birth_date    TEXT NOT NULL,               -- YYYY-MM-DD
  sex           TEXT NOT NULL CHECK (sex IN ('M', 'F')),
  phone         TEXT,                        -- E.164, +84…
  province_code TEXT NOT NULL,
  hometown      TEXT NOT NULL,
  address       TEXT NOT NULL,
  ethnicity     TEXT NOT NULL,
  card_issued   TEXT NOT NULL,               -- chip ID card, YYYY-MM-DD
  card_expires  TEXT NOT NULL
) WITHOUT ROWID;

-- Parents and guardians of dependants, kept on the holder's shard (the dependant's own record
-- may be on another one).
CREATE TABLE registry_relations (
  holder_id_number    TEXT NOT NULL,        -- the parent or guardian
  dependant_id_number TEXT NOT NULL,
  relation            TEXT NOT NULL,        -- the holder's relation to the dependant: "Cha", "Mẹ", "Người giám hộ"
  PRIMARY KEY (holder_id_number, dependant_id_number)
) WITHOUT ROWID;
