// Exception — /csapi/v1.3/exception: list, details (?includeQids=true), create, update, delete.
import { badRequest, notFound } from '../errors.js';
import { byMethod, deleted, requireUniqueName } from './crud.js';
import { uuid } from '../ids.js';
import { listPage } from '../pagination.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import type { Account } from '../account.js';
import { eachSeed, SEED_USER, SeedError, uniqueName } from '../seeding.js';
import type { Json, SeedAccount } from '../types.js';
import { asObject, epochString, optArray, optStringOrNull, reqString, typeOf } from '../validate.js';

/** QQL tokens a dynamic filter may use (release notes 1.3x). */
export const FILTER_TOKENS = ['repo.tag', 'repo.repository', 'repo.registry', 'cluster.k8s.pod.namespace'];

/** Checks the tokens of a dynamic filter; returns them. */
function checkDynamicFilter(f: string): string[] {
  // Tokens start a term: at the start, after a space or a parenthesis; quoted values are skipped.
  const unquoted = f.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const tokens = [...unquoted.matchAll(/(?:^|[\s(])([A-Za-z_][A-Za-z0-9_.]*)\s*:/g)].map((m) => m[1]!);
  if (tokens.length === 0) throw badRequest(`dynamicFilter must be a QQL query such as repo.tag:latest, got "${f}"`);
  const bad = tokens.filter((t) => !FILTER_TOKENS.includes(t));
  if (bad.length > 0) throw badRequest(`dynamicFilter uses unsupported token(s) ${bad.join(', ')}; supported: ${FILTER_TOKENS.join(', ')}`);
  return tokens;
}

function qidList(o: Json): number[] | null {
  if (o['qids'] === undefined || o['qids'] === null) return null;
  return optArray(o, 'qids').map((q, i) => {
    const n = typeof q === 'string' && /^\d+$/.test(q) ? Number(q) : q;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw badRequest(`qids[${i}] must be a positive integer, got ${typeOf(q)}`);
    return n;
  });
}

/** The QID list of the documented create (listId 9b157637-…, no qids) holds the QID its GET answers (90984). */
export const DEFAULT_QID_LISTS: Record<string, number[]> = { '9b157637-8132-4899-bfae-effd1ea39a75': [90984] };

/** The account's QID lists by listId (the defaults until a seed sets its own). */
export function qidLists(account: Account): Map<string, number[]> {
  return account.state('Exception.qidLists', () => new Map(Object.entries(DEFAULT_QID_LISTS).map(([k, v]) => [k, [...v]])));
}

export interface ExceptionNormalizeOptions {
  /** A seed entry: server fields kept, entityAssignmentType stored as given. */
  seed?: boolean;
  /** A create: a body without qids gets the qids of its listId (from `qidLists`). */
  create?: boolean;
  qidLists?: Map<string, number[]>;
}

/**
 * The stored form from a request body (or a seed entry): only the fields sent are stored, so a PUT body that
 * omits a field clears it. `entityAssignmentType` is stored only when sent, as sent: any upper-case token ("A new
 * value, DYNAMIC, is now available": other values exist); DYNAMIC needs a dynamicFilter ("When you specify DYNAMIC,
 * specify a dynamic filter"), other values may carry one (the notes do not close it; assumed). qids are never
 * computed from the filter: a create without qids gets those of its listId.
 */
export function normalizeException(body: unknown, opts: ExceptionNormalizeOptions = {}): Json {
  const o = asObject(body);
  const seed = opts.seed === true;
  let entityAssignmentType: string | undefined;
  if (o['entityAssignmentType'] !== undefined && o['entityAssignmentType'] !== null) {
    const v = o['entityAssignmentType'];
    if (typeof v !== 'string') throw badRequest(`entityAssignmentType must be a string, got ${typeOf(v)}`);
    if (!seed && !/^[A-Za-z][A-Za-z0-9_]*$/.test(v)) throw badRequest(`entityAssignmentType must be a token such as DYNAMIC, got ${JSON.stringify(v)}`);
    entityAssignmentType = seed ? v : v.toUpperCase();
  }
  const scope = optStringOrNull(o, 'scope');
  const dynamicFilter = optStringOrNull(o, 'dynamicFilter');
  if (entityAssignmentType?.toUpperCase() === 'DYNAMIC' && (!dynamicFilter || dynamicFilter.trim() === '')) {
    throw badRequest('dynamicFilter is required when entityAssignmentType is DYNAMIC');
  }
  if (dynamicFilter !== null && dynamicFilter.trim() !== '') {
    const tokens = checkDynamicFilter(dynamicFilter);
    if (scope !== null && scope.toUpperCase() === 'IMAGE' && tokens.includes('cluster.k8s.pod.namespace')) {
      throw badRequest('dynamicFilter token cluster.k8s.pod.namespace is for containers: it cannot be used with scope IMAGE');
    }
  }
  const startDate = epochString(o, 'startDate', true);
  const endDate = epochString(o, 'endDate', true);
  if (Number(endDate) < Number(startDate)) throw badRequest('endDate must not be before startDate');
  const listId = optStringOrNull(o, 'listId');
  let qids = qidList(o);
  if (qids === null) qids = opts.create && listId !== null ? [...(opts.qidLists?.get(listId) ?? [])] : [];
  const out: Json = { name: reqString(o, 'name') };
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== null) out[k] = v;
  };
  for (const k of ['explanation', 'reason', 'scope', 'exceptionType'] as const) put(k, optStringOrNull(o, k));
  put('entityAssignmentType', entityAssignmentType);
  put('listId', listId);
  out['startDate'] = startDate;
  out['endDate'] = endDate;
  put('dynamicFilter', dynamicFilter);
  out['qids'] = qids;
  if (seed) for (const k of ['exceptionId', 'createdBy', 'updatedBy', 'created', 'updated'] as const) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** The read representation (sample key order); `exceptionType` is never read back. */
const DETAIL_KEYS = ['exceptionId', 'name', 'createdBy', 'updatedBy', 'created', 'updated', 'explanation', 'reason', 'scope', 'entityAssignmentType', 'listId', 'startDate', 'endDate', 'dynamicFilter'];

export function exceptionDetails(e: Json, includeQids = true): Json {
  // built key by key, leaving unset ones out (no `delete`, which makes objects slow to serialize)
  const out: Json = {};
  for (const k of DETAIL_KEYS) if (e[k] !== undefined) out[k] = e[k];
  if (includeQids) out['qids'] = [...(e['qids'] as number[])];
  return out;
}

function handle(ctx: RouteCtx): RouteResult {
  const map = ctx.account.objects('Exception');
  const [id, extra] = ctx.rest;
  if (extra !== undefined) throw notFound('No such path under exception');
  const now = String(ctx.now);
  const put = (key: string, cur: Json): RouteResult => {
    // A PUT replaces the object with its body: a field the body omits is cleared (qids too: the listId fills them only on create).
    const e = normalizeException(ctx.body);
    requireUniqueName(map, 'name', e, 'An exception', key);
    // No PUT answer is documented; {exceptionId} like the POST (assumed).
    map.set(key, { exceptionId: key, ...e, createdBy: cur['createdBy'], updatedBy: ctx.user, created: cur['created'], updated: now });
    return { status: 200, body: { exceptionId: key }, mutated: true };
  };  if (id === undefined) {
    return byMethod(ctx, 'exception', {
      GET: () => {
        const { page, count } = listPage([...map.values()], ctx.query, ctx.pageSizeCap, 'name', (e) => exceptionDetails(e));
        return { status: 200, body: { data: page, count, groups: {} } };
      },
      POST: () => {
        const e = normalizeException(ctx.body, { create: true, qidLists: qidLists(ctx.account) });
        requireUniqueName(map, 'name', e, 'An exception');
        const rec = { exceptionId: uuid(), ...e, createdBy: ctx.user, updatedBy: ctx.user, created: now, updated: now };
        map.set(rec.exceptionId, rec);
        return { status: 200, body: { exceptionId: rec.exceptionId }, created: true, mutated: true };
      },
      // 004 names /csapi/v1.3/exception for POST and PUT: the update also at the collection, the id in the body (assumed)
      PUT: () => {
        const bodyId = ctx.body !== null && typeof ctx.body === 'object' ? (ctx.body as Json)['exceptionId'] : undefined;
        if (typeof bodyId !== 'string' || bodyId === '') throw badRequest('exceptionId is required in the body of PUT /v1.3/exception');
        const cur = map.get(bodyId);
        if (!cur) throw notFound(`Exception ${bodyId} not found`);
        return put(bodyId, cur);
      },
    });
  }

  const cur = map.get(id);
  if (!cur) throw notFound(`Exception ${id} not found`);
  return byMethod(ctx, 'exception/{exceptionId}', {
    GET: () => ({ status: 200, body: exceptionDetails(cur, ctx.query.get('includeQids') === 'true') }),
    PUT: () => put(id, cur),
    DELETE: () => deleted(map, id),
  });
}

export const exceptionRoutes: KindRoutes = {
  // 004 prints entityAssignmentType, dynamicFilter, listId and qids only in "Fetch Details of an Exception"
  detailOnly: ['entityAssignmentType', 'dynamicFilter', 'listId', 'qids'],
  kind: 'Exception',
  permission: 'EXCEPTION',
  bases: [['v1.3', 'exception']],
  handle,
  seedKeys: ['exceptions', 'qidLists'],
  seed,
  dump,
};

// ---- seed and dump -----------------------------------------------------------------------------------

function seed(account: Account, s: SeedAccount, now: number): void {
  const map = account.objects('Exception');
  const lists = qidLists(account);
  const ms = String(now);
  if (s.qidLists !== undefined && s.qidLists !== null) {
    if (typeof s.qidLists !== 'object' || Array.isArray(s.qidLists)) throw new SeedError('seed.qidLists must be an object: { "<listId>": [qid, ...] }');
    for (const [listId, qids] of Object.entries(s.qidLists)) {
      if (!Array.isArray(qids) || !qids.every((q) => Number.isInteger(q) && q > 0)) throw new SeedError(`seed.qidLists["${listId}"] must be an array of positive integers`);
      lists.set(listId, [...qids]);
    }
  }
  eachSeed(s, 'exceptions', (o) => {
    const e = normalizeException(o, { seed: true, create: true, qidLists: lists });
    const rec: Json = { exceptionId: uuid(), createdBy: SEED_USER, updatedBy: SEED_USER, created: ms, updated: ms, ...e };
    uniqueName(map, 'name', rec, rec['exceptionId'] as string, 'exceptions');
    map.set(rec['exceptionId'] as string, rec);
  });
}

function dump(account: Account): SeedAccount {
  return {
    exceptions: [...account.objects('Exception').values()].map((e) => (e['exceptionType'] === undefined ? exceptionDetails(e) : { ...exceptionDetails(e), exceptionType: e['exceptionType'] })),
    qidLists: Object.fromEntries([...qidLists(account)].map(([k, v]) => [k, [...v]])),
  };
}
