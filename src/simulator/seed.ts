// Seed files: load an initial account and dump one back. Each route module owns its part (its seed keys,
// system objects and read representation); this module only reads the file and walks the routes.
import { readFileSync } from 'node:fs';
import { Account } from './account.js';
import { ALL_ROUTES } from './routes/index.js';
import { SeedError } from './seeding.js';
import type { Json, SeedAccount } from './types.js';

export { SeedError } from './seeding.js';

/** Every seed key some route reads, in route order. */
export const SEED_KEYS: readonly string[] = ALL_ROUTES.flatMap((r) => r.seedKeys);

export function readSeedFile(path: string): SeedAccount {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SeedError(`Cannot read the seed file ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as SeedAccount;
  } catch (e) {
    throw new SeedError(`The seed file ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Builds an account from a seed (each kind's system objects first; seed entries with the same id replace them). */
export function accountFromSeed(seedIn: SeedAccount | string | undefined, now: number): Account {
  const seed: SeedAccount = typeof seedIn === 'string' ? readSeedFile(seedIn) : (seedIn ?? {});
  if (seed === null || typeof seed !== 'object' || Array.isArray(seed)) throw new SeedError('A seed must be a JSON object');
  const unknownKeys = Object.keys(seed).filter((k) => !SEED_KEYS.includes(k));
  if (unknownKeys.length > 0) throw new SeedError(`Unknown seed key(s): ${unknownKeys.join(', ')}; expected ${SEED_KEYS.join(', ')}`);
  const a = new Account();
  for (const routes of ALL_ROUTES) routes.seed(a, seed, now);
  return a;
}

/** The account in seed format: every route's part, in route order. */
export function dumpAccount(a: Account): SeedAccount {
  const out: SeedAccount = {};
  for (const routes of ALL_ROUTES) Object.assign(out, routes.dump(a));
  return out;
}

/** The stored objects of a kind, by its seed key (`exceptions`) or its kind name (`Exception`), for the admin
 * API's raw reads: the route that names the key first among its seedKeys owns the objects. */
export function storedMap(a: Account, key: string): Map<string, Json> | undefined {
  const routes = ALL_ROUTES.find((r) => r.seedKeys[0] === key || r.kind === key);
  return routes ? a.objects(routes.kind) : undefined;
}

/** The collections `storedMap` answers for (their seed keys). */
export const STORED_COLLECTIONS: readonly string[] = ALL_ROUTES.map((r) => r.seedKeys[0]!);
