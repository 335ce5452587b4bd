// CentralizedPolicy — /v1.3/centralizedPolicy (admission-controller and other centralized policies).
// Quirks handled here: metaData object on write / JSON string on read; `order` on create / `sortOrder` on
// PUT and GET; `tagIds` null / ids / tag objects / a `tags` array; k8sFilters entries carrying both `cluster`
// and `namespace` with the unused one null; created/updated epoch strings; PUT sends the whole object.
import type { CheckIssue, Kind } from './types.js';
import { type Obj, arr, bool, compact, idSet, isObj, optInt, optString, parseJsonish, pick, sortedSet, upper } from './coerce.js';
import { collection } from './collection.js';
import { nameAgrees, unlessEmpty, unlessEmptyText } from './spec.js';
import { sameValue, stableStringify } from '../json.js';
import { asWritten, carried, changedKeys } from './carry.js';
import { checkValue } from './values.js';

const PATH = '/v1.3/centralizedPolicy';
/** The Block Older Images rule type (000_…: "The new rule is applicable only to the 'Admission Controller' policies"). */
const OLDER_IMAGES = 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES';

export interface CentralizedRuleSpec {
  name?: string;
  type?: string;
  action?: string;
  isEnabled?: boolean;
  stopProcessing?: boolean;
  sortOrder?: number;
  /** The create sample's spelling of sortOrder. */
  order?: number;
  kind?: string;
  /** A mapping, the JSON string the API reads back, or a bare integer (the 1.38 table: "metaData Mandatory
   * integer … age of the image in days"), which means `{value: N}`. */
  metaData?: Record<string, unknown> | string | number | null;
}

export interface K8sFilterSpec {
  cluster?: { clusterUid?: string; clusterName?: string } | null;
  namespace?: { namespaceUuid?: string | null; namespaceValue?: string; clusterUid?: string } | null;
}

export interface CentralizedPolicySpec {
  policyType?: string;
  policyMode?: string;
  description?: string;
  centralizedPolicyRules?: CentralizedRuleSpec[];
  exclusionPolicyRules?: CentralizedRuleSpec[];
  tagIds?: Array<string | number> | null;
  k8sFilters?: K8sFilterSpec[];
  /** Accepted as the samples send it (always false for a declared policy); never managed. */
  isDefault?: boolean;
}

export type CentralizedPolicyLive = Obj;

const KEYS = ['policyType', 'policyMode', 'description', 'centralizedPolicyRules', 'exclusionPolicyRules', 'tagIds', 'k8sFilters'] as const;

interface CanonRule {
  name?: string;
  type?: string;
  action?: string;
  kind?: string;
  isEnabled: boolean;
  stopProcessing: boolean;
  sortOrder: number;
  metaData?: unknown;
}

/** Rule fields the canonical form knows; any other field of a live rule (an id) is carried by writes. */
const RULE_FIELDS = new Set(['name', 'type', 'action', 'kind', 'isEnabled', 'stopProcessing', 'sortOrder', 'order', 'metaData']);

/** metaData in canonical form: a bare integer N means {value: N} (the 1.38 notes' "integer"). */
function metaDataOf(v: unknown): unknown {
  if (typeof v === 'number') return { value: v };
  return parseJsonish(v);
}

/** Rules in canonical form: the documented fields only, defaults filled, ordered by sortOrder (then position). */
function canonRules(v: unknown): CanonRule[] {
  const rules = arr(v).map((r, i) => {
    const o = isObj(r) ? r : {};
    return compact<CanonRule & Obj>({
      name: optString(o.name),
      type: upper(o.type),
      action: upper(o.action),
      kind: upper(o.kind) ?? 'IMAGE_SECURITY', // the API fills IMAGE_SECURITY when a rule omits it (docs/api-assumptions.md)
      isEnabled: bool(o.isEnabled, true),
      stopProcessing: bool(o.stopProcessing, false),
      sortOrder: optInt(pick(o, 'sortOrder', 'order')) ?? i,
      metaData: metaDataOf(o.metaData),
    });
  });
  return rules.map((r, i) => ({ r, i })).sort((a, b) => a.r.sortOrder - b.r.sortOrder || a.i - b.i).map((x) => x.r);
}

function canonFilter(f: unknown): Obj {
  const o = isObj(f) ? f : {};
  const out: Obj = {};
  if (isObj(o.cluster)) {
    out.cluster = compact({ clusterUid: optString(o.cluster.clusterUid), clusterName: optString(o.cluster.clusterName) });
  }
  if (isObj(o.namespace)) {
    out.namespace = compact({
      namespaceUuid: optString(o.namespace.namespaceUuid),
      namespaceValue: optString(o.namespace.namespaceValue),
      clusterUid: optString(o.namespace.clusterUid),
    });
  }
  return out;
}

function canonFilters(v: unknown): Obj[] {
  return sortedSet(arr(v).map(canonFilter), stableStringify);
}

function tagIdsOf(o: Obj): string[] {
  const v = o.tagIds ?? o.tags;
  return idSet(v, ['id', 'tagId', 'uuid']);
}

/** Tag ids for a declaration: integers where the API gave integers (or digit strings), sorted like the canonical form. */
function friendlyTagIds(o: Obj): Array<string | number> {
  return tagIdsOf(o).map((id) => (/^\d{1,15}$/.test(id) ? Number(id) : id));
}

function canonicalOf(o: Obj): Record<string, unknown> {
  return compact({
    policyType: upper(o.policyType),
    policyMode: upper(o.policyMode),
    description: optString(o.description) ?? '',
    centralizedPolicyRules: canonRules(o.centralizedPolicyRules),
    exclusionPolicyRules: canonRules(o.exclusionPolicyRules),
    tagIds: tagIdsOf(o),
    k8sFilters: canonFilters(o.k8sFilters),
  });
}

/** Tag ids to send: Qualys tag ids are numbers, so a digit id is sent as a number, any other id as a string. */
function wireTagIds(ids: unknown): Array<string | number> {
  return arr(ids).map((id) => (typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : (id as string | number)));
}

/** The documented filter shape: both keys, the unused one null, `namespaceUuid` null when unknown. */
function wireFilters(filters: unknown): Obj[] {
  return arr(filters).map((f) => {
    const o = f as Obj;
    const ns = o.namespace as Obj | undefined;
    return { cluster: o.cluster ?? null, namespace: ns ? { namespaceUuid: ns.namespaceUuid ?? null, namespaceValue: ns.namespaceValue, clusterUid: ns.clusterUid } : null };
  });
}

/** The rules to send. A rule that reads back unchanged is sent as the API holds it (metaData as the object the
 * requests send). A new or changed rule is sent as declared (`declared`: the spec's rules as written: its values in
 * the user's form, no field it leaves out invented), with its position (`order`/`sortOrder`, which the request
 * samples always carry) and metaData in the request form; a changed rule also carries the fields the canonical form
 * does not know (an id) from the live rule of the same name, and, for a documented field it leaves out, the value
 * the plan compared (so the write is what the plan showed). */
function wireRules(desired: unknown, declared: unknown, liveRules: unknown, orderKey: 'order' | 'sortOrder'): Obj[] {
  const pool = arr(liveRules).filter(isObj);
  const used = new Set<Obj>();
  const written = arr(declared).filter(isObj);
  const usedWritten = new Set<Obj>();
  return (arr(desired) as CanonRule[]).map((r) => {
    const match = pool.find((l) => !used.has(l) && optString(l.name) === r.name);
    if (match) used.add(match);
    const own = written.find((w) => !usedWritten.has(w) && optString(w.name) === r.name);
    if (own) usedWritten.add(own);
    const extras: Obj = {};
    if (match) for (const [k, v] of Object.entries(match)) if (!RULE_FIELDS.has(k)) extras[k] = v;
    if (match && sameValue(canonRules([match])[0], r)) {
      const { order: _order, sortOrder: _sortOrder, ...rest } = match;
      return compact({ ...rest, [orderKey]: r.sortOrder, metaData: r.metaData ?? match.metaData });
    }
    const canon: Obj = { name: r.name, type: r.type, action: r.action, isEnabled: r.isEnabled, stopProcessing: r.stopProcessing, kind: r.kind };
    const out: Obj = { ...extras };
    if (own) {
      // a declared field as written, when it means what the plan compared (an ignored path carries the live value)
      const meant = canonRules([own])[0] as unknown as Obj;
      for (const [k, v] of Object.entries(canon)) {
        const w = own[k];
        if (w !== undefined && w !== null) out[k] = sameValue(meant[k], v) ? w : v;
        // a field the declared rule leaves out: on a changed rule the value the plan compared; on a new one unsent
        else if (match) out[k] = v;
      }
    } else Object.assign(out, canon);
    out[orderKey] = r.sortOrder;
    if (r.metaData !== undefined) out.metaData = r.metaData;
    return compact(out);
  });
}

/** A managed key's value on the wire: enums and the description as written, rules and filters in the request forms. */
function wireValue(k: string, desired: Obj, spec: Obj, liveValue: unknown, orderKey: 'order' | 'sortOrder'): unknown {
  switch (k) {
    case 'centralizedPolicyRules':
    case 'exclusionPolicyRules':
      return wireRules(desired[k], spec[k], liveValue, orderKey);
    case 'tagIds':
      return wireTagIds(desired.tagIds);
    case 'k8sFilters':
      return wireFilters(desired.k8sFilters);
    case 'description':
      return typeof spec.description === 'string' ? spec.description : desired.description;
    default:
      return asWritten(spec[k], desired[k]);
  }
}

function idOf(live: CentralizedPolicyLive): string {
  return optString(pick(live, 'uuid', 'policyUuid', 'policyId', 'id')) ?? '';
}

const rest = collection(PATH, { idOf, createdIdKeys: ['uuid', 'policyUUID', 'policyUuid', 'id'], what: 'create centralized policy' });

export const centralizedPolicy: Kind<CentralizedPolicySpec, CentralizedPolicyLive> = {
  kind: 'CentralizedPolicy',
  schemaFile: 'centralized-policy.schema.json',
  folder: 'centralized-policies',
  dependsOn: [],
  can: { create: true, update: true, delete: true },

  // Summaries carry no rules, filters or tags: the engine reads the details of the policies that need them.
  list: rest.list,
  merge: (s, d) => ({ ...s, ...d, uuid: optString(d.uuid) ?? idOf(s) }),
  detailFields: ['centralizedPolicyRules', 'exclusionPolicyRules', 'tagIds', 'k8sFilters'],
  wire: { tagIds: ['tagIds', 'tags'] },

  get: rest.get,

  idOf,
  nameOf: (live) => optString(live.policyName) ?? '',

  canonical: (spec) => canonicalOf(spec as Obj),
  canonicalLive: (live) => canonicalOf(live),
  fields: KEYS,
  setFields: ['tagIds', 'k8sFilters'],
  namedLists: { centralizedPolicyRules: 'name', exclusionPolicyRules: 'name' },

  async create(api, name, desired, written) {
    // The documented create body's forms (rules carry `order`, metaData an object, filters both keys), for the
    // declared fields only: nothing the declaration leaves out is sent (no default description, tags or filters).
    const spec = written?.spec ?? desired;
    const body: Obj = { policyName: name };
    for (const k of KEYS) if (desired[k] !== undefined) body[k] = wireValue(k, desired, spec, undefined, 'order');
    if (spec.isDefault === false) body.isDefault = false; // declared as the create sample sends it
    return rest.create(api, body);
  },

  async update(api, live, name, desired, written) {
    const spec = written?.spec ?? desired;
    // PUT sends the whole object (the update sample carries every field, server-managed ones included): the live
    // details as read, keys no kind knows included, with each field the declaration changes replaced.
    const body: Obj = { ...carried(live, []), uuid: idOf(live), policyName: name };
    const changed = new Set(changedKeys(KEYS, desired, canonicalOf(live)));
    for (const k of KEYS) {
      const rules = k === 'centralizedPolicyRules' || k === 'exclusionPolicyRules';
      // rules are always written in the request form (metaData an object, `sortOrder`), an unchanged one as held
      if (!changed.has(k) && !(rules && live[k] !== undefined)) continue;
      if (desired[k] === undefined) delete body[k];
      else body[k] = wireValue(k, desired, spec, live[k], 'sortOrder');
    }
    await rest.update(api, live, body);
  },

  remove: rest.remove,

  isProtected: (live) => bool(live.isDefault, false),

  toSpec(live) {
    const c = canonicalOf(live);
    const friendlyRules = (rules: CanonRule[]) =>
      rules.map((r, i) =>
        compact({
          name: r.name,
          type: r.type,
          action: r.action,
          kind: r.kind,
          isEnabled: r.isEnabled ? undefined : false,
          stopProcessing: r.stopProcessing ? true : undefined,
          sortOrder: r.sortOrder === i ? undefined : r.sortOrder,
          metaData: r.metaData,
        }),
      );
    const rules = friendlyRules(c.centralizedPolicyRules as CanonRule[]);
    const excl = friendlyRules(c.exclusionPolicyRules as CanonRule[]);
    const tagIds = friendlyTagIds(live);
    const filters = c.k8sFilters as Obj[];
    return compact({
      policyType: c.policyType as string | undefined,
      policyMode: c.policyMode as string | undefined,
      description: unlessEmptyText(c.description),
      centralizedPolicyRules: unlessEmpty(rules),
      exclusionPolicyRules: unlessEmpty(excl),
      tagIds: unlessEmpty(tagIds),
      k8sFilters: unlessEmpty(filters),
    }) as CentralizedPolicySpec;
  },

  check(spec, name) {
    const issues: CheckIssue[] = nameAgrees(spec, 'policyName', name, "the policy's");
    const value = (key: string, v: unknown, path: CheckIssue['path']) => {
      const issue = checkValue(key, v, path);
      if (issue) issues.push(issue);
    };
    value('CentralizedPolicy.policyType', spec.policyType, ['policyType']);
    value('CentralizedPolicy.policyMode', spec.policyMode, ['policyMode']);
    const policyType = upper(spec.policyType);
    for (const field of ['centralizedPolicyRules', 'exclusionPolicyRules'] as const) {
      arr(spec[field]).forEach((r, i) => {
        if (!isObj(r)) return;
        value('CentralizedPolicy.rule.type', r.type, [field, i, 'type']);
        value('CentralizedPolicy.rule.action', r.action, [field, i, 'action']);
        value('CentralizedPolicy.rule.kind', r.kind, [field, i, 'kind']);
        if (upper(r.type) === OLDER_IMAGES && policyType !== undefined && policyType !== 'K8S_ADMISSION_CONTROLLER') {
          issues.push({
            path: [field, i, 'type'],
            message: `the Block Older Images rule (${OLDER_IMAGES}) "is applicable only to the 'Admission Controller' policies" (CS 1.38 notes); this policy's type is ${policyType}: use policyType K8S_ADMISSION_CONTROLLER or remove the rule`,
          });
        }
        if (r.metaData === null && upper(r.type) === 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES') {
          issues.push({ path: [field, i, 'metaData'], message: 'metaData is mandatory for IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES ("metaData Mandatory integer: age of the image in days", CS 1.38): e.g. metaData: {value: 180}' });
        }
        if (typeof r.metaData === 'string' && parseJsonish(r.metaData) === r.metaData) {
          issues.push({ path: [field, i, 'metaData'], message: `metaData "${r.metaData}" is not JSON; write a mapping such as {value: 180}` });
        }
        if (r.sortOrder !== undefined && r.order !== undefined && optInt(r.sortOrder) !== optInt(r.order)) {
          issues.push({ path: [field, i, 'order'], message: `order ${String(r.order)} and sortOrder ${String(r.sortOrder)} disagree; they are two spellings of the rule's position: keep one` });
        }
      });
    }
    arr(spec.k8sFilters).forEach((f, i) => {
      const o = isObj(f) ? f : {};
      const hasC = isObj(o.cluster);
      const hasN = isObj(o.namespace);
      if (hasC === hasN) {
        issues.push({
          path: ['k8sFilters', i],
          message: `k8sFilters[${i}] must hold exactly one of 'cluster' or 'namespace' (a whole cluster {clusterUid, clusterName}, or one namespace {namespaceValue, clusterUid}; the other one null or absent)${hasC ? ', not both' : ''}`,
        });
      }
    });
    const orders = new Map<number, number>();
    canonRules(spec.centralizedPolicyRules).forEach((r) => orders.set(r.sortOrder, (orders.get(r.sortOrder) ?? 0) + 1));
    arr(spec.centralizedPolicyRules).forEach((r, i) => {
      const so = isObj(r) ? optInt(pick(r, 'sortOrder', 'order')) : undefined;
      if (so !== undefined && (orders.get(so) ?? 0) > 1) {
        issues.push({ path: ['centralizedPolicyRules', i, 'sortOrder'], message: `sortOrder ${so} is used by more than one rule; give each rule its own position (or omit sortOrder to use the list order)` });
      }
    });
    return issues;
  },
};
