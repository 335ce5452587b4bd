// One machine-readable document: {"formatVersion": 1, "changes": [...], "summary": {...}}.
// Validated against schemas/plan.schema.json by the tests.
import type { ApplyResult, Plan } from '../engine/model.js';
import { objectKey, planDigests } from '../engine/digest.js';
import { findingsToJson } from './governance.js';
import { fieldChanges } from './fields.js';

export function planToJson(plan: Plan): Record<string, unknown> {
  const digests = planDigests(plan);
  return {
    formatVersion: 1,
    digest: digests.digest,
    ...(plan.environment ? { environment: plan.environment } : {}),
    changes: plan.changes.map((c) => ({
      kind: c.kind,
      name: c.name,
      action: c.action,
      id: c.id ?? null,
      patch: c.patch,
      // an update's fields as the text plan shows them: set fields member by member, named list items by name
      ...(c.action === 'update' ? { fields: fieldChanges(c) } : {}),
      before: c.before ?? null,
      after: c.after ?? null,
      digest: digests.objects[objectKey(c)],
      ...(c.ignore?.length ? { ignore: c.ignore } : {}),
      ...(c.reason ? { reason: c.reason, ...(c.since ? { since: c.since } : {}) } : {}),
      ...(c.renamedFrom !== undefined ? { renamedFrom: c.renamedFrom } : {}),
    })),
    summary: plan.summary,
    notes: plan.notes,
    ...(plan.ignoredDifferences?.length ? { ignoredDifferences: plan.ignoredDifferences } : {}),
    ...(plan.pruneScope ? { pruneScope: plan.pruneScope } : {}),
    ...(plan.base ? { base: plan.base } : {}),
    ...(plan.undeclared ? { undeclared: plan.undeclared } : {}),
    ...(plan.builtIn ? { builtIn: plan.builtIn } : {}),
    ...(plan.findings?.length ? { findings: findingsToJson(plan.findings) } : {}),
    ...(plan.stats ? { stats: plan.stats } : {}),
  };
}

export function renderPlanJson(plan: Plan): string {
  return JSON.stringify(planToJson(plan), null, 2) + '\n';
}

export function renderApplyJson(r: ApplyResult): string {
  return JSON.stringify({ formatVersion: 1, ...r }, null, 2) + '\n';
}
