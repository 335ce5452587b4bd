// RuntimePolicy — /v1.3/runtime/policies (Container Runtime Security policies).
// Reads both the v1.3 camelCase form and the older v1.2 PascalCase form (`ID`, `Name`, `RuleType` lower case
// with `_` or a space, `Action` lower case, `Port` 0 and "" for unused fields, `InActive`, `Mode`).
import type { ApiClient } from '../api/types.js';
import type { CheckIssue, Kind } from './types.js';
import {
  type Obj, arr, bool, compact, getOrUndefined, idFromResponse, isBlank, isObj, listWithDetails, optInt, optString, ownedExcept, pick,
  seg, sortedSet, upper,
} from './util.js';

const PATH = '/v1.3/runtime/policies';

export const RULE_TYPES = ['READ', 'WRITE', 'NETWORK_INBOUND', 'NETWORK_OUTBOUND', 'SYSCALL'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export interface RuntimeRuleSpec {
  name?: string;
  ruleType?: string;
  action?: string;
  program?: string;
  file?: string;
  ipAddress?: string;
  port?: number | string;
  syscall?: string;
  arg1?: string;
  arg2?: string;
  arg3?: string;
  inactive?: boolean;
}

export interface RuntimePolicySpec {
  description?: string;
  policyMode?: string;
  defaultNetworkAction?: string;
  defaultExecuteAction?: string;
  defaultFileAction?: string;
  ignoredSyscalls?: string[];
  rules?: RuntimeRuleSpec[];
}

export type RuntimePolicyLive = Obj;

const KEYS = ['description', 'policyMode', 'defaultNetworkAction', 'defaultExecuteAction', 'defaultFileAction', 'ignoredSyscalls', 'rules'] as const;
/** The v1.2 integer `Mode` (all documented samples show 0 on policies the v1.3 lists call ACTIVE). */
const V12_MODES = ['ACTIVE', 'INACTIVE', 'PERMISSIVE'];
/** Optional string fields of a rule, in canonical order. */
// (v1.2 `SyscallGroup` is not part of the v1.3 form nor of the declaration: not compared.)
const RULE_STRINGS = ['program', 'file', 'ipAddress', 'syscall', 'arg1', 'arg2', 'arg3'] as const;

function pascal(k: string): string {
  return k.charAt(0).toUpperCase() + k.slice(1);
}

/** A field in camelCase or its v1.2 PascalCase spelling. */
function field(o: Obj, k: string): unknown {
  return pick(o, k, pascal(k));
}

/** `network inbound`, `network_inbound`, `Network-Inbound` → `NETWORK_INBOUND`. */
export function normRuleType(v: unknown): string | undefined {
  const s = optString(v);
  return s === undefined ? undefined : s.trim().toUpperCase().replace(/[\s-]+/g, '_');
}

function normMode(v: unknown): string | undefined {
  if (typeof v === 'number') return V12_MODES[v] ?? String(v);
  return upper(v);
}

interface CanonRule extends Obj {
  name?: string;
  ruleType?: string;
  action?: string;
  port?: number;
  inactive: boolean;
}

function canonRule(r: unknown): CanonRule {
  const o = isObj(r) ? r : {};
  const out: Obj = {
    name: optString(field(o, 'name')),
    ruleType: normRuleType(field(o, 'ruleType')),
    action: upper(field(o, 'action')),
  };
  for (const k of RULE_STRINGS) out[k] = optString(field(o, k));
  const port = optInt(field(o, 'port'));
  out.port = port === 0 ? undefined : port ?? (isBlank(field(o, 'port')) ? undefined : (field(o, 'port') as number));
  out.inactive = bool(pick(o, 'inactive', 'InActive', 'Inactive'), false);
  return compact(out) as CanonRule;
}

function canonicalOf(o: Obj): Record<string, unknown> {
  return compact({
    description: optString(field(o, 'description')) ?? '',
    policyMode: normMode(pick(o, 'policyMode', 'PolicyMode', 'mode', 'Mode')),
    defaultNetworkAction: upper(field(o, 'defaultNetworkAction')) ?? 'ALLOW',
    defaultExecuteAction: upper(field(o, 'defaultExecuteAction')) ?? 'ALLOW',
    defaultFileAction: upper(field(o, 'defaultFileAction')) ?? 'ALLOW',
    ignoredSyscalls: sortedSet(arr(field(o, 'ignoredSyscalls')).map(optString).filter((s): s is string => s !== undefined), (s) => s),
    rules: arr(field(o, 'rules')).map(canonRule),
  });
}

function idOf(live: RuntimePolicyLive): string {
  return optString(pick(live, 'id', 'ID', 'policyId', '_id')) ?? '';
}

/** The v1.3 camelCase body of create and update. */
function body(name: string, spec: RuntimePolicySpec, live?: Obj): Obj {
  const c = canonicalOf(spec as Obj);
  return compact({
    name,
    description: c.description,
    policyMode: c.policyMode ?? (live ? normMode(pick(live, 'policyMode', 'Mode')) : undefined),
    defaultNetworkAction: c.defaultNetworkAction,
    defaultExecuteAction: c.defaultExecuteAction,
    defaultFileAction: c.defaultFileAction,
    ignoredSyscalls: c.ignoredSyscalls,
    rules: c.rules,
  });
}

export const runtimePolicy: Kind<RuntimePolicySpec, RuntimePolicyLive> = {
  kind: 'RuntimePolicy',
  schemaFile: 'runtime-policy.schema.json',
  folder: 'runtime-policies',
  dependsOn: [],
  can: { create: true, update: true, delete: true },

  async list(api: ApiClient) {
    // Summaries carry no rules or default actions: read each policy's details.
    return listWithDetails(api, PATH, idOf);
  },

  async get(api, id) {
    return getOrUndefined<Obj>(api, `${PATH}/${seg(id)}`);
  },

  idOf,
  nameOf: (live) => optString(field(live, 'name')) ?? '',

  canonical: (spec) => canonicalOf(spec as Obj),
  canonicalLive: (live) => canonicalOf(live),
  ownedFields: (spec) => (isBlank(spec.policyMode) ? ownedExcept(KEYS, ['policyMode']) : undefined),

  async create(api, name, spec) {
    const res = await api.request('POST', PATH, { body: body(name, spec) });
    return idFromResponse(res, ['id', 'ID', 'policyId'], 'create runtime policy');
  },

  async update(api, live, name, spec) {
    await api.request('PUT', `${PATH}/${seg(idOf(live))}`, { body: body(name, spec, live) });
  },

  async remove(api, live) {
    await api.request('DELETE', `${PATH}/${seg(idOf(live))}`);
  },

  isProtected: () => false,

  toSpec(live) {
    const c = canonicalOf(live);
    const rules = (c.rules as CanonRule[]).map((r) => {
      const { inactive, ...rest } = r;
      return inactive ? { ...rest, inactive } : rest;
    });
    const ignored = c.ignoredSyscalls as string[];
    return compact({
      description: c.description === '' ? undefined : (c.description as string),
      policyMode: c.policyMode as string | undefined,
      defaultNetworkAction: c.defaultNetworkAction === 'ALLOW' ? undefined : (c.defaultNetworkAction as string),
      defaultExecuteAction: c.defaultExecuteAction === 'ALLOW' ? undefined : (c.defaultExecuteAction as string),
      defaultFileAction: c.defaultFileAction === 'ALLOW' ? undefined : (c.defaultFileAction as string),
      ignoredSyscalls: ignored.length ? ignored : undefined,
      rules: rules.length ? rules : undefined,
    }) as RuntimePolicySpec;
  },

  check(spec) {
    const issues: CheckIssue[] = [];
    arr(spec.rules).forEach((r, i) => {
      if (!isObj(r)) return;
      const type = normRuleType(r.ruleType);
      const at = (f: string) => ['rules', i, f];
      const label = `rules[${i}]${optString(r.name) ? ` ("${String(r.name)}")` : ''}`;
      if (type === undefined) return; // the schema reports a missing ruleType
      if (!(RULE_TYPES as readonly string[]).includes(type)) {
        issues.push({ path: at('ruleType'), message: `${label}: ruleType "${String(r.ruleType)}" is not one of ${RULE_TYPES.join(', ')}` });
        return;
      }
      const network = type === 'NETWORK_INBOUND' || type === 'NETWORK_OUTBOUND';
      const fileRule = type === 'READ' || type === 'WRITE';
      const syscallRule = type === 'SYSCALL';
      const need = network ? 'ipAddress' : fileRule ? 'file' : 'syscall';
      if (isBlank(r[need])) {
        issues.push({ path: at(need), message: `${label}: a ${type} rule needs "${need}"` });
      }
      const allowed: Record<string, boolean> = {
        ipAddress: network,
        port: network,
        file: fileRule,
        syscall: syscallRule,
        arg1: syscallRule,
        arg2: syscallRule,
        arg3: syscallRule,
      };
      for (const [f, ok] of Object.entries(allowed)) {
        const v = r[f];
        if (ok || isBlank(v) || (f === 'port' && optInt(v) === 0)) continue;
        const fits = f === 'ipAddress' || f === 'port' ? 'NETWORK_INBOUND/NETWORK_OUTBOUND' : f === 'file' ? 'READ/WRITE' : 'SYSCALL';
        issues.push({ path: at(f), message: `${label}: "${f}" does not apply to a ${type} rule (only to ${fits} rules); remove it` });
      }
      if (network && !isBlank(r.port)) {
        const p = optInt(r.port);
        if (p === undefined || p < 0 || p > 65535) issues.push({ path: at('port'), message: `${label}: port "${String(r.port)}" must be a number from 1 to 65535` });
      }
    });
    return issues;
  },
};
