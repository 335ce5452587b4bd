import { Option, type Command } from 'commander';
import type { RunState } from './main.js';
import { addTargetOptions, collect, connect, parsePositiveInt, splitSimulatorArg, useColor, type TargetFlags } from './common.js';
import type { PlanOptions, ReadProgress } from '../engine/plan.js';
import type { ApiClient } from '../api/types.js';
import { startProgress, type Progress } from './progress.js';
import { apiCallsOf } from './output.js';
import { QcsError, UsageError } from '../errors.js';
import type { Plan } from '../engine/model.js';
import type { Declaration } from '../types.js';
import { KIND_NAMES } from '../kinds/index.js';
import { suggest } from '../declarations/messages.js';
import type { Environment, Project } from '../project/load.js';
import { redact } from '../redact.js';
import { reportError } from './output.js';
import { currentTime, exceptionFindings } from '../governance/findings.js';
import { renderFindingsText } from '../render/governance.js';
import { addProjectOptions, allEnvironments, loadOptionsFor, pathsFor, selectEnvironment, type ProjectFlags } from './project.js';

export interface PlanFlags extends TargetFlags, ProjectFlags {
  format: string;
  out?: string;
  detailedExitcode?: boolean;
  prune?: boolean;
  maxDeletes?: string;
  allowMassDelete?: boolean;
  target?: string[];
  pruneMatch?: string[];
  pruneKind?: string[];
  color?: boolean;
  strict?: boolean;
  quiet?: boolean;
}

/** The engine's modules, loaded when a command runs: start-up (`--help`, `validate`) parses none of them. */
async function engine() {
  const [validate, kinds, plan, planfile] = await Promise.all([
    import('../declarations/validate.js'),
    import('../kinds/index.js'),
    import('../engine/plan.js'),
    import('../engine/planfile.js'),
  ]);
  return { ...validate, ...kinds, ...plan, ...planfile };
}

export function addPlanOptions(cmd: Command): Command {
  return addTargetOptions(
    cmd
      .option('--prune', 'plan deletion of live objects the declarations do not name (only kinds the declarations use; never system objects)')
      .option('--max-deletes <n>', 'refuse a plan with more deletes than this unless --allow-mass-delete', '10')
      .option('--allow-mass-delete', 'allow more deletes than --max-deletes')
      .option('--prune-match <glob>', 'with --prune: delete only undeclared objects whose name matches this glob (repeatable; adds to prune.match of the project file)', collect)
      .option('--prune-kind <kind>', 'with --prune: delete only undeclared objects of this kind (repeatable)', collect)
      .option('--target <KIND/NAME>', 'limit the plan to this object (repeatable)', collect)
      .option('--no-color', 'no colour even on a terminal')
      .option('--quiet', 'no progress line on stderr (shown on a terminal, and every 5 s in a log, for long runs)'),
  );
}

/** The plan options of the flags and the project file (its ignores and prune scope). */
export function planOptionsFrom(flags: PlanFlags, project?: Project): PlanOptions {
  const kinds = flags.pruneKind ?? [];
  if (!flags.prune && (flags.pruneMatch?.length || kinds.length)) {
    throw new UsageError(`${flags.pruneMatch?.length ? '--prune-match' : '--prune-kind'} limits --prune, which was not given`, 'Add --prune to delete undeclared objects (only those in the scope).');
  }
  for (const k of kinds) {
    if ((KIND_NAMES as readonly string[]).includes(k)) continue;
    const guess = suggest(k, [...KIND_NAMES]);
    throw new UsageError(`--prune-kind ${k}: unknown kind${guess ? ` — did you mean '${guess}'?` : ''}`, `The kinds are: ${KIND_NAMES.join(', ')}`);
  }
  const pruneMatch = [...new Set([...(project?.prune.match ?? []), ...(flags.pruneMatch ?? [])])];
  return {
    prune: !!flags.prune,
    maxDeletes: parsePositiveInt(flags.maxDeletes, '--max-deletes', 10),
    allowMassDelete: !!flags.allowMassDelete,
    targets: flags.target,
    ...(project && Object.keys(project.ignore).length ? { ignore: project.ignore } : {}),
    ...(pruneMatch.length ? { pruneMatch } : {}),
    ...(kinds.length ? { pruneKinds: [...new Set(kinds)] } : {}),
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

/** One environment's plan (or the plan without environment), for the plan command and --all-envs. */
export async function planFor(project: Project, env: Environment | undefined, argPaths: readonly string[], flags: PlanFlags): Promise<{ plan: Plan; declarations: Declaration[]; gateway: string; paths: string[]; stats: NonNullable<Plan['stats']> }> {
  const paths = pathsFor(argPaths, env);
  if (paths.length === 0) {
    throw new UsageError(
      env ? `environment '${env.name}' has no paths and none were given` : 'plan needs at least one declarations path',
      env ? `Add paths: [...] to '${env.name}' in ${project.file}, or give the paths on the command line.` : 'Example: qcs-gitops plan examples/policies --simulator (or --env NAME with a project file)',
    );
  }
  const { loadDeclarations, KINDS, makePlan } = await engine();
  const declarations = await loadDeclarations(paths, loadOptionsFor(project, env));
  const options = planOptionsFrom(flags, project);
  const conn = await connect(flags, env);
  try {
    const progress = readProgress(flags, conn.api, `plan${env ? ` ${env.name}` : ''}: reading the live state`);
    let plan: Plan;
    try {
      ({ plan } = await makePlan(conn.api, KINDS, declarations, { ...options, onProgress: progress.onRead }));
    } finally {
      progress.stop();
    }
    if (env) plan.environment = env.name;
    const findings = exceptionFindings(declarations, project.governance, currentTime());
    if (findings.length) plan.findings = findings;
    return { plan, declarations, gateway: conn.gateway, paths, stats: { apiCalls: apiCallsOf(conn.api.stats) } };
  } finally {
    await conn.close();
  }
}

interface EnvOutcome {
  env: Environment;
  plan?: Plan;
  error?: unknown;
}

function errorText(e: unknown): string {
  let out = '';
  reportError(e, {}, (s) => (out += s));
  return out;
}

/** Every environment's plan under its name; the exit code combines them (1 if any failed, else 2 with changes). */
async function planAllEnvs(project: Project, argPaths: readonly string[], flags: PlanFlags): Promise<number> {
  if (flags.out) throw new UsageError('--out saves one environment\'s plan; it cannot be combined with --all-envs', 'Save each with: qcs-gitops plan --env NAME --out plan-NAME.json');
  const [{ hasChanges }, { planToJson }] = await Promise.all([import('../engine/plan.js'), import('../render/json.js')]);
  const outcomes: EnvOutcome[] = [];
  for (const env of allEnvironments(project)) {
    try {
      outcomes.push({ env, plan: (await planFor(project, env, argPaths, flags)).plan });
    } catch (e) {
      outcomes.push({ env, error: e });
    }
  }
  const color = flags.color !== false && useColor();
  if (flags.format === 'json') {
    const environments: Record<string, unknown> = {};
    for (const o of outcomes) {
      environments[o.env.name] = o.plan
        ? planToJson(o.plan)
        : { environment: o.env.name, error: { code: o.error instanceof QcsError ? o.error.code : 'E_INTERNAL', message: redact(errorText(o.error).trim()) } };
    }
    process.stdout.write(JSON.stringify({ formatVersion: 1, environments }, null, 2) + '\n');
  } else {
    const parts = await Promise.all(outcomes.map(async (o) => {
      if (o.plan) {
        if (flags.format === 'text' && o.plan.findings?.length) process.stderr.write(`Environment ${o.env.name}:\n${renderFindingsText(o.plan.findings)}`);
        return renderPlan(o.plan, flags.format, color);
      }
      const text = redact(errorText(o.error).trim());
      return flags.format === 'markdown'
        ? `### qcs-gitops plan for environment \`${o.env.name}\` failed\n\n\`\`\`\n${text.replace(/```/g, "'''")}\n\`\`\`\n`
        : `Environment: ${o.env.name}\n\n${text}\n`;
    }));
    process.stdout.write(parts.join(flags.format === 'markdown' ? '\n' : '\n' + '─'.repeat(60) + '\n\n'));
  }
  if (outcomes.some((o) => o.error)) return 1;
  if (flags.strict && outcomes.some((o) => o.plan?.findings?.length)) {
    process.stderr.write('Failing: --strict and governance findings.\n');
    return 1;
  }
  return flags.detailedExitcode && outcomes.some((o) => o.plan && hasChanges(o.plan)) ? 2 : 0;
}

export function registerPlan(program: Command, state: RunState): void {
  const cmd = program
    .command('plan')
    .description('show what apply would change: create, update (field by field) and delete')
    .argument('[paths...]', 'declaration files or folders (*.yaml, *.yml); with --env, default to the environment\'s paths')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--out <file>', 'save the plan (json, with live fingerprints) for `apply --plan`')
    .option('--detailed-exitcode', 'exit 0 with no changes, 2 with changes, 1 on error')
    .option('--strict', 'exit 1 when there is any governance finding about the declared exceptions');
  addProjectOptions(cmd, { allEnvs: true });
  addPlanOptions(cmd).action(async (argPaths: string[], flags: PlanFlags) => {
    const args = splitSimulatorArg(flags, argPaths);
    const { project, env } = await selectEnvironment(flags);
    if (flags.allEnvs) {
      state.exitCode = await planAllEnvs(project, args, flags);
      return;
    }
    const { savedPlanOf, savePlan, hasChanges } = await engine();
    const { plan, declarations, gateway, paths, stats } = await planFor(project, env, args, flags);
    if (flags.out) await savePlan(flags.out, savedPlanOf(plan, { gateway, declarations, paths, prune: !!flags.prune, environment: env?.name }));
    plan.stats = stats; // after saving: a saved plan carries no run figures
    process.stdout.write(await renderPlan(plan, flags.format, flags.color !== false && useColor()));
    // text plans: findings on stderr, like validate's (markdown and json carry them in the document)
    if (flags.format === 'text' && plan.findings?.length) process.stderr.write(renderFindingsText(plan.findings));
    if (flags.out && flags.format === 'text') process.stdout.write(`Saved the plan to ${flags.out}; apply it with: qcs-gitops apply --plan ${flags.out}${env ? ` --env ${env.name}` : ''}\n`);
    if (flags.strict && plan.findings?.length) {
      process.stderr.write('Failing: --strict and governance findings (fix them, or run without --strict to report them only).\n');
      state.exitCode = 1;
      return;
    }
    state.exitCode = flags.detailedExitcode && hasChanges(plan) ? 2 : 0;
  });
}
