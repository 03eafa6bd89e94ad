/** The synthetic registry as the tests see it: spread over the registry shards (edge/store/shards.ts). */
import { env } from 'cloudflare:test';
import { shardRouter } from '../../../edge/http/app';
import type { Citizen } from '../../../edge/registries/population';
import { syntheticPreviousIdCards } from '../../../edge/registries/synthetic';
import { citizensInsertSql, previousIdCardsInsertSql, relationsInsertSql } from '../../../edge/store/registry';
import { partitionByShard } from '../../../edge/store/shards';

/** The registry shard that holds this ID number, as the worker's router picks it. */
export function registryDb(idNumber: string): D1Database {
  return shardRouter(env).dbFor(idNumber);
}

/** Inserts citizens with their earlier ID cards (as the seed does), each on the shard of their ID number. */
export async function insertCitizens(citizens: readonly Citizen[]): Promise<void> {
  const shards = shardRouter(env);
  for (const [binding, inShard] of partitionByShard(shards.map, citizens, (c) => c.idNumber)) {
    await shards.db(binding).exec(citizensInsertSql(inShard).replace(/\n/g, ' '));
    const cards = previousIdCardsInsertSql(inShard.map((c) => ({ idNumber: c.idNumber, cards: syntheticPreviousIdCards(c) })));
    if (cards) await shards.db(binding).exec(cards.replace(/\n/g, ' '));
  }
}

/** Records relations, each on its holder's shard. */
export async function insertRelations(relations: ReadonlyArray<{ holder: string; dependant: string; relation: string }>): Promise<void> {
  const shards = shardRouter(env);
  for (const [binding, inShard] of partitionByShard(shards.map, relations, (r) => r.holder)) {
    await shards.db(binding).exec(relationsInsertSql(inShard));
  }
}

/** Whether any shard holds this ID number or this phone. */
export async function inRegistry(idNumber: string, phone: string | null): Promise<boolean> {
  const shards = shardRouter(env);
  for (const binding of shards.map.bindings) {
    const row = await shards.db(binding).prepare('SELECT 1 FROM registry_citizens WHERE id_number = ? OR phone = ?').bind(idNumber, phone).first();
    if (row) return true;
  }
  return false;
}
