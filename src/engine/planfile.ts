// Saved plans: the json plan plus what apply needs to refuse a stale one — a fingerprint of every live
// object a change was computed against, the gateway (never credentials) and a hash of the declarations.
import { readFile, writeFile, rename } from 'node:fs/promises';
import { PlanError, QcsError } from '../errors.js';
import type { Kind } from '../kinds/types.js';
import type { Plan } from './model.js';
import type { LiveState } from './plan.js';
import { fingerprint } from './util.js';
import { planDigest } from './digest.js';
import { redact } from '../redact.js';

export async function savePlan(file: string, plan: Plan): Promise<void> {
  const text = redact(JSON.stringify({ ...plan, digest: planDigest(plan) }, null, 2)) + '\n';
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, file);
}

export async function loadPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new QcsError('E_PLAN_FILE', `cannot read the plan file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, { hint: 'Write one with `qcs-gitops plan <paths> --out FILE`.' });
  }
  let plan: Plan;
  try {
    plan = JSON.parse(text) as Plan;
  } catch {
    throw new QcsError('E_PLAN_FILE', `${file} is not a plan file (not JSON)`, { hint: 'Write one with `qcs-gitops plan <paths> --out FILE`.' });
  }
  if (!plan || plan.formatVersion !== 1 || !Array.isArray(plan.changes) || !plan.declarationsHash) {
    throw new QcsError('E_PLAN_FILE', `${file} is not a saved qcs-gitops plan (formatVersion 1 with a declarations hash)`, { hint: 'Write one with `qcs-gitops plan <paths> --out FILE`.' });
  }
  return plan;
}

/** Compares a saved plan with the live state read now; throws PlanError naming every object that moved. */
export function checkStale(plan: Plan, kinds: readonly Kind[], live: LiveState): void {
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  const moved: string[] = [];
  for (const c of plan.changes) {
    const kind = byKind.get(c.kind);
    if (!kind) {
      moved.push(`${c.kind}/${c.name}: unknown kind`);
      continue;
    }
    const objs = live.get(c.kind) ?? [];
    if (c.action === 'create') {
      if (objs.some((o) => kind.nameOf(o) === c.name)) moved.push(`${c.kind}/${c.name}: planned as a create, but an object with this name now exists`);
      continue;
    }
    const obj = objs.find((o) => kind.idOf(o) === c.id);
    if (obj === undefined) {
      moved.push(`${c.kind}/${c.name}: ${c.action === 'delete' ? 'planned for deletion, but already gone' : 'no longer exists'} (id ${c.id})`);
      continue;
    }
    if (fingerprint(kind.canonicalLive(obj)) !== c.fingerprint) moved.push(`${c.kind}/${c.name}: changed in Qualys since the plan was made (id ${c.id})`);
  }
  if (moved.length > 0) {
    throw new PlanError('E_STALE_PLAN', `The saved plan is stale: ${moved.length} object${moved.length === 1 ? '' : 's'} changed since it was made. Nothing was applied.`, moved, 'Run `qcs-gitops plan` again and review the new plan.');
  }
}
