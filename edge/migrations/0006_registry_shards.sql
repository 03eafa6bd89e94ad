-- The synthetic population registry moved to its own D1 databases, split by ID-number prefix
-- (edge/migrations-registry, edge/store/shards.ts). Its tables leave the main database so that
-- nothing can read a stale copy. Locally `npm start` seeds the shards afresh.
DROP TABLE registry_relations;
DROP TABLE registry_citizens;
