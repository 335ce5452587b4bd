// Exception — /csapi/v1.3/exception: list, details (?includeQids=true), create, update, delete.
import { nameTaken } from '../account.js';
import { badRequest, notFound, SimError } from '../errors.js';
import { uuid } from '../ids.js';
import { listPage } from '../pagination.js';
import { hash32, mulberry32 } from '../prng.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import type { Account } from '../account.js';
import { eachSeed, SEED_USER, uniqueName } from '../seeding.js';
import type { Json, SeedAccount } from '../types.js';
import { asObject, epochString, oneOf, optArray, optString, optStringOrNull, reqString, typeOf } from '../validate.js';

/** QQL tokens a dynamic filter may use (release notes 1.3x). */
export const FILTER_TOKENS = ['repo.tag', 'repo.repository', 'repo.registry', 'cluster.k8s.pod.namespace'];

function checkDynamicFilter(f: string): void {
  // Tokens start a term: at the start, after a space or a parenthesis; quoted values are skipped.
  const unquoted = f.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const tokens = [...unquoted.matchAll(/(?:^|[\s(])([A-Za-z_][A-Za-z0-9_.]*)\s*:/g)].map((m) => m[1]!);
  if (tokens.length === 0) throw badRequest(`dynamicFilter must be a QQL query such as repo.tag:latest, got "${f}"`);
  const bad = tokens.filter((t) => !FILTER_TOKENS.includes(t));
  if (bad.length > 0) throw badRequest(`dynamicFilter uses unsupported token(s) ${bad.join(', ')}; supported: ${FILTER_TOKENS.join(', ')}`);
}

/** The qids a dynamic filter "matches": 1–3 stable vulnerability ids derived from the filter text. */
export function qidsForFilter(filter: string): number[] {
  const rnd = mulberry32(hash32(filter));
  const n = 1 + Math.floor(rnd() * 3);
  const set = new Set<number>();
  while (set.size < n) set.add(90000 + Math.floor(rnd() * 290000));
  return [...set].sort((a, b) => a - b);
}

function qidList(o: Json): number[] | null {
  if (o['qids'] === undefined || o['qids'] === null) return null;
  return optArray(o, 'qids').map((q, i) => {
    const n = typeof q === 'string' && /^\d+$/.test(q) ? Number(q) : q;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw badRequest(`qids[${i}] must be a positive integer, got ${typeOf(q)}`);
    return n;
  });
}

/** The stored form from a request body (or a seed entry when `seed` is true). */
export function normalizeException(body: unknown, seed = false): Json {
  const o = asObject(body);
  const entityAssignmentType = oneOf(optString(o, 'entityAssignmentType', 'STATIC'), ['DYNAMIC', 'STATIC'], 'entityAssignmentType');
  const dynamicFilter = optStringOrNull(o, 'dynamicFilter');
  if (entityAssignmentType === 'DYNAMIC') {
    if (!dynamicFilter || dynamicFilter.trim() === '') throw badRequest('dynamicFilter is required when entityAssignmentType is DYNAMIC');
    checkDynamicFilter(dynamicFilter);
  } else if (dynamicFilter !== null && dynamicFilter.trim() !== '') {
    throw badRequest('dynamicFilter is only allowed when entityAssignmentType is DYNAMIC');
  }
  const startDate = epochString(o, 'startDate', true);
  const endDate = epochString(o, 'endDate', true);
  if (Number(endDate) < Number(startDate)) throw badRequest('endDate must not be before startDate');
  let qids = qidList(o);
  if (qids === null || (qids.length === 0 && entityAssignmentType === 'DYNAMIC')) qids = entityAssignmentType === 'DYNAMIC' ? qidsForFilter(dynamicFilter!) : [];
  const out: Json = {
    name: reqString(o, 'name'),
    explanation: optString(o, 'explanation', ''),
    reason: optString(o, 'reason', 'RISK_ACCEPTED'),
    scope: optString(o, 'scope', 'IMAGE'),
    exceptionType: optString(o, 'exceptionType', 'VULNERABILITY'),
    entityAssignmentType,
    listId: optStringOrNull(o, 'listId'),
    startDate,
    endDate,
    dynamicFilter,
    qids,
  };
  if (seed) for (const k of ['exceptionId', 'createdBy', 'updatedBy', 'created', 'updated'] as const) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** The read representation (sample key order); `exceptionType` is never read back. */
export function exceptionDetails(e: Json, includeQids = true): Json {
  const out: Json = {
    exceptionId: e['exceptionId'],
    name: e['name'],
    createdBy: e['createdBy'],
    updatedBy: e['updatedBy'],
    created: e['created'],
    updated: e['updated'],
    explanation: e['explanation'],
    reason: e['reason'],
    scope: e['scope'],
    entityAssignmentType: e['entityAssignmentType'],
    listId: e['listId'],
    startDate: e['startDate'],
    endDate: e['endDate'],
    dynamicFilter: e['dynamicFilter'],
  };
  if (includeQids) out['qids'] = [...(e['qids'] as number[])];
  return out;
}

function handle(ctx: RouteCtx): RouteResult {
  const map = ctx.account.objects('Exception');
  const [id, extra] = ctx.rest;
  if (extra !== undefined) throw notFound('No such path under exception');
  const now = String(ctx.now);
  if (id === undefined) {
    if (ctx.method === 'GET') {
      const { page, count } = listPage([...map.values()].map((e) => exceptionDetails(e)), ctx.query, ctx.pageSizeCap, 'name');
      return { status: 200, body: { data: page, count, groups: {} } };
    }
    if (ctx.method === 'POST') {
      const e = normalizeException(ctx.body);
      if (nameTaken(map, 'name', e['name'] as string)) throw badRequest(`An exception named "${e['name']}" already exists`);
      const rec = { exceptionId: uuid(), ...e, createdBy: ctx.user, updatedBy: ctx.user, created: now, updated: now };
      map.set(rec.exceptionId, rec);
      return { status: 200, body: { exceptionId: rec.exceptionId }, created: true, mutated: true };
    }
    throw new SimError(405, `${ctx.method} is not supported on exception`);
  }
  const cur = map.get(id);
  if (!cur) throw notFound(`Exception ${id} not found`);
  if (ctx.method === 'GET') return { status: 200, body: exceptionDetails(cur, ctx.query.get('includeQids') === 'true') };
  if (ctx.method === 'PUT') {
    const e = normalizeException(ctx.body);
    if (nameTaken(map, 'name', e['name'] as string, id)) throw badRequest(`An exception named "${e['name']}" already exists`);
    map.set(id, { exceptionId: id, ...e, createdBy: cur['createdBy'], updatedBy: ctx.user, created: cur['created'], updated: now });
    return { status: 200, body: { exceptionId: id }, mutated: true };
  }
  if (ctx.method === 'DELETE') {
    map.delete(id);
    return { status: 200, mutated: true };
  }
  throw new SimError(405, `${ctx.method} is not supported on exception/{exceptionId}`);
}

export const exceptionRoutes: KindRoutes = {
  kind: 'Exception',
  permission: 'EXCEPTION',
  bases: [['v1.3', 'exception']],
  handle,
  seedKeys: ['exceptions'],
  seed,
  dump,
};

// ---- seed and dump -----------------------------------------------------------------------------------

function seed(account: Account, s: SeedAccount, now: number): void {
  const map = account.objects('Exception');
  const ms = String(now);
  eachSeed(s, 'exceptions', (o) => {
    const e = normalizeException(o, true);
    const rec: Json = { exceptionId: uuid(), createdBy: SEED_USER, updatedBy: SEED_USER, created: ms, updated: ms, ...e };
    uniqueName(map, 'name', rec, rec['exceptionId'] as string, 'exceptions');
    map.set(rec['exceptionId'] as string, rec);
  });
}

function dump(account: Account): SeedAccount {
  return { exceptions: [...account.objects('Exception').values()].map((e) => ({ ...exceptionDetails(e), exceptionType: e['exceptionType'] })) };
}
