// The plan → save → apply workflow, written once for the CLI and the Action. It reports what happens as events
// (output/events.ts) and returns data; how a plan is shown, and what ends a run as a failure, is the caller's.
import type { ApiClient } from '../api/types.js';
import { apiCallsOf } from '../api/stats.js';
import type { Finding } from '../governance/findings.js';
import type { Kind } from '../kinds/types.js';
import type { Reporter } from '../output/events.js';
import type { Declaration } from '../types.js';
import { applyPlan, applySucceeded } from './apply.js';
import type { ApplyResult, Plan } from './model.js';
import { makePlan, type LiveState, type PlanOptions } from './plan.js';
import { savePlan, savedPlanOf } from './planfile.js';

export interface PlanRequest {
  api: ApiClient;
  kinds: readonly Kind[];
  declarations: Declaration[];
  options: PlanOptions;
  /** The progress line's name of the read. */
  phase: string;
  /** The environment the plan is for (recorded in the plan). */
  environment?: string;
  /** Governance findings about the declarations (carried in the plan). */
  findings?: readonly Finding[];
  /** Save the plan here for `apply --plan` (with the gateway, the declarations' hash and paths). */
  save?: { file: string; gateway: string; paths: string[]; prune: boolean };
  /** Run before the plan is reported (an apply checks it is the reviewed one): a throw reports nothing. */
  check?: (plan: Plan) => void;
  /** Report the plan (default true; a caller that shows several plans together reports none). */
  report?: boolean;
  /** The base commit the removals and renames were computed from (--base; recorded in the plan). */
  base?: { ref: string; commit: string };
}

/** Reads the live state as a plan needs it, plans, saves the plan if asked, reports it. */
export async function planWorkflow(req: PlanRequest, reporter: Reporter): Promise<{ plan: Plan; live: LiveState }> {
  reporter.emit({ type: 'reading', phase: req.phase, stats: () => req.api.stats });
  let made: { plan: Plan; live: LiveState };
  try {
    made = await makePlan(req.api, req.kinds, req.declarations, { ...req.options, onProgress: (progress) => reporter.emit({ type: 'read', progress }) });
  } finally {
    reporter.emit({ type: 'read-done' });
  }
  const { plan } = made;
  if (req.environment) plan.environment = req.environment;
  if (req.base) plan.base = req.base;
  if (req.findings?.length) plan.findings = [...req.findings];
  req.check?.(plan);
  if (req.save) {
    const { file, gateway, paths, prune } = req.save;
    await savePlan(file, savedPlanOf(plan, { gateway, declarations: req.declarations, paths, prune, environment: req.environment }));
  }
  plan.stats = { apiCalls: apiCallsOf(req.api.stats) }; // after saving: a saved plan carries no run figures
  if (req.report !== false) {
    reporter.emit({ type: 'plan', plan });
    if (plan.findings?.length) reporter.emit({ type: 'findings', findings: plan.findings });
    if (req.save) reporter.emit({ type: 'saved', file: req.save.file, environment: req.environment });
  }
  return made;
}

export interface ApplyRequest {
  api: ApiClient;
  kinds: readonly Kind[];
  plan: Plan;
  /** The live state the plan was checked against. */
  live: LiveState;
  parallelism: number;
  /** Asked before any change (the CLI's prompt); false cancels. Absent: no confirmation. */
  confirm?: () => Promise<boolean>;
  /** Tries of a change whose failure may be passing (applyPlan's default when absent). */
  attempts?: number;
  /** The wait between tries (tests inject one). */
  sleep?: (ms: number) => Promise<void>;
  /** Aborted on an interrupt (its reason names the signal): nothing new starts, the result says so. */
  signal?: AbortSignal;
}

export type ApplyOutcome =
  | { status: 'nothing'; ok: true }
  | { status: 'cancelled'; ok: false }
  | { status: 'applied'; ok: boolean; result: ApplyResult };

/** Carries out a plan (after the confirmation, if any), reporting each change and the verified result; `ok` is
 * the one rule of success: nothing failed or skipped, and the account verified. */
export async function applyWorkflow(req: ApplyRequest, reporter: Reporter): Promise<ApplyOutcome> {
  const { plan } = req;
  if (plan.changes.length === 0) {
    reporter.emit({ type: 'nothing-to-apply' });
    return { status: 'nothing', ok: true };
  }
  if (req.confirm && !(await req.confirm())) {
    reporter.emit({ type: 'cancelled' });
    return { status: 'cancelled', ok: false };
  }
  const total = plan.changes.length;
  reporter.emit({ type: 'applying', total, stats: () => req.api.stats });
  let done = 0;
  let failed = 0;
  const result = await applyPlan(req.api, req.kinds, plan, {
    parallelism: req.parallelism,
    live: req.live,
    ...(req.sleep ? { sleep: req.sleep } : {}),
    ...(req.attempts ? { attempts: req.attempts } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    onStart: (change) => reporter.emit({ type: 'change-started', change }),
    onRetry: (change, retry) => reporter.emit({ type: 'retry', change, ...retry }),
    onResult: (r) => {
      if (r.status === 'failed') failed++;
      reporter.emit({ type: 'change', result: r, done: ++done, failed, total });
    },
  });
  reporter.emit({ type: 'applied', result });
  return { status: 'applied', ok: applySucceeded(result), result };
}
