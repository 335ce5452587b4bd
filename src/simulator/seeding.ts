// Helpers the route modules use to read their part of a seed (see KindRoutes.seed in route-types.ts).
import { SimError } from './errors.js';
import type { Json, SeedAccount } from './types.js';

export class SeedError extends Error {}

/** createdBy/updatedBy of seed objects that do not say. */
export const SEED_USER = 'qcs-demo';

/** The entries under one seed key ([] when absent); a non-array is an error. */
export function seedEntries<T = Json>(seed: SeedAccount, key: string): T[] {
  const v = seed[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new SeedError(`seed.${key} must be an array`);
  return v as T[];
}

/** Runs `fn` on each entry under `key`; an error names the entry (`seed.exceptions[2]: …`). */
export function eachSeed(seed: SeedAccount, key: string, fn: (o: Json) => void): void {
  seedEntries(seed, key).forEach((o, i) => {
    try {
      fn(o);
    } catch (e) {
      const msg = e instanceof SimError || e instanceof SeedError ? e.message : String(e);
      throw new SeedError(`seed.${key}[${i}]: ${msg}`);
    }
  });
}

/** Refuses a second object named like `o` (by `field`) in `map`. */
export function uniqueName(map: Map<string, Json>, field: string, o: Json, id: string, key: string): void {
  for (const [oid, x] of map) if (oid !== id && x[field] === o[field]) throw new SeedError(`seed.${key}: two objects are named "${String(o[field])}"`);
}
