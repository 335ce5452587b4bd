// Saved plans, their one owner: the json plan plus what apply needs to refuse a stale one — a fingerprint of
// every live object a change was computed against, the gateway (never credentials), the environment and a hash
// of the declarations. Builds that metadata (for `plan --out` and the Action), writes and reads the file, and
// checks a saved plan against the environment, the declarations, the gateway and the live state of now.
import { createHash } from 'node:crypto';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { PlanError, QcsError } from '../errors.js';
import type { Kind } from '../kinds/types.js';
import type { Declaration } from '../types.js';
import { stableStringify } from '../json.js';
import type { Plan } from './model.js';
import type { LiveState } from './plan.js';
import { fingerprint } from './util.js';
import { planDigest } from './digest.js';
import { redact } from '../redact.js';

/** sha256 (hex) of the declarations' kind, name, spec and ignored paths, independent of file layout and order. */
export function declarationsHash(declarations: readonly Pick<Declaration, 'kind' | 'name' | 'spec' | 'ignore'>[]): string {
  const items = declarations
    .map((d) => ({ kind: d.kind, name: d.name, spec: d.spec, ...(d.ignore?.length ? { ignore: d.ignore } : {}) }))
    .sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return createHash('sha256').update(stableStringify(items)).digest('hex');
}

/** What a saved plan records beside the plan: where and from what it was made. */
export interface SavedPlanContext {
  gateway: string;
  declarations: readonly Pick<Declaration, 'kind' | 'name' | 'spec' | 'ignore'>[];
  paths: string[];
  prune: boolean;
  /** The project environment (--env, the Action's `environment`); absent without one. */
  environment?: string;
  now?: Date;
}

/** The plan as it is saved: its changes plus the gateway, declarations hash, paths, prune, environment and time. */
export function savedPlanOf(plan: Plan, ctx: SavedPlanContext): Plan {
  return {
    ...plan,
    ...(ctx.environment !== undefined ? { environment: ctx.environment } : {}),
    gateway: ctx.gateway,
    declarationsHash: declarationsHash(ctx.declarations),
    paths: ctx.paths,
    prune: ctx.prune,
    createdAt: (ctx.now ?? new Date()).toISOString(),
  };
}

/** Refuses a saved plan made for another environment (or with one, when none is given now, and the reverse). */
export function checkPlanEnvironment(saved: Plan, file: string, environment: string | undefined): void {
  if ((saved.environment ?? undefined) === environment) return;
  throw new PlanError(
    'E_PLAN_ENVIRONMENT',
    saved.environment
      ? `The plan ${file} was made for environment '${saved.environment}', not ${environment ? `'${environment}'` : 'without an environment'}. Nothing was applied.`
      : `The plan ${file} was made without an environment, not for '${environment!}'. Nothing was applied.`,
    [],
    saved.environment ? `Apply it with --env ${saved.environment}, or make a plan for this environment: qcs-gitops plan${environment ? ` --env ${environment}` : ''} --out FILE` : 'Apply it without --env, or make a plan with --env.',
  );
}

/** Refuses a saved plan whose declarations changed since it was made. */
export function checkPlanDeclarations(saved: Plan, declarations: readonly Declaration[], paths: readonly string[]): void {
  if (declarationsHash(declarations) === saved.declarationsHash) return;
  throw new PlanError('E_STALE_PLAN', `The declarations in ${paths.join(', ')} changed since the plan was made. Nothing was applied.`, [], 'Run `qcs-gitops plan` again and review the new plan.');
}

/** Refuses a saved plan that is not what it says it is (issue 26), before any call: its digest must be the digest
 * of its changes, recomputed; deletes only when its own `prune` allowed them (or removals since its base); every create and update must send the
 * spec of its declaration (the declarations are checked against the plan's hash first). A hand-edited plan with
 * deletes spliced in, or another spec, is refused with nothing sent. */
export function checkPlanIntegrity(
  saved: Plan,
  file: string,
  declarations: readonly Pick<Declaration, 'kind' | 'name' | 'spec'>[],
  /** Kinds whose planned spec is the declaration resolved against the live state (Kind.resolve: names made ids):
   * their spec is not compared word for word (the digest still covers it). */
  resolved: (kind: string) => boolean = () => false,
): void {
  const problems: string[] = [];
  const recomputed = planDigest(saved);
  if (saved.digest !== recomputed) problems.push(`its digest ${saved.digest === undefined ? '(none)' : JSON.stringify(saved.digest)} is not the digest of its changes (${recomputed})`);
  // a delete needs the plan's own prune, or is a removal since the base commit the plan records (--base)
  const deletes = saved.changes.filter((c) => c.action === 'delete' && !(c.reason === 'removed' && saved.base !== undefined));
  if (deletes.length > 0 && saved.prune !== true) {
    problems.push(`it deletes ${deletes.length} object${deletes.length === 1 ? '' : 's'} (${deletes.slice(0, 5).map((c) => `${c.kind}/${c.name}`).join(', ')}${deletes.length > 5 ? ', …' : ''}) though it was made without --prune`);
  }
  const declared = new Map(declarations.map((d) => [`${d.kind}/${d.name}`, stableStringify(JSON.parse(JSON.stringify(d.spec ?? {})) as unknown)]));
  for (const c of saved.changes) {
    const key = `${c.kind}/${c.name}`;
    if (c.action === 'delete') {
      if (declared.has(key)) problems.push(`${key}: deleted, but it is declared`);
      continue;
    }
    const spec = declared.get(key);
    if (spec === undefined) problems.push(`${key}: ${c.action === 'create' ? 'created' : 'updated'}, but no declaration names it`);
    else if (!resolved(c.kind) && stableStringify(c.spec ?? {}) !== spec) problems.push(`${key}: the spec it would send is not the declaration's`);
  }
  if (problems.length === 0) return;
  throw new PlanError(
    'E_PLAN_TAMPERED',
    `The plan ${file} does not hold what it says: ${problems.length} problem${problems.length === 1 ? '' : 's'}. Nothing was applied.`,
    problems,
    'The file was edited after `qcs-gitops plan --out` wrote it. Make a new plan and review it: qcs-gitops plan <paths> --out FILE',
  );
}

/** Refuses a saved plan made against another gateway. */
export function checkPlanGateway(saved: Plan, gateway: string): void {
  if (saved.gateway && saved.gateway !== gateway) {
    throw new PlanError('E_STALE_PLAN', `The plan was made against ${saved.gateway}, not ${gateway}. Nothing was applied.`);
  }
}

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
    if (kind.nameOf(obj) !== c.name) moved.push(`${c.kind}/${c.name}: the id ${c.id} is the id of ${c.kind}/${kind.nameOf(obj)}`);
    else if (fingerprint(kind.canonicalLive(obj)) !== c.fingerprint) moved.push(`${c.kind}/${c.name}: changed in Qualys since the plan was made (id ${c.id})`);
  }
  if (moved.length > 0) {
    throw new PlanError('E_STALE_PLAN', `The saved plan is stale: ${moved.length} object${moved.length === 1 ? '' : 's'} changed since it was made. Nothing was applied.`, moved, 'Run `qcs-gitops plan` again and review the new plan.');
  }
}
