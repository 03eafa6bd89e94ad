/** The population-registry adapter backed by the synthetic registry seeded into the registry shards (D1). */
import { citizenStatement, readCitizen, readDependants, readPreviousIdCards } from '../store/registry';
import type { Shards } from '../store/shards';
import type { PopulationRegistry } from './population';

/** Reads go to the registry shard that holds the ID number (store/shards.ts). */
export function syntheticPopulationRegistry(shards: Shards): PopulationRegistry {
  return {
    findCitizen: (idNumber) => readCitizen(shards, idNumber),
    citizenStatement: (db, idNumber) => (shards.dbFor(idNumber) === db ? citizenStatement(shards.dbFor(idNumber), idNumber) : null),
    findPreviousIdCards: (idNumber) => readPreviousIdCards(shards, idNumber),
    findDependants: (idNumber) => readDependants(shards, idNumber),
  };
}
