// RuntimePolicy — /csapi/v1.3/runtime/policies: bare-array list (filter=name:…), details, create, update, delete.
// Bodies are the v1.3 camelCase form; the v1.2 PascalCase form (Name, RuleType "network inbound", …) is accepted too.
import { badRequest, notFound, SimError } from '../errors.js';
import { byMethod, deleted, requireUniqueName } from './crud.js';
import { objectId } from '../ids.js';
import { listPage } from '../pagination.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import type { Account } from '../account.js';
import { eachSeed, SeedError, seedEntries, uniqueName } from '../seeding.js';
import type { Json, SeedAccount } from '../types.js';
import { asObject, oneOf, optArray, optBool, optInt, optString, optStringArray, reqString } from '../validate.js';

export const RULE_TYPES = ['READ', 'WRITE', 'NETWORK_OUTBOUND', 'NETWORK_INBOUND', 'SYSCALL'] as const;
export const POLICY_MODES = ['ACTIVE', 'INACTIVE', 'PERMISSIVE'] as const;
const ACTIONS = ['ALLOW', 'DENY'] as const;
const V12_MODES: Record<number, string> = { 0: 'ACTIVE', 1: 'INACTIVE', 2: 'PERMISSIVE' };

const PASCAL: Record<string, string> = {
  ID: 'id', Name: 'name', Description: 'description', Mode: 'policyMode', Rules: 'rules', RuleType: 'ruleType', Program: 'program',
  Action: 'action', File: 'file', Port: 'port', IpAddress: 'ipAddress', Syscall: 'syscall', SyscallGroup: 'syscallGroup',
  Arg1: 'arg1', Arg2: 'arg2', Arg3: 'arg3', InActive: 'inactive', DateCreated: 'created', DateUpdated: 'updated',
};

/** v1.2 PascalCase keys → v1.3 camelCase (only where the camelCase key is absent). */
function camel(o: Json): Json {
  const out: Json = { ...o };
  for (const [p, c] of Object.entries(PASCAL)) if (p in o && !(c in o)) out[c] = o[p];
  return out;
}

function normRuleType(v: string, where: string): string {
  return oneOf(v.trim().replace(/[\s-]+/g, '_'), RULE_TYPES, 'ruleType', where);
}

/** A rule: a rule that carries an `id` keeps it when `keepIds` (PUT, seed); others get a new 24-hex id. */
function normRule(r: unknown, i: number, keepIds: boolean, seen: Set<string>, now: number): Json {
  const where = `rules[${i}].`;
  const o = camel(asObject(r, `rules[${i}]`));
  const ruleType = normRuleType(reqString(o, 'ruleType', where), where);
  const port = optInt(o, 'port', 0, where, 0, 65535);
  const str = (k: string) => optString(o, k, '', where);
  const f = { program: str('program'), file: str('file'), ipAddress: str('ipAddress'), syscall: str('syscall'), arg1: str('arg1'), arg2: str('arg2'), arg3: str('arg3') };
  const network = ruleType.startsWith('NETWORK_');
  const fileRule = ruleType === 'READ' || ruleType === 'WRITE';
  const syscallRule = ruleType === 'SYSCALL';
  const only = (ok: boolean, field: string, value: unknown, types: string) => {
    if (!ok && value !== '' && value !== 0) throw badRequest(`${where}${field} is only allowed on ${types} rules`);
  };
  only(network, 'port', port, 'NETWORK_INBOUND and NETWORK_OUTBOUND');
  only(network, 'ipAddress', f.ipAddress, 'NETWORK_INBOUND and NETWORK_OUTBOUND');
  only(fileRule, 'file', f.file, 'READ and WRITE');
  for (const k of ['syscall', 'arg1', 'arg2', 'arg3'] as const) only(syscallRule, k, f[k], 'SYSCALL');
  if (network && f.ipAddress === '') throw badRequest(`${where}ipAddress is required on ${ruleType} rules (use "*" for any)`);
  if (fileRule && f.file === '') throw badRequest(`${where}file is required on ${ruleType} rules`);
  if (syscallRule && f.syscall === '') throw badRequest(`${where}syscall is required on SYSCALL rules`);
  const givenId = keepIds && typeof o['id'] === 'string' && o['id'] !== '' ? (o['id'] as string) : undefined;
  if (givenId !== undefined && seen.has(givenId)) throw badRequest(`${where}id ${givenId} is used by another rule of this policy`);
  const id = givenId ?? objectId(now);
  seen.add(id);
  return {
    id,
    name: reqString(o, 'name', where),
    ruleType,
    action: oneOf(optString(o, 'action', 'DENY', where), ACTIONS, 'action', where),
    program: f.program,
    file: f.file,
    ipAddress: f.ipAddress,
    port,
    syscall: f.syscall,
    syscallGroup: optString(o, 'syscallGroup', '', where),
    arg1: f.arg1,
    arg2: f.arg2,
    arg3: f.arg3,
    inactive: optBool(o, 'inactive', false, where),
  };
}

export const DEFAULT_RUNTIME_POLICY_NAME = 'Default Policy';
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** The system runtime policy, as the v1.2 list shows it (id, zero creation date, "Default group policy"). */
export function defaultRuntimePolicy(): Json {
  return {
    id: '5f9bc49314c4e000019db314',
    name: DEFAULT_RUNTIME_POLICY_NAME,
    created: GO_ZERO_TIME,
    updated: '2020-10-30T07:46:36.847Z',
    description: 'Default group policy',
    policyMode: 'ACTIVE',
    rules: [],
  };
}

/**
 * The stored form (details shape without server fields) from a request body: what is sent, nothing filled in
 * at the policy level (a PUT replaces the object with its body). `keepIds` keeps the ids rules carry (PUT, seed).
 */
export function normalizeRuntimePolicy(body: unknown, now: number, keepIds = false, seed = false): Json {
  const o = camel(asObject(body));
  let mode = o['policyMode'];
  if (typeof mode === 'number') mode = V12_MODES[mode] ?? String(mode);
  const seen = new Set<string>();
  const out: Json = { name: reqString(o, 'name') };
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== null) out[k] = v;
  };
  put('description', o['description'] === undefined || o['description'] === null ? undefined : optString(o, 'description', ''));
  if (mode !== undefined && mode !== null) out['policyMode'] = oneOf(typeof mode === 'string' ? mode : JSON.stringify(mode), POLICY_MODES, 'policyMode');
  for (const k of ['defaultNetworkAction', 'defaultExecuteAction', 'defaultFileAction']) {
    if (o[k] !== undefined && o[k] !== null) out[k] = oneOf(optString(o, k, ''), ACTIONS, k);
  }
  if (o['ignoredSyscalls'] !== undefined && o['ignoredSyscalls'] !== null) out['ignoredSyscalls'] = optStringArray(o, 'ignoredSyscalls');
  out['rules'] = optArray(o, 'rules').map((r, i) => normRule(r, i, keepIds || seed, seen, now));
  if (seed) for (const k of ['id', 'created', 'updated'] as const) if (typeof o[k] === 'string') out[k] = o[k];
  return out;
}

function defined(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function runtimeSummary(p: Json): Json {
  return defined({ id: p['id'], name: p['name'], created: p['created'], updated: p['updated'], description: p['description'], policyMode: p['policyMode'] });
}

/** The details: the summary, the v1.3 policy fields that are set, and the rules with their ids and `syscallGroup`. */
export function runtimeDetails(p: Json): Json {
  return defined({
    ...runtimeSummary(p),
    defaultNetworkAction: p['defaultNetworkAction'],
    defaultExecuteAction: p['defaultExecuteAction'],
    defaultFileAction: p['defaultFileAction'],
    ignoredSyscalls: p['ignoredSyscalls'] === undefined ? undefined : [...(p['ignoredSyscalls'] as string[])],
    rules: structuredClone(p['rules']),
  });
}

/** The stored form for a dump (the details). */
export function runtimeStored(p: Json): Json {
  return runtimeDetails(p);
}
const V12_MODE_OF: Record<string, number> = { ACTIVE: 0, INACTIVE: 1, PERMISSIVE: 2 };

/** The older v1.2 PascalCase forms (list item and details), as the 1.7 notes show them. */
function v12Summary(p: Json): Json {
  return { ID: p['id'], Name: p['name'], DateCreated: p['created'], DateUpdated: p['updated'], Description: p['description'] ?? '', Mode: V12_MODE_OF[p['policyMode'] as string] ?? 0 };
}

function v12Details(p: Json): Json {
  const rules = (p['rules'] as Json[]).map((r) => ({
    ID: r['id'],
    Name: r['name'],
    DateCreated: GO_ZERO_TIME,
    DateUpdated: GO_ZERO_TIME,
    InActive: r['inactive'],
    RuleType: (r['ruleType'] as string).toLowerCase(),
    Program: r['program'],
    Action: (r['action'] as string).toLowerCase(),
    File: r['file'],
    Port: r['port'],
    IpAddress: r['ipAddress'],
    Syscall: r['syscall'],
    SyscallGroup: r['syscallGroup'],
    Arg1: r['arg1'],
    Arg2: r['arg2'],
    Arg3: r['arg3'],
  }));
  return { ...v12Summary(p), Rules: rules };
}

function handle(ctx: RouteCtx, base: string[]): RouteResult {
  const v12 = base[0] === 'v1.2';
  const map = ctx.account.objects('RuntimePolicy');
  const [id, extra] = ctx.rest;
  if (extra !== undefined) throw notFound('No such path under runtime/policies');
  const iso = new Date(ctx.now).toISOString();
  if (id === undefined) {
    return byMethod(ctx, 'runtime/policies', {
      GET: () => {
        const { page } = listPage([...map.values()].map(runtimeSummary), ctx.query, ctx.pageSizeCap, 'name');
        return { status: 200, body: v12 ? page.map((x) => v12Summary(map.get(x['id'] as string)!)) : page };
      },
      POST: () => {
        const p = normalizeRuntimePolicy(ctx.body, ctx.now);
        requireUniqueName(map, 'name', p, 'A runtime policy');
        const rec = { id: objectId(ctx.now), ...p, created: iso, updated: iso };
        map.set(rec.id, rec);
        return { status: 200, body: v12 ? { ID: rec.id } : { id: rec.id }, created: true, mutated: true };
      },
    });
  }
  const cur = map.get(id);
  if (!cur) throw notFound(`Runtime policy ${id} not found`);
  const system = () => {
    if (cur['name'] === DEFAULT_RUNTIME_POLICY_NAME) {
      throw badRequest(`The runtime policy "${DEFAULT_RUNTIME_POLICY_NAME}" belongs to the system and cannot be ${ctx.method === 'PUT' ? 'changed' : 'deleted'}`);
    }
  };
  return byMethod(ctx, 'runtime/policies/{id}', {
    GET: () => ({ status: 200, body: v12 ? v12Details(cur) : runtimeDetails(cur) }),
    PUT: () => {
      system();
      const p = normalizeRuntimePolicy(ctx.body, ctx.now, true);
      requireUniqueName(map, 'name', p, 'A runtime policy', id);
      map.set(id, { id, ...p, created: cur['created'], updated: iso });
      return { status: 200, body: v12 ? { ID: id } : { id }, mutated: true };
    },
    DELETE: () => {
      system();
      if (inUse(ctx.account).has(id)) {
        throw new SimError(409, `Runtime policy ${id} is associated with an instrumented image or container and cannot be deleted; remove the association first`);
      }
      return deleted(map, id);
    },
  });
}

export const runtimePolicyRoutes: KindRoutes = {
  kind: 'RuntimePolicy',
  permission: 'RUNTIME_POLICY',
  bases: [
    ['v1.3', 'runtime', 'policies'],
    ['v1.2', 'runtime', 'policies'],
  ],
  handle,
  seedKeys: ['runtimePolicies', 'runtimePoliciesInUse'],
  seed,
  dump,
};

// ---- in-use state, seed and dump ---------------------------------------------------------------------

/** Ids of runtime policies associated with an instrumented image or container (DELETE is refused). */
function inUse(account: Account): Set<string> {
  return account.state('runtimePoliciesInUse', () => new Set<string>());
}

/** Marks a runtime policy as in use (or not), for the admin API; 404 for an unknown id. */
export function setRuntimePolicyInUse(account: Account, id: string, used: boolean): void {
  if (!account.objects('RuntimePolicy').has(id)) throw new SimError(404, `Runtime policy ${id} not found`);
  if (used) inUse(account).add(id);
  else inUse(account).delete(id);
}

function seed(account: Account, s: SeedAccount, now: number): void {
  const map = account.objects('RuntimePolicy');
  const iso = new Date(now).toISOString();
  const drp = defaultRuntimePolicy();
  map.set(drp['id'] as string, drp);
  eachSeed(s, 'runtimePolicies', (o) => {
    const p = normalizeRuntimePolicy(o, now, true, true);
    const rec: Json = { id: objectId(now), created: iso, updated: iso, ...p };
    // A seeded "Default Policy" replaces the built-in one.
    if (rec['name'] === drp['name']) map.delete(drp['id'] as string);
    uniqueName(map, 'name', rec, rec['id'] as string, 'runtimePolicies');
    map.set(rec['id'] as string, rec);
  });
  for (const id of seedEntries<string>(s, 'runtimePoliciesInUse')) {
    if (!map.has(id)) throw new SeedError(`seed.runtimePoliciesInUse: no runtime policy has id ${id}`);
    inUse(account).add(id);
  }
}

function dump(account: Account): SeedAccount {
  return { runtimePolicies: [...account.objects('RuntimePolicy').values()].map(runtimeStored), runtimePoliciesInUse: [...inUse(account)] };
}
