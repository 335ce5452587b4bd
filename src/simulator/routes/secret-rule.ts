// SecretRule — /csapi/v1.3/secretrule (also /csapi/v1.3/secretDetector): list, details, PUT status/severity, PUT bulkUpdate.
// Rules are system-defined: no create, no delete.
import { badRequest, notFound, SimError } from '../errors.js';
import { listPage } from '../pagination.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import type { Json } from '../types.js';
import { asObject, oneOf, optArray, reqString } from '../validate.js';

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export const BULK_LIMIT = 100;

export const normStatus = (v: string, where = ''): string => (oneOf(v, ['ACTIVE', 'INACTIVE'], 'secretRuleStatus', where) === 'ACTIVE' ? 'Active' : 'Inactive');
export const normSeverity = (v: string, where = ''): string => oneOf(v, SEVERITIES, 'severity', where);

export function secretRuleDetails(r: Json): Json {
  const { groupName: _g, ...rest } = r;
  return structuredClone(rest);
}

function handle(ctx: RouteCtx): RouteResult {
  const map = ctx.account.secretRules;
  const [id, extra] = ctx.rest;
  if (extra !== undefined) throw notFound('No such path under secretrule');
  if (id === undefined) {
    if (ctx.method === 'GET') {
      const { page, count } = listPage([...map.values()].map((r) => structuredClone(r)), ctx.query, ctx.pageSizeCap, 'secretDetector');
      return { status: 200, body: { data: page, count: String(count), groups: {} } };
    }
    throw new SimError(405, 'Secret rules are system-defined: they cannot be created or deleted');
  }
  if (id === 'bulkUpdate') {
    if (ctx.method !== 'PUT') throw new SimError(405, `${ctx.method} is not supported on secretrule/bulkUpdate`);
    const o = asObject(ctx.body);
    const status = normStatus(reqString(o, 'secretRuleStatus'));
    const ids = optArray(o, 'ruleIds');
    if (ids.length === 0) throw badRequest('ruleIds is required: give at least one rule id');
    if (ids.length > BULK_LIMIT) throw badRequest(`ruleIds holds ${ids.length} ids; at most ${BULK_LIMIT} a call`);
    ids.forEach((x, i) => {
      if (typeof x !== 'string') throw badRequest(`ruleIds[${i}] must be a string`);
    });
    const unknown = (ids as string[]).filter((x) => !map.has(x));
    if (unknown.length > 0) throw notFound(`Secret rule(s) not found: ${unknown.join(', ')}`);
    const unique = [...new Set(ids as string[])];
    for (const rid of unique) Object.assign(map.get(rid)!, { status, updated: ctx.now, updatedBy: ctx.user });
    // Qualys answers the ids in its own order, not the request's: sorted here.
    return { status: 200, body: { 'Updating status for secret rules: ': [...unique].sort() }, mutated: true };
  }
  const cur = map.get(id);
  if (!cur) throw notFound(`Secret rule ${id} not found`);
  if (ctx.method === 'GET') return { status: 200, body: secretRuleDetails(cur) };
  if (ctx.method === 'PUT') {
    const o = asObject(ctx.body);
    const status = normStatus(reqString(o, 'secretRuleStatus'));
    const severity = normSeverity(reqString(o, 'severity'));
    Object.assign(cur, { status, severity, updated: ctx.now, updatedBy: ctx.user });
    return { status: 200, body: { 'updated secret rule: ': id }, mutated: true };
  }
  throw new SimError(405, 'Secret rules are system-defined: they cannot be created or deleted');
}

export const secretRuleRoutes: KindRoutes = {
  kind: 'SecretRule',
  permission: 'SECRET_RULE',
  bases: [
    ['v1.3', 'secretrule'],
    ['v1.3', 'secretDetector'],
  ],
  handle,
};
