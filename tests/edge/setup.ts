// Runs in workerd before each test file: the real migrations on the real (local) D1 databases
// (the main one and every registry shard), then the synthetic registry's demo citizens, each on
// the shard of their ID number.
import { applyD1Migrations, env } from 'cloudflare:test';
import { shardRouter } from '../../edge/http/app';
import { DEMO_CITIZENS, DEMO_RELATIONS, syntheticCitizen } from '../../edge/registries/synthetic';
import { insertCitizens, insertRelations } from './helpers/registry';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
const shards = shardRouter(env);
for (const binding of shards.map.bindings) await applyD1Migrations(shards.db(binding), env.TEST_SHARD_MIGRATIONS);
await insertCitizens([...DEMO_CITIZENS, ...Array.from({ length: 50 }, (_, i) => syntheticCitizen(i))]);
await insertRelations(DEMO_RELATIONS);
