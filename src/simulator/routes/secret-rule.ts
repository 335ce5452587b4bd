// SecretRule — /csapi/v1.3/secretrule (also /csapi/v1.3/secretDetector): list, details, PUT status/severity, PUT bulkUpdate.
// Rules are system-defined: no create, no delete.
import { badRequest, notFound, SimError } from '../errors.js';
import { listPage } from '../pagination.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import type { Account } from '../account.js';
import { builtinSecretRules } from '../secret-rules-builtin.js';
import { eachSeed, SeedError } from '../seeding.js';
import type { Json, SeedAccount } from '../types.js';
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
  const map = ctx.account.objects('SecretRule');
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
  seedKeys: ['secretRules'],
  seed,
  dump,
};

// ---- seed and dump -----------------------------------------------------------------------------------

/** The built-in rules as they were at start, to dump only the overrides. */
function builtins(account: Account): Map<string, Json> {
  return account.state('builtinSecretRules', () => new Map<string, Json>());
}

/** The built-in rules; seed entries (matched by ruleUuid or secretDetector) override status and severity. */
function seed(account: Account, s: SeedAccount): void {
  const map = account.objects('SecretRule');
  for (const r of builtinSecretRules()) {
    map.set(r['ruleUuid'] as string, r);
    builtins(account).set(r['ruleUuid'] as string, structuredClone(r));
  }
  eachSeed(s, 'secretRules', (o) => {
    const rule = (typeof o['ruleUuid'] === 'string' ? map.get(o['ruleUuid']) : undefined) ?? [...map.values()].find((r) => r['secretDetector'] === o['secretDetector']);
    if (!rule) throw new SeedError(`no built-in secret rule has ruleUuid ${String(o['ruleUuid'])} or secretDetector ${String(o['secretDetector'])}`);
    if (typeof o['status'] === 'string') rule['status'] = normStatus(o['status']);
    if (typeof o['severity'] === 'string') rule['severity'] = normSeverity(o['severity']);
    if (typeof o['updated'] === 'number') rule['updated'] = o['updated'];
    if (typeof o['updatedBy'] === 'string') rule['updatedBy'] = o['updatedBy'];
  });
}

/** Only the rules that differ from the built-ins. */
function dump(account: Account): SeedAccount {
  const secretRules: Json[] = [];
  for (const [id, r] of account.objects('SecretRule')) {
    const b = builtins(account).get(id);
    if (!b || b['status'] !== r['status'] || b['severity'] !== r['severity'] || b['updated'] !== r['updated']) {
      secretRules.push({ ruleUuid: id, secretDetector: r['secretDetector'], status: r['status'], severity: r['severity'], updated: r['updated'], updatedBy: r['updatedBy'] });
    }
  }
  return { secretRules };
}
