// CentralizedPolicy — /csapi/v1.3/centralizedPolicy: list, details, create, update, delete.
import { badRequest, notFound } from '../errors.js';
import { byMethod, deleted, requireUniqueName } from './crud.js';
import { uuid } from '../ids.js';
import { listPage } from '../pagination.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import type { Account } from '../account.js';
import { eachSeed, SEED_USER, uniqueName } from '../seeding.js';
import type { Json, SeedAccount } from '../types.js';
import { asObject, optArray, optBool, optInt, optString, reqString, typeOf } from '../validate.js';

export const DEFAULT_CENTRALIZED_POLICY_UUID = '5c5f3b2e-0d7a-4c61-9a56-8b0d1f6c0001';

/** metaData arrives as an object (stored as its JSON text) and is read back as a JSON string. */
function metaDataText(v: unknown, where: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    try {
      JSON.parse(v);
    } catch {
      throw badRequest(`${where}metaData must be an object or a JSON string`);
    }
    return v;
  }
  if (typeof v === 'object' && !Array.isArray(v)) return JSON.stringify(v);
  throw badRequest(`${where}metaData must be an object, got ${typeOf(v)}`);
}

/** Sets `out[key]` only when the value was sent (a PUT that omits a field clears it: nothing is filled in). */
function putIf(out: Json, key: string, v: unknown): void {
  if (v !== undefined && v !== null) out[key] = v;
}

const optStr = (o: Json, k: string, where: string): string | undefined => {
  const v = o[k];
  return v === undefined || v === null ? undefined : optString(o, k, '', where);
};
const optB = (o: Json, k: string, where: string): boolean | undefined => (o[k] === undefined || o[k] === null ? undefined : optBool(o, k, false, where));

/** A rule as sent: only its fields that were given are stored; `order` (POST sample) is stored as `sortOrder` (PUT and GET samples). */
function normRule(r: unknown, i: number, field: string): Json {
  const where = `${field}[${i}].`;
  const o = asObject(r, `${field}[${i}]`);
  const orderKey = o['sortOrder'] !== undefined && o['sortOrder'] !== null ? 'sortOrder' : 'order';
  const out: Json = { name: reqString(o, 'name', where), type: reqString(o, 'type', where) };
  putIf(out, 'action', optStr(o, 'action', where));
  putIf(out, 'isEnabled', optB(o, 'isEnabled', where));
  putIf(out, 'stopProcessing', optB(o, 'stopProcessing', where));
  if (o[orderKey] !== undefined && o[orderKey] !== null) out['sortOrder'] = optInt(o, orderKey, 0, where, 0);
  putIf(out, 'metaData', metaDataText(o['metaData'], where));
  putIf(out, 'kind', optStr(o, 'kind', where));
  return out;
}

function normRef(v: unknown, key: string, where: string, fields: string[]): Json | null {
  if (v === undefined || v === null) return null;
  const o = asObject(v, `${where}${key}`);
  const out: Json = {};
  for (const f of fields) {
    const x = o[f];
    if (x !== undefined && x !== null && typeof x !== 'string') throw badRequest(`${where}${key}.${f} must be a string, got ${typeOf(x)}`);
    out[f] = x ?? null;
  }
  return out;
}

function normFilter(f: unknown, i: number): Json {
  const where = `k8sFilters[${i}].`;
  const o = asObject(f, `k8sFilters[${i}]`);
  const cluster = normRef(o['cluster'], 'cluster', where, ['clusterUid', 'clusterName']);
  const namespace = normRef(o['namespace'], 'namespace', where, ['namespaceUuid', 'namespaceValue', 'clusterUid']);
  if (!cluster && !namespace) throw badRequest(`${where}: give a cluster or a namespace`);
  return { cluster, namespace };
}

/** tagIds as sent; an empty list is stored as null, the way the GET sample reads `[]` back (assumed from the samples). */
function tagIdArray(o: Json): Array<string | number> | null {
  const arr = o['tagIds'];
  if (arr === undefined || arr === null) return null;
  if (!Array.isArray(arr)) throw badRequest(`tagIds must be an array, got ${typeof arr}`);
  arr.forEach((x, i) => {
    const ok = (typeof x === 'number' && Number.isInteger(x) && x >= 0) || (typeof x === 'string' && x !== '');
    if (!ok) throw badRequest(`tagIds[${i}] must be a tag id (an integer, or a non-empty string), got ${JSON.stringify(x)}`);
  });
  return arr.length === 0 ? null : (arr as Array<string | number>);
}

/**
 * The stored form of a policy from a request body (or a seed entry when `seed` is true): what is sent, nothing
 * filled in (a PUT replaces the object with its body). Server-managed fields in a body are ignored.
 */
export function normalizeCentralizedPolicy(body: unknown, seed = false): Json {
  const o = asObject(body);
  // Qualys tag ids are numbers; ids sent as digit strings are accepted too (assumption, docs/api-assumptions.md).
  const out: Json = { policyName: reqString(o, 'policyName') };
  putIf(out, 'policyType', optStr(o, 'policyType', ''));
  putIf(out, 'policyMode', optStr(o, 'policyMode', ''));
  putIf(out, 'description', optStr(o, 'description', ''));
  if (o['centralizedPolicyRules'] !== undefined && o['centralizedPolicyRules'] !== null) {
    out['centralizedPolicyRules'] = optArray(o, 'centralizedPolicyRules').map((r, i) => normRule(r, i, 'centralizedPolicyRules'));
  }
  if (o['exclusionPolicyRules'] !== undefined && o['exclusionPolicyRules'] !== null) {
    out['exclusionPolicyRules'] = optArray(o, 'exclusionPolicyRules').map((r, i) => normRule(r, i, 'exclusionPolicyRules'));
  }
  // isDefault belongs to the system policy: a user policy reads false (assumed).
  out['isDefault'] = optBool(o, 'isDefault', false);
  out['tagIds'] = tagIdArray(o);
  if (o['k8sFilters'] !== undefined && o['k8sFilters'] !== null) out['k8sFilters'] = optArray(o, 'k8sFilters').map(normFilter);
  if (seed) {
    for (const k of ['uuid', 'createdBy', 'created', 'updatedBy', 'updated', 'version'] as const) if (o[k] !== undefined) out[k] = o[k];
  }
  return out;
}

export function centralizedDetails(p: Json): Json {
  const tagIds = p['tagIds'] as Array<string | number> | null | undefined;
  const out: Json = {
    uuid: p['uuid'],
    policyName: p['policyName'],
    policyType: p['policyType'],
    policyMode: p['policyMode'],
    description: p['description'],
    createdBy: p['createdBy'],
    created: p['created'],
    updatedBy: p['updatedBy'],
    updated: p['updated'],
    centralizedPolicyRules: structuredClone(p['centralizedPolicyRules']),
    exclusionPolicyRules: structuredClone(p['exclusionPolicyRules']),
    version: p['version'],
    isDefault: p['isDefault'],
    tagIds: !tagIds || tagIds.length === 0 ? null : [...tagIds],
    k8sFilters: structuredClone(p['k8sFilters']),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

function summary(p: Json): Json {
  const keys = ['uuid', 'policyName', 'policyType', 'policyMode', 'description', 'isDefault', 'createdBy', 'created', 'updatedBy', 'updated', 'version'];
  return Object.fromEntries(keys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
}

export function defaultCentralizedPolicy(): Json {
  return {
    uuid: DEFAULT_CENTRALIZED_POLICY_UUID,
    policyName: 'Default Centralized Policy',
    policyType: 'K8S_ADMISSION_CONTROLLER',
    policyMode: 'ACTIVE',
    description: 'System default policy: applies where no other centralized policy matches',
    createdBy: 'System',
    created: '1741000000000',
    updatedBy: 'System',
    updated: '1741000000000',
    centralizedPolicyRules: [],
    exclusionPolicyRules: [],
    version: 1,
    isDefault: true,
    tagIds: null,
    k8sFilters: [],
  };
}

function get(map: Map<string, Json>, id: string): Json {
  const p = map.get(id);
  if (!p) throw notFound(`Centralized policy ${id} not found`);
  return p;
}

function handle(ctx: RouteCtx): RouteResult {
  const map = ctx.account.objects('CentralizedPolicy');
  const [id, extra] = ctx.rest;
  if (extra !== undefined) throw notFound(`No such path under centralizedPolicy`);
  const now = String(ctx.now);
  if (id === undefined) {
    return byMethod(ctx, 'centralizedPolicy', {
      GET: () => {
        const { page, count } = listPage([...map.values()].map(summary), ctx.query, ctx.pageSizeCap, 'policyName');
        return { status: 200, body: { data: page, count, groups: {} } };
      },
      POST: () => {
        const p = normalizeCentralizedPolicy(ctx.body);
        if (p['isDefault'] === true) throw badRequest('isDefault cannot be set: the default policy belongs to the system');
        requireUniqueName(map, 'policyName', p, 'A centralized policy');
        const rec = { uuid: uuid(), ...p, createdBy: ctx.user, created: now, updatedBy: ctx.user, updated: now, version: 1 };
        map.set(rec.uuid, rec);
        return { status: 200, body: { uuid: rec.uuid }, created: true, mutated: true };
      },
    });
  }
  const cur = get(map, id);
  return byMethod(ctx, 'centralizedPolicy/{uuid}', {
    GET: () => ({ status: 200, body: centralizedDetails(cur) }),
    PUT: () => {
      if (cur['isDefault'] === true) throw badRequest('The default centralized policy belongs to the system and cannot be changed');
      const p = normalizeCentralizedPolicy(ctx.body);
      if (p['isDefault'] === true) throw badRequest('isDefault cannot be set: the default policy belongs to the system');
      requireUniqueName(map, 'policyName', p, 'A centralized policy', id);
      const rec = { uuid: id, ...p, createdBy: cur['createdBy'], created: cur['created'], updatedBy: ctx.user, updated: now, version: (cur['version'] as number) + 1 };
      map.set(id, rec);
      // The PUT sample answers the body's uuid (abe4ed1b-…), not the path's (462c9a8e-…); the path id without one.
      const echoed = typeof (ctx.body as Json)['uuid'] === 'string' && (ctx.body as Json)['uuid'] !== '' ? (ctx.body as Json)['uuid'] : id;
      return { status: 200, body: { 'policyUUID ': echoed }, mutated: true };
    },
    DELETE: () => {
      if (cur['isDefault'] === true) throw badRequest('The default centralized policy belongs to the system and cannot be deleted');
      return deleted(map, id);
    },
  });
}

export const centralizedPolicyRoutes: KindRoutes = {
  kind: 'CentralizedPolicy',
  permission: 'CENTRALIZED_POLICY',
  bases: [['v1.3', 'centralizedPolicy']],
  handle,
  seedKeys: ['centralizedPolicies'],
  seed,
  dump,
};

// ---- seed and dump -----------------------------------------------------------------------------------

/** The default policy first; a seed entry with `isDefault: true` replaces it. */
function seed(account: Account, s: SeedAccount, now: number): void {
  const map = account.objects('CentralizedPolicy');
  const ms = String(now);
  const dcp = defaultCentralizedPolicy();
  map.set(dcp['uuid'] as string, dcp);
  eachSeed(s, 'centralizedPolicies', (o) => {
    const p = normalizeCentralizedPolicy(o, true);
    const rec: Json = { uuid: uuid(), createdBy: SEED_USER, created: ms, updatedBy: SEED_USER, updated: ms, version: 1, ...p };
    const id = rec['uuid'] as string;
    if (rec['isDefault'] === true) for (const [k, x] of map) if (x['isDefault'] === true) map.delete(k);
    uniqueName(map, 'policyName', rec, id, 'centralizedPolicies');
    map.set(id, rec);
  });
}

function dump(account: Account): SeedAccount {
  return { centralizedPolicies: [...account.objects('CentralizedPolicy').values()].map(centralizedDetails) };
}
