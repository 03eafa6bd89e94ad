/** The population-registry adapter backed by the synthetic registry seeded into D1. */
import { readCitizen, readDependants } from '../store/registry';
import type { PopulationRegistry } from './population';

export function syntheticPopulationRegistry(db: D1Database): PopulationRegistry {
  return {
    findCitizen: (idNumber) => readCitizen(db, idNumber),
    findDependants: (idNumber) => readDependants(db, idNumber),
  };
}
