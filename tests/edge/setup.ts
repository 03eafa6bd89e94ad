// Runs in workerd before each test file: the real migrations on the real (local) D1,
// then the synthetic registry's demo citizens.
import { applyD1Migrations, env } from 'cloudflare:test';
import { citizensInsertSql, relationsInsertSql } from '../../edge/store/registry';
import { DEMO_CITIZENS, DEMO_RELATIONS, syntheticCitizen } from '../../edge/registries/synthetic';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await env.DB.exec(
  citizensInsertSql([...DEMO_CITIZENS, ...Array.from({ length: 50 }, (_, i) => syntheticCitizen(i))]).replace(/\n/g, ' '),
);
await env.DB.exec(relationsInsertSql(DEMO_RELATIONS));
