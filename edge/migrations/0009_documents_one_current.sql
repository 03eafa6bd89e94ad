-- One current version per document: two syncs of one account at the same moment (the phone
-- twice, or an officer's approval beside a sync) each read the current versions and issued
-- their own. The unique index makes the later batch fail and roll back; the sync then reads
-- again and keeps the version that won (edge/domain/documents.ts).
-- Duplicates made before this: the newest stays, the others are revoked as superseded.
UPDATE documents SET superseded_at = issued_at, status = 1
WHERE superseded_at IS NULL
  AND id NOT IN (
    SELECT id FROM (
      SELECT id, ROW_NUMBER() OVER (PARTITION BY account_id, doc_type, subject ORDER BY issued_at DESC, id DESC) AS n
      FROM documents WHERE superseded_at IS NULL
    ) WHERE n = 1
  );
-- The status list is rebuilt when its version moves.
UPDATE counters SET value = value + 1 WHERE name = 'status_version';
CREATE UNIQUE INDEX documents_one_current ON documents(account_id, doc_type, subject) WHERE superseded_at IS NULL;
