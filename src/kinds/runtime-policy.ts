// RuntimePolicy — /v1.3/runtime/policies (Container Runtime Security policies).
// Reads both the v1.3 camelCase form and the older v1.2 PascalCase form (`ID`, `Name`, `RuleType` lower case
// with `_` or a space, `Action` lower case, `Port` 0 and "" for unused fields, `InActive`, `Mode`).
import type { CheckIssue, Kind } from './types.js';
import { type Obj, arr, bool, compact, isBlank, isObj, optInt, optString, pick, sortedSet, upper } from './coerce.js';
import { collection } from './collection.js';
import { nameAgrees, unlessEmpty, unlessEmptyText } from './spec.js';
import { sameValue } from '../json.js';
import { asWritten, carried, changedKeys } from './carry.js';
import { checkValue } from './values.js';

const PATH = '/v1.3/runtime/policies';
/** The system's runtime policy (runtime-policy/list.v1.2.response.json: "Default Policy", "Default group policy"). */
export const DEFAULT_POLICY_NAME = 'Default Policy';

export const RULE_TYPES = ['READ', 'WRITE', 'NETWORK_INBOUND', 'NETWORK_OUTBOUND', 'SYSCALL'] as const;

export interface RuntimeRuleSpec {
  name?: string;
  ruleType?: string;
  action?: string;
  program?: string;
  file?: string;
  ipAddress?: string;
  port?: number | string;
  syscall?: string;
  syscallGroup?: string;
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
/** Optional string fields of a rule, in canonical order ("" means unused, as the v1.2 samples send it). */
const RULE_STRINGS = ['program', 'file', 'ipAddress', 'syscall', 'syscallGroup', 'arg1', 'arg2', 'arg3'] as const;
/** Every rule field the canonical form knows, in both spellings; any other field of a live rule (its id, its
 * dates) is carried by writes. */
const RULE_FIELDS = new Set(
  ['name', 'ruleType', 'action', 'port', 'inactive', ...RULE_STRINGS].flatMap((k) => [k, k.charAt(0).toUpperCase() + k.slice(1)]).concat(['InActive']),
);

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
  // No default action is assumed: no note shows these fields (an absent one is unknown, and never sent).
  return compact({
    description: optString(field(o, 'description')) ?? '',
    policyMode: normMode(pick(o, 'policyMode', 'PolicyMode', 'mode', 'Mode')),
    defaultNetworkAction: upper(field(o, 'defaultNetworkAction')),
    defaultExecuteAction: upper(field(o, 'defaultExecuteAction')),
    defaultFileAction: upper(field(o, 'defaultFileAction')),
    ignoredSyscalls: sortedSet(arr(field(o, 'ignoredSyscalls')).map(optString).filter((s): s is string => s !== undefined), (s) => s),
    rules: arr(field(o, 'rules')).map(canonRule),
  });
}

function idOf(live: RuntimePolicyLive): string {
  return optString(pick(live, 'id', 'ID', 'policyId', '_id')) ?? '';
}

const rest = collection(PATH, { idOf, createdIdKeys: ['id', 'ID', 'policyId'], what: 'create runtime policy' });

/** A declared rule as the user wrote it: its keys in the v1.3 camelCase spelling, its values as written
 * (`network_inbound`, `deny`; a digit-string port as a number); the server-managed `ID`/`DateCreated`/`DateUpdated`
 * of a pasted v1.2 rule are left out. */
function writtenRule(rule: unknown): Obj {
  const out: Obj = {};
  if (!isObj(rule)) return out;
  for (const [k, v] of Object.entries(rule)) {
    if (k === 'ID' || k === 'DateCreated' || k === 'DateUpdated' || v === undefined) continue;
    const camel = k === 'InActive' ? 'inactive' : k.charAt(0).toLowerCase() + k.slice(1);
    out[camel] = camel === 'port' ? (optInt(v) ?? v) : v;
  }
  return out;
}

/** The rules to send. A rule that reads back unchanged is sent as the API holds it; a new or changed rule is sent
 * as declared (`declared[i]` is the spec's rule of canonical `desired[i]`), carrying the fields the canonical form
 * does not know (the rule's id) from the live rule of the same name. */
function wireRules(desired: unknown, declared: unknown[], liveRules: unknown): Obj[] {
  const pool = arr(liveRules).filter(isObj);
  const used = new Set<Obj>();
  return (arr(desired) as CanonRule[]).map((r, i) => {
    const own = declared[i] !== undefined ? writtenRule(declared[i]) : { ...r };
    const match = pool.find((l) => !used.has(l) && optString(field(l, 'name')) === r.name);
    if (!match) return own;
    used.add(match);
    if (sameValue(canonRule(match), r)) return { ...match };
    const extras: Obj = {};
    for (const [k, v] of Object.entries(match)) if (!RULE_FIELDS.has(k)) extras[k] = v;
    return { ...extras, ...own };
  });
}

/** Server-managed fields of a live policy: never sent back. */
const SERVER_FIELDS = ['id', 'ID', '_id', 'policyId', 'created', 'updated', 'DateCreated', 'DateUpdated'];
/** The names a top-level key goes by in a live object (v1.3 camelCase, v1.2 PascalCase, `Mode`). */
const spellings = (k: string): string[] => (k === 'policyMode' ? ['policyMode', 'PolicyMode', 'mode', 'Mode'] : [k, pascal(k)]);

/** A managed key's value on the wire, as the user wrote it (`spec`), from the canonical `desired`. */
function wireValue(k: string, desired: Obj, spec: Obj, liveRules?: unknown): unknown {
  const written = field(spec, k);
  switch (k) {
    case 'rules':
      return wireRules(desired.rules, arr(written), liveRules);
    case 'ignoredSyscalls':
      return Array.isArray(written) ? written : desired.ignoredSyscalls;
    case 'description':
      return typeof written === 'string' ? written : desired.description;
    case 'policyMode':
      return asWritten(pick(spec, 'policyMode', 'PolicyMode', 'mode', 'Mode'), desired.policyMode, normMode);
    default:
      return asWritten(written, desired[k]);
  }
}

/** The create body: the name and the declared fields only (`desired` holds just those), as written. */
function createBody(name: string, desired: Obj, spec: Obj): Obj {
  const out: Obj = { name };
  for (const k of KEYS) if (desired[k] !== undefined) out[k] = wireValue(k, desired, spec);
  return out;
}

/** The update body: the live details (every field but the server-managed ones, keys no kind knows included), with
 * each field the declaration changes replaced by its declared value, as written. */
function updateBody(live: Obj, name: string, desired: Obj, spec: Obj): Obj {
  const out = carried(live, SERVER_FIELDS);
  delete out.Name;
  out.name = name;
  for (const k of changedKeys(KEYS, desired, canonicalOf(live))) {
    for (const w of spellings(k)) delete out[w];
    if (desired[k] !== undefined) out[k] = wireValue(k, desired, spec, field(live, 'rules'));
  }
  return out;
}

export const runtimePolicy: Kind<RuntimePolicySpec, RuntimePolicyLive> = {
  kind: 'RuntimePolicy',
  schemaFile: 'runtime-policy.schema.json',
  folder: 'runtime-policies',
  dependsOn: [],
  can: { create: true, update: true, delete: true },

  // Summaries carry no rules or default actions: the engine reads the details of the policies that need them.
  list: rest.list,
  // The documented list items carry id, name, created, updated, description and policyMode.
  detailFields: ['defaultNetworkAction', 'defaultExecuteAction', 'defaultFileAction', 'ignoredSyscalls', 'rules'],
  // The v1.2 PascalCase spellings (and `Mode`) carry the same fields.
  wire: Object.fromEntries(KEYS.map((k) => [k, k === 'policyMode' ? ['policyMode', 'PolicyMode', 'mode', 'Mode'] : [k, pascal(k)]])),

  get: rest.get,

  idOf,
  nameOf: (live) => optString(field(live, 'name')) ?? '',

  canonical: (spec) => canonicalOf(spec as Obj),
  canonicalLive: (live) => canonicalOf(live),
  fields: KEYS,
  setFields: ['ignoredSyscalls'],
  namedLists: { rules: 'name' },

  create: (api, name, desired, written) => rest.create(api, createBody(name, desired, written?.spec ?? desired)),

  update: (api, live, name, desired, written) => rest.update(api, live, updateBody(live, name, desired, written?.spec ?? desired)),

  remove: rest.remove,

  /** The system's `Default Policy` (listed with a zero creation date, "Default group policy"). */
  isProtected: (live) => optString(field(live, 'name')) === DEFAULT_POLICY_NAME,

  toSpec(live) {
    const c = canonicalOf(live);
    const rules = (c.rules as CanonRule[]).map((r) => {
      const { inactive, ...rest } = r;
      return inactive ? { ...rest, inactive } : rest;
    });
    const ignored = c.ignoredSyscalls as string[];
    return compact({
      description: unlessEmptyText(c.description),
      policyMode: c.policyMode as string | undefined,
      defaultNetworkAction: c.defaultNetworkAction as string | undefined,
      defaultExecuteAction: c.defaultExecuteAction as string | undefined,
      defaultFileAction: c.defaultFileAction as string | undefined,
      ignoredSyscalls: unlessEmpty(ignored),
      rules: unlessEmpty(rules),
    }) as RuntimePolicySpec;
  },

  check(spec, name) {
    const issues: CheckIssue[] = nameAgrees(spec, 'name', name, "the policy's");
    const value = (key: string, v: unknown, path: CheckIssue['path']) => {
      const issue = checkValue(key, v, path);
      if (issue) issues.push(issue);
    };
    value('RuntimePolicy.policyMode', spec.policyMode, ['policyMode']);
    for (const k of ['defaultNetworkAction', 'defaultExecuteAction', 'defaultFileAction'] as const) value('RuntimePolicy.defaultAction', spec[k], [k]);
    arr(spec.rules).forEach((r, i) => {
      if (!isObj(r)) return;
      value('RuntimePolicy.rule.action', field(r, 'action'), ['rules', i, r.action === undefined && r.Action !== undefined ? 'Action' : 'action']);
      const at = (f: string) => ['rules', i, r[f] === undefined && r[pascal(f)] !== undefined ? pascal(f) : f];
      const label = `rules[${i}]${optString(field(r, 'name')) ? ` ("${String(field(r, 'name'))}")` : ''}`;
      for (const f of ['name', 'ruleType', 'action']) {
        if (field(r, f) === undefined) issues.push({ path: ['rules', i], message: `missing required field '${f}'` });
      }
      for (const f of RULE_FIELDS) {
        const camel = f === 'InActive' ? 'inactive' : f.charAt(0).toLowerCase() + f.slice(1);
        if (f !== camel && r[f] !== undefined && r[camel] !== undefined) {
          issues.push({ path: ['rules', i, f], message: `${label}: "${f}" and "${camel}" are two spellings of one field; keep one` });
        }
      }
      const type = normRuleType(field(r, 'ruleType'));
      if (type === undefined) return;
      if (!(RULE_TYPES as readonly string[]).includes(type)) {
        issues.push({ path: at('ruleType'), message: `${label}: ruleType "${String(field(r, 'ruleType'))}" is not one of ${RULE_TYPES.join(', ')}` });
        return;
      }
      const network = type === 'NETWORK_INBOUND' || type === 'NETWORK_OUTBOUND';
      const fileRule = type === 'READ' || type === 'WRITE';
      const syscallRule = type === 'SYSCALL';
      const need = network ? 'ipAddress' : fileRule ? 'file' : 'syscall';
      if (isBlank(field(r, need))) {
        issues.push({ path: at(need), message: `${label}: a ${type} rule needs "${need}"` });
      }
      const allowed: Record<string, boolean> = {
        ipAddress: network,
        port: network,
        file: fileRule,
        syscall: syscallRule,
        syscallGroup: syscallRule,
        arg1: syscallRule,
        arg2: syscallRule,
        arg3: syscallRule,
      };
      for (const [f, ok] of Object.entries(allowed)) {
        const v = field(r, f);
        if (ok || isBlank(v) || (f === 'port' && optInt(v) === 0)) continue;
        const fits = f === 'ipAddress' || f === 'port' ? 'NETWORK_INBOUND/NETWORK_OUTBOUND' : f === 'file' ? 'READ/WRITE' : 'SYSCALL';
        issues.push({ path: at(f), message: `${label}: "${f}" does not apply to a ${type} rule (only to ${fits} rules); remove it` });
      }
      const port = field(r, 'port');
      if (network && !isBlank(port)) {
        const p = optInt(port);
        if (p === undefined || p < 0 || p > 65535) issues.push({ path: at('port'), message: `${label}: port "${String(port)}" must be a number from 1 to 65535` });
      }
    });
    return issues;
  },
};
