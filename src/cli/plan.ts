import { Option, type Command } from 'commander';
import type { RunState } from './main.js';
import { addTargetOptions, collect, connect, parsePositiveInt, splitSimulatorArg, useColor, type TargetFlags } from './common.js';
import type { PlanOptions, ReadProgress } from '../engine/plan.js';
import type { ApiClient } from '../api/types.js';
import { startProgress, type Progress } from './progress.js';
import { UsageError } from '../errors.js';
import { apiCallsOf } from './output.js';
import type { Plan } from '../engine/model.js';

export interface PlanFlags extends TargetFlags {
  format: string;
  out?: string;
  detailedExitcode?: boolean;
  prune?: boolean;
  maxDeletes?: string;
  allowMassDelete?: boolean;
  target?: string[];
  color?: boolean;
  quiet?: boolean;
}

export function addPlanOptions(cmd: Command): Command {
  return addTargetOptions(
    cmd
      .option('--prune', 'plan deletion of live objects the declarations do not name (only kinds the declarations use; never system objects)')
      .option('--max-deletes <n>', 'refuse a plan with more deletes than this unless --allow-mass-delete', '10')
      .option('--allow-mass-delete', 'allow more deletes than --max-deletes')
      .option('--target <KIND/NAME>', 'limit the plan to this object (repeatable)', collect)
      .option('--no-color', 'no colour even on a terminal')
      .option('--quiet', 'no progress line on stderr (shown on a terminal, and every 5 s in a log, for long runs)'),
  );
}

export function planOptionsFrom(flags: PlanFlags): PlanOptions {
  return {
    prune: !!flags.prune,
    maxDeletes: parsePositiveInt(flags.maxDeletes, '--max-deletes', 10),
    allowMassDelete: !!flags.allowMassDelete,
    targets: flags.target,
  };
}

/** The progress line of a read of the live state (off with --quiet, and with --debug, whose lines it would cut). */
export function readProgress(flags: PlanFlags, api: ApiClient, phase: string): Progress & { onRead: (e: ReadProgress) => void } {
  const progress = startProgress(!flags.quiet && !flags.debug, { phase }, { stats: () => api.stats });
  let objectsRead = 0;
  return {
    ...progress,
    onRead: (e) => progress.update({ kindsRead: e.kindsDone, kindsTotal: e.kindsTotal, objectsRead: (objectsRead += e.objects) }),
  };
}

export async function renderPlan(plan: Plan, format: string, color: boolean): Promise<string> {
  const [{ renderPlanJson }, { renderPlanMarkdown }, { renderPlanText }] = await Promise.all([
    import('../render/json.js'),
    import('../render/markdown.js'),
    import('../render/text.js'),
  ]);
  switch (format) {
    case 'json':
      return renderPlanJson(plan);
    case 'markdown':
      return renderPlanMarkdown(plan);
    default:
      return renderPlanText(plan, { color });
  }
}

export function registerPlan(program: Command, state: RunState): void {
  const cmd = program
    .command('plan')
    .description('show what apply would change: create, update (field by field) and delete')
    .argument('[paths...]', 'declaration files or folders (*.yaml, *.yml)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--out <file>', 'save the plan (json, with live fingerprints) for `apply --plan`')
    .option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes, 1 on error');
  addPlanOptions(cmd).action(async (argPaths: string[], flags: PlanFlags) => {
    const paths = splitSimulatorArg(flags, argPaths);
    if (paths.length === 0) throw new UsageError('plan needs at least one declarations path', 'Example: qcs-gitops plan examples/policies --simulator');
    // loaded when the command runs: start-up (`--help`, `validate`) parses none of the engine
    const [{ loadDeclarations, declarationsHash }, { KINDS }, { makePlan, hasChanges }, { savePlan }] = await Promise.all([
      import('../declarations/validate.js'),
      import('../kinds/index.js'),
      import('../engine/plan.js'),
      import('../engine/planfile.js'),
    ]);
    const declarations = await loadDeclarations(paths);
    const options = planOptionsFrom(flags);
    const conn = await connect(flags);
    try {
      const progress = readProgress(flags, conn.api, 'plan: reading the live state');
      let plan: Plan;
      try {
        ({ plan } = await makePlan(conn.api, KINDS, declarations, { ...options, onProgress: progress.onRead }));
      } finally {
        progress.stop();
      }
      if (flags.out) {
        await savePlan(flags.out, {
          ...plan,
          gateway: conn.gateway,
          declarationsHash: declarationsHash(declarations),
          paths,
          prune: options.prune,
          createdAt: new Date().toISOString(),
        });
      }
      plan.stats = { apiCalls: apiCallsOf(conn.api.stats) }; // after saving: a saved plan carries no run figures
      process.stdout.write(await renderPlan(plan, flags.format, flags.color !== false && useColor()));
      if (flags.out && flags.format === 'text') process.stdout.write(`Saved the plan to ${flags.out}; apply it with: qcs-gitops apply --plan ${flags.out}\n`);
      state.exitCode = flags.detailedExitcode && hasChanges(plan) ? 2 : 0;
    } finally {
      await conn.close();
    }
  });
}
