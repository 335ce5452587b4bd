// One machine-readable document: {"formatVersion": 1, "changes": [...], "summary": {...}}.
// Validated against schemas/plan.schema.json by the tests.
import type { ApplyResult, Plan } from '../engine/model.js';
import { findingsToJson } from './governance.js';

export function planToJson(plan: Plan): Record<string, unknown> {
  return {
    formatVersion: 1,
    ...(plan.environment ? { environment: plan.environment } : {}),
    changes: plan.changes.map((c) => ({
      kind: c.kind,
      name: c.name,
      action: c.action,
      id: c.id ?? null,
      patch: c.patch,
      before: c.before ?? null,
      after: c.after ?? null,
      ...(c.ignore?.length ? { ignore: c.ignore } : {}),
    })),
    summary: plan.summary,
    notes: plan.notes,
    ...(plan.ignoredDifferences?.length ? { ignoredDifferences: plan.ignoredDifferences } : {}),
    ...(plan.pruneScope ? { pruneScope: plan.pruneScope } : {}),
    ...(plan.findings?.length ? { findings: findingsToJson(plan.findings) } : {}),
  };
}

export function renderPlanJson(plan: Plan): string {
  return JSON.stringify(planToJson(plan), null, 2) + '\n';
}

export function renderApplyJson(r: ApplyResult): string {
  return JSON.stringify({ formatVersion: 1, ...r }, null, 2) + '\n';
}
