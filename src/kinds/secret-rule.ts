// SecretRule — /v1.3/secretrule (fallback /v1.3/secretDetector): system-defined secret-detection rules.
// Only `status` and `severity` are managed; no create, no delete. Status reads back `Active`/`Inactive`,
// severity upper case; severity is sent lower case. Status-only changes are grouped into bulkUpdate calls.
import type { ApiClient } from '../api/types.js';
import type { CheckIssue, Kind, UpdateOutcome } from './types.js';
import { type Obj, compact, isBlank, optString, upper } from './coerce.js';
import { getOrUndefined, seg } from './requests.js';

export const SECRET_RULE_PATHS = ['/v1.3/secretrule', '/v1.3/secretDetector'];
/** Most rule ids in one bulkUpdate call. */
export const BULK_LIMIT = 100;
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
const SPEC_KEYS = ['status', 'secretRuleStatus', 'severity', 'ruleUuid'];

export interface SecretRuleSpec {
  status?: string;
  /** The PUT body's name of status (secret-rule/update.request.json). */
  secretRuleStatus?: string;
  severity?: string;
  ruleUuid?: string;
}

export type SecretRuleLive = Obj;

/** `active`, `ACTIVE`, `Active` → `Active`; `inactive`, `InActive` → `Inactive`; others kept as given. */
export function normStatus(v: unknown): string | undefined {
  const s = optString(v);
  if (s === undefined) return undefined;
  const l = s.trim().toLowerCase();
  if (l === 'active') return 'Active';
  if (l === 'inactive') return 'Inactive';
  return s;
}

function idOf(live: SecretRuleLive): string {
  return optString(live.ruleUuid ?? live.ruleId ?? live.id) ?? '';
}

async function path(api: ApiClient): Promise<string> {
  return api.resolvePath(SECRET_RULE_PATHS);
}

/** The declared status, under either of its names. */
function statusOf(spec: SecretRuleSpec): string | undefined {
  return normStatus(spec.status ?? spec.secretRuleStatus);
}

/** The PUT body: both fields always (the desired form carries the live value of the undeclared one). */
function putBody(desired: Obj): Obj {
  return {
    secretRuleStatus: normStatus(desired.status),
    severity: upper(desired.severity)?.toLowerCase(),
  };
}

export const secretRule: Kind<SecretRuleSpec, SecretRuleLive> = {
  kind: 'SecretRule',
  schemaFile: 'secret-rule.schema.json',
  folder: 'secret-rules',
  exportFile: 'secret-rules.yaml',
  dependsOn: [],
  can: { create: false, update: true, delete: false, rename: false },
  listIsComplete: true,

  async list(api) {
    return api.list<Obj>(await path(api));
  },

  async get(api, id) {
    return getOrUndefined<Obj>(api, `${await path(api)}/${seg(id)}`);
  },

  idOf,
  nameOf: (live) => optString(live.secretDetector) ?? '',
  idField: 'ruleUuid',
  declaredId: (spec) => optString(spec.ruleUuid),

  canonical: (spec) => compact({ status: statusOf(spec), severity: upper(spec.severity) }),
  canonicalLive: (live) => compact({ status: normStatus(live.status), severity: upper(live.severity) }),
  fields: ['status', 'severity'],
  aliases: { secretRuleStatus: 'status' },

  async create() {
    throw new Error('secret rules are system-defined: they cannot be created, only their status and severity changed');
  },

  async update(api, live, _name, desired) {
    await api.request('PUT', `${await path(api)}/${seg(idOf(live))}`, { body: putBody(desired) });
  },

  async updateMany(api, items) {
    const base = await path(api);
    const outcomes: Array<UpdateOutcome | undefined> = new Array(items.length).fill(undefined);
    const single: number[] = [];
    const byStatus = new Map<string, number[]>();
    items.forEach((it, i) => {
      const wantSeverity = upper(it.desired.severity);
      if (wantSeverity !== undefined && wantSeverity !== upper(it.live.severity)) {
        single.push(i); // a severity change needs the single PUT (with both fields)
        return;
      }
      const status = normStatus(it.desired.status) ?? normStatus(it.live.status) ?? 'Active';
      const group = byStatus.get(status) ?? [];
      group.push(i);
      byStatus.set(status, group);
    });
    const calls: Promise<void>[] = [];
    for (const i of single) {
      const it = items[i]!;
      calls.push(
        api.request('PUT', `${base}/${seg(idOf(it.live))}`, { body: putBody(it.desired) }).then(
          () => void (outcomes[i] = { ok: true }),
          (error: unknown) => void (outcomes[i] = { ok: false, error }),
        ),
      );
    }
    for (const [status, idx] of byStatus) {
      for (let k = 0; k < idx.length; k += BULK_LIMIT) {
        const chunk = idx.slice(k, k + BULK_LIMIT);
        const ruleIds = chunk.map((i) => idOf(items[i]!.live));
        calls.push(
          api.request('PUT', `${base}/bulkUpdate`, { body: { secretRuleStatus: status, ruleIds } }).then(
            () => chunk.forEach((i) => (outcomes[i] = { ok: true })),
            (error: unknown) => chunk.forEach((i) => (outcomes[i] = { ok: false, error })),
          ),
        );
      }
    }
    await Promise.all(calls);
    return outcomes.map((o) => o ?? { ok: false, error: new Error('not attempted') });
  },

  async remove() {
    throw new Error('secret rules are system-defined: they cannot be deleted; set status Inactive instead');
  },

  isProtected: () => false,

  toSpec: (live) => compact({ status: normStatus(live.status), severity: upper(live.severity) }) as SecretRuleSpec,

  check(spec) {
    const issues: CheckIssue[] = [];
    for (const k of Object.keys(spec ?? {})) {
      if (!SPEC_KEYS.includes(k)) {
        issues.push({ path: [k], message: `"${k}" cannot be managed on a secret rule; only status (Active/Inactive), severity (LOW, MEDIUM, HIGH, CRITICAL) and ruleUuid are allowed` });
      }
    }
    if (!isBlank(spec?.status) && !isBlank(spec?.secretRuleStatus)) {
      issues.push({ path: ['secretRuleStatus'], message: 'status and secretRuleStatus are two names of one field; keep one' });
    }
    if (isBlank(spec?.status) && isBlank(spec?.secretRuleStatus) && isBlank(spec?.severity)) {
      issues.push({ path: [], message: 'a SecretRule declares status (Active/Inactive), severity (LOW, MEDIUM, HIGH, CRITICAL) or both' });
    }
    const st = spec ? statusOf(spec) : undefined;
    if (st !== undefined && st !== 'Active' && st !== 'Inactive') {
      issues.push({ path: [isBlank(spec.status) ? 'secretRuleStatus' : 'status'], message: `status "${st}" is not valid; use Active or Inactive` });
    }
    const sev = upper(spec?.severity);
    if (sev !== undefined && !(SEVERITIES as readonly string[]).includes(sev)) {
      issues.push({ path: ['severity'], message: `severity "${String(spec.severity)}" is not valid; use one of ${SEVERITIES.join(', ')}` });
    }
    return issues;
  },
};
