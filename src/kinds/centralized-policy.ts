// CentralizedPolicy — /v1.3/centralizedPolicy (admission-controller and other centralized policies).
// Quirks handled here: metaData object on write / JSON string on read; `order` on create / `sortOrder` on
// PUT and GET; `tagIds` null / ids / tag objects / a `tags` array; k8sFilters entries carrying both `cluster`
// and `namespace` with the unused one null; created/updated epoch strings; PUT sends the whole object.
import type { ApiClient } from '../api/types.js';
import type { CheckIssue, Kind } from './types.js';
import {
  type Obj, arr, bool, compact, getOrUndefined, idFromResponse, idSet, isObj, listWithDetails, optInt, optString, parseJsonish,
  pick, seg, sortedSet, stableStringify, upper, isBlank, ownedExcept,
} from './util.js';

const PATH = '/v1.3/centralizedPolicy';

export interface CentralizedRuleSpec {
  name?: string;
  type?: string;
  action?: string;
  isEnabled?: boolean;
  stopProcessing?: boolean;
  sortOrder?: number;
  kind?: string;
  metaData?: Record<string, unknown> | string;
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
  tagIds?: Array<string | number>;
  k8sFilters?: K8sFilterSpec[];
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
      metaData: parseJsonish(o.metaData),
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

/** Tag ids to send: as declared (Qualys tag ids are numbers; a string id is sent as a string), in canonical order. */
function sendTagIds(spec: CentralizedPolicySpec): Array<string | number> {
  const declared = new Map(arr(spec.tagIds).map((t) => [String(t), t as string | number]));
  return idSet(spec.tagIds).map((id) => declared.get(id) ?? id);
}

function sendFilters(spec: CentralizedPolicySpec): Obj[] {
  return canonFilters(spec.k8sFilters).map((f) => ({ cluster: f.cluster ?? null, namespace: f.namespace ?? null }));
}

function sendRules(rules: unknown, orderKey: 'order' | 'sortOrder'): Obj[] {
  return canonRules(rules).map((r) =>
    compact({
      name: r.name,
      type: r.type,
      action: r.action,
      isEnabled: r.isEnabled,
      stopProcessing: r.stopProcessing,
      [orderKey]: r.sortOrder,
      kind: r.kind,
      metaData: r.metaData,
    }),
  );
}

function idOf(live: CentralizedPolicyLive): string {
  return optString(pick(live, 'uuid', 'policyUuid', 'policyId', 'id')) ?? '';
}

export const centralizedPolicy: Kind<CentralizedPolicySpec, CentralizedPolicyLive> = {
  kind: 'CentralizedPolicy',
  schemaFile: 'centralized-policy.schema.json',
  folder: 'centralized-policies',
  dependsOn: [],
  can: { create: true, update: true, delete: true },

  async list(api: ApiClient) {
    // Summaries carry no rules, filters or tags: read each policy's details.
    return listWithDetails(api, PATH, idOf, (s, d) => ({ ...s, ...d, uuid: optString(d.uuid) ?? idOf(s) }));
  },

  async get(api, id) {
    return getOrUndefined<Obj>(api, `${PATH}/${seg(id)}`);
  },

  idOf,
  nameOf: (live) => optString(live.policyName) ?? '',

  canonical: (spec) => canonicalOf(spec as Obj),
  canonicalLive: (live) => canonicalOf(live),
  ownedFields(spec) {
    const missing = (['policyType', 'policyMode'] as const).filter((k) => isBlank(spec[k]));
    return missing.length ? ownedExcept(KEYS, missing) : undefined;
  },

  async create(api, name, spec) {
    const c = canonicalOf(spec as Obj);
    // Exactly the documented create body: rules carry `order`, metaData an object.
    const body = compact({
      policyName: name,
      description: c.description,
      centralizedPolicyRules: sendRules(spec.centralizedPolicyRules, 'order'),
      exclusionPolicyRules: sendRules(spec.exclusionPolicyRules, 'order'),
      policyMode: c.policyMode,
      policyType: c.policyType,
      isDefault: false,
      tagIds: sendTagIds(spec),
      k8sFilters: sendFilters(spec),
    });
    const res = await api.request('POST', PATH, { body });
    return idFromResponse(res, ['uuid', 'policyUUID', 'policyUuid', 'id'], 'create centralized policy');
  },

  async update(api, live, name, spec) {
    const c = canonicalOf(spec as Obj);
    const id = idOf(live);
    // PUT sends the whole object: the live server-managed fields plus the desired ones.
    const body = compact({
      uuid: id,
      policyName: name,
      policyType: c.policyType ?? live.policyType,
      policyMode: c.policyMode ?? live.policyMode,
      description: c.description,
      createdBy: live.createdBy,
      created: live.created,
      updatedBy: live.updatedBy,
      updated: live.updated,
      centralizedPolicyRules: sendRules(spec.centralizedPolicyRules, 'sortOrder'),
      exclusionPolicyRules: sendRules(spec.exclusionPolicyRules, 'sortOrder'),
      version: live.version,
      isDefault: live.isDefault ?? false,
      tagIds: sendTagIds(spec),
      k8sFilters: sendFilters(spec),
      hasDeprecatedRulesPresent: live.hasDeprecatedRulesPresent ?? false,
    });
    await api.request('PUT', `${PATH}/${seg(id)}`, { body });
  },

  async remove(api, live) {
    await api.request('DELETE', `${PATH}/${seg(idOf(live))}`);
  },

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
      description: c.description === '' ? undefined : (c.description as string),
      centralizedPolicyRules: rules.length ? rules : undefined,
      exclusionPolicyRules: excl.length ? excl : undefined,
      tagIds: tagIds.length ? tagIds : undefined,
      k8sFilters: filters.length ? filters : undefined,
    }) as CentralizedPolicySpec;
  },

  check(spec) {
    const issues: CheckIssue[] = [];
    arr(spec.k8sFilters).forEach((f, i) => {
      const o = isObj(f) ? f : {};
      const hasC = isObj(o.cluster);
      const hasN = isObj(o.namespace);
      if (hasC === hasN) {
        issues.push({
          path: ['k8sFilters', i],
          message: `k8sFilters[${i}] must hold exactly one of "cluster" ({clusterUid, clusterName}) or "namespace" ({namespaceValue, clusterUid})${hasC ? ', not both' : ''}`,
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
