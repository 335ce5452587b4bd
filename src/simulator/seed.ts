// Seed files: load an initial account (system objects always present unless overridden) and dump one back.
import { readFileSync } from 'node:fs';
import { Account } from './account.js';
import { SimError } from './errors.js';
import { objectId, uuid, ZERO_UUID } from './ids.js';
import { centralizedDetails, defaultCentralizedPolicy, normalizeCentralizedPolicy } from './routes/centralized-policy.js';
import { DEFAULT_QID_LISTS, exceptionDetails, normalizeException } from './routes/exception.js';
import { defaultRuntimePolicy, normalizeRuntimePolicy, runtimeStored } from './routes/runtime-policy.js';
import { normSeverity, normStatus } from './routes/secret-rule.js';
import { defaultSensorProfile, normalizeSensorProfile, sensorProfileDetails } from './routes/sensor-profile.js';
import { builtinSecretRules } from './secret-rules-builtin.js';
import type { Json, SeedAccount } from './types.js';

export class SeedError extends Error {}

/** createdBy/updatedBy of seed objects that do not say. */
const SEED_USER = 'qcs-demo';

const SEED_KEYS = ['centralizedPolicies', 'runtimePolicies', 'exceptions', 'sensorProfiles', 'secretRules', 'runtimePoliciesInUse', 'registries', 'sensors', 'qidLists'];

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

type ListKey = Exclude<keyof SeedAccount, 'qidLists'>;

/** The stored objects of a kind, by its seed key (for the admin API's raw reads). */
export function storedMap(a: Account, key: string): Map<string, Json> | undefined {
  switch (key) {
    case 'centralizedPolicies':
      return a.centralizedPolicies;
    case 'runtimePolicies':
      return a.runtimePolicies;
    case 'exceptions':
      return a.exceptions;
    case 'sensorProfiles':
      return a.sensorProfiles;
    case 'secretRules':
      return a.secretRules;
    default:
      return undefined;
  }
}

function arr(seed: SeedAccount, key: ListKey): Json[] {
  const v = seed[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new SeedError(`seed.${key} must be an array`);
  return v as Json[];
}

function each(seed: SeedAccount, key: ListKey, fn: (o: Json) => void): void {
  arr(seed, key).forEach((o, i) => {
    try {
      fn(o);
    } catch (e) {
      const msg = e instanceof SimError || e instanceof SeedError ? e.message : String(e);
      throw new SeedError(`seed.${key}[${i}]: ${msg}`);
    }
  });
}

function unique(map: Map<string, Json>, field: string, o: Json, id: string, key: string): void {
  for (const [oid, x] of map) if (oid !== id && x[field] === o[field]) throw new SeedError(`seed.${key}: two objects are named "${String(o[field])}"`);
}

/** Builds an account from a seed (system objects first; seed entries with the same id replace them). */
export function accountFromSeed(seedIn: SeedAccount | string | undefined, now: number): Account {
  const seed: SeedAccount = typeof seedIn === 'string' ? readSeedFile(seedIn) : (seedIn ?? {});
  if (seed === null || typeof seed !== 'object' || Array.isArray(seed)) throw new SeedError('A seed must be a JSON object');
  const unknownKeys = Object.keys(seed).filter((k) => !SEED_KEYS.includes(k));
  if (unknownKeys.length > 0) throw new SeedError(`Unknown seed key(s): ${unknownKeys.join(', ')}; expected ${SEED_KEYS.join(', ')}`);
  const a = new Account();
  const ms = String(now);
  const iso = new Date(now).toISOString();

  const dcp = defaultCentralizedPolicy();
  a.centralizedPolicies.set(dcp['uuid'] as string, dcp);
  each(seed, 'centralizedPolicies', (o) => {
    const p = normalizeCentralizedPolicy(o, true);
    const rec: Json = { uuid: uuid(), createdBy: SEED_USER, created: ms, updatedBy: SEED_USER, updated: ms, version: 1, ...p };
    const id = rec['uuid'] as string;
    if (rec['isDefault'] === true) for (const [k, x] of a.centralizedPolicies) if (x['isDefault'] === true) a.centralizedPolicies.delete(k);
    unique(a.centralizedPolicies, 'policyName', rec, id, 'centralizedPolicies');
    a.centralizedPolicies.set(id, rec);
  });

  const drp = defaultRuntimePolicy();
  a.runtimePolicies.set(drp['id'] as string, drp);
  each(seed, 'runtimePolicies', (o) => {
    const p = normalizeRuntimePolicy(o, now, true, true);
    const rec: Json = { id: objectId(now), created: iso, updated: iso, ...p };
    // A seeded "Default Policy" replaces the built-in one.
    if (rec['name'] === drp['name']) a.runtimePolicies.delete(drp['id'] as string);
    unique(a.runtimePolicies, 'name', rec, rec['id'] as string, 'runtimePolicies');
    a.runtimePolicies.set(rec['id'] as string, rec);
  });
  for (const id of (seed.runtimePoliciesInUse ?? []) as string[]) {
    if (!a.runtimePolicies.has(id)) throw new SeedError(`seed.runtimePoliciesInUse: no runtime policy has id ${id}`);
    a.runtimePoliciesInUse.add(id);
  }

  for (const [listId, qids] of Object.entries(DEFAULT_QID_LISTS)) a.qidLists.set(listId, [...qids]);
  if (seed.qidLists !== undefined && seed.qidLists !== null) {
    if (typeof seed.qidLists !== 'object' || Array.isArray(seed.qidLists)) throw new SeedError('seed.qidLists must be an object: { "<listId>": [qid, ...] }');
    for (const [listId, qids] of Object.entries(seed.qidLists)) {
      if (!Array.isArray(qids) || !qids.every((q) => Number.isInteger(q) && q > 0)) throw new SeedError(`seed.qidLists["${listId}"] must be an array of positive integers`);
      a.qidLists.set(listId, [...qids]);
    }
  }
  each(seed, 'exceptions', (o) => {
    const e = normalizeException(o, { seed: true, create: true, qidLists: a.qidLists });
    const rec: Json = { exceptionId: uuid(), createdBy: SEED_USER, updatedBy: SEED_USER, created: ms, updated: ms, ...e };
    unique(a.exceptions, 'name', rec, rec['exceptionId'] as string, 'exceptions');
    a.exceptions.set(rec['exceptionId'] as string, rec);
  });

  const dsp = defaultSensorProfile();
  a.sensorProfiles.set(ZERO_UUID, dsp);
  each(seed, 'sensorProfiles', (o) => {
    const p = normalizeSensorProfile(o, true);
    const rec: Json = { profileId: uuid(), createdBy: SEED_USER, created: ms, updatedBy: SEED_USER, updated: ms, ...p };
    unique(a.sensorProfiles, 'profileName', rec, rec['profileId'] as string, 'sensorProfiles');
    a.sensorProfiles.set(rec['profileId'] as string, rec);
  });

  for (const r of builtinSecretRules()) {
    a.secretRules.set(r['ruleUuid'] as string, r);
    a.builtinSecretRules.set(r['ruleUuid'] as string, structuredClone(r));
  }
  each(seed, 'secretRules', (o) => {
    const rule =
      (typeof o['ruleUuid'] === 'string' ? a.secretRules.get(o['ruleUuid']) : undefined) ??
      [...a.secretRules.values()].find((r) => r['secretDetector'] === o['secretDetector']);
    if (!rule) throw new SeedError(`no built-in secret rule has ruleUuid ${String(o['ruleUuid'])} or secretDetector ${String(o['secretDetector'])}`);
    if (typeof o['status'] === 'string') rule['status'] = normStatus(o['status']);
    if (typeof o['severity'] === 'string') rule['severity'] = normSeverity(o['severity']);
    if (typeof o['updated'] === 'number') rule['updated'] = o['updated'];
    if (typeof o['updatedBy'] === 'string') rule['updatedBy'] = o['updatedBy'];
  });

  each(seed, 'registries', (o) => {
    if (typeof o['registryUuid'] !== 'string') throw new SeedError('registryUuid is required');
    a.registries.set(o['registryUuid'], structuredClone(o));
  });
  each(seed, 'sensors', (o) => {
    if (typeof o['uuid'] !== 'string') throw new SeedError('uuid is required');
    a.sensors.set(o['uuid'], structuredClone(o));
  });
  return a;
}

/** The account in seed format: every object in its read representation; secret rules only where they differ from the built-ins. */
export function dumpAccount(a: Account): SeedAccount {
  const secretRules: Json[] = [];
  for (const [id, r] of a.secretRules) {
    const b = a.builtinSecretRules.get(id);
    if (!b || b['status'] !== r['status'] || b['severity'] !== r['severity'] || b['updated'] !== r['updated']) {
      secretRules.push({ ruleUuid: id, secretDetector: r['secretDetector'], status: r['status'], severity: r['severity'], updated: r['updated'], updatedBy: r['updatedBy'] });
    }
  }
  const out: SeedAccount = {
    centralizedPolicies: [...a.centralizedPolicies.values()].map(centralizedDetails),
    runtimePolicies: [...a.runtimePolicies.values()].map(runtimeStored),
    exceptions: [...a.exceptions.values()].map((e) => (e['exceptionType'] === undefined ? exceptionDetails(e) : { ...exceptionDetails(e), exceptionType: e['exceptionType'] })),
    sensorProfiles: [...a.sensorProfiles.values()].map(sensorProfileDetails),
    secretRules,
    runtimePoliciesInUse: [...a.runtimePoliciesInUse],
    qidLists: Object.fromEntries([...a.qidLists].map(([k, v]) => [k, [...v]])),
  };
  if (a.registries.size > 0) out.registries = [...a.registries.values()].map((x) => structuredClone(x));
  if (a.sensors.size > 0) out.sensors = [...a.sensors.values()].map((x) => structuredClone(x));
  return out;
}
