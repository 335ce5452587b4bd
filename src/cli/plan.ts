import { Option, type Command } from 'commander';
import type { RunState } from './state.js';
import { addTargetOptions, collect, connect, parsePositiveInt, splitSimulatorArg, useColor, type TargetFlags } from './common.js';
import type { PlanOptions } from '../engine/plan.js';
import { UsageError, formatDiagnostic } from '../errors.js';
import type { Plan } from '../engine/model.js';
import { KIND_NAMES, kindByName } from '../kinds/index.js';
import { suggest } from '../declarations/messages.js';
import type { Environment, Project } from '../project/load.js';
import type { PlanBase } from '../project/base.js';
import type { Declaration } from '../types.js';
import type { EnvOutcome } from '../output/environments.js';
import { currentTime, exceptionFindings } from '../governance/findings.js';
import { processSink, type Reporter, type Sink } from '../output/events.js';
import { addProjectOptions, allEnvironments, loadOptionsFor, pathsFor, selectEnvironment, type ProjectFlags } from './project.js';

export interface PlanFlags extends TargetFlags, ProjectFlags {
  format: string;
  out?: string;
  detailedExitcode?: boolean;
  prune?: boolean;
  maxDeletes?: string;
  allowMassDelete?: boolean;
  target?: string[];
  replaceCredentials?: string[];
  pruneMatch?: string[];
  pruneKind?: string[];
  color?: boolean;
  strict?: boolean;
  quiet?: boolean;
  base?: string;
}

/** The engine's modules, loaded when a command runs: start-up (`--help`, `validate`) parses none of them. */
async function engine() {
  const [validate, kinds, plan, workflow] = await Promise.all([
    import('../declarations/validate.js'),
    import('../kinds/index.js'),
    import('../engine/plan.js'),
    import('../engine/workflow.js'),
  ]);
  return { ...validate, ...kinds, ...plan, ...workflow };
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
      .option('--base <ref>', 'the git commit the declarations are compared with (e.g. HEAD~1, origin/main): an object declared there and no longer declared is deleted, a declaration renamed in place renames its object')
      .option('--replace-credentials <KIND/NAME>', "send this object's write-only fields (credentials, ARN, account type: never read back, so never compared) again, with an update, even when nothing else differs (repeatable)", collect)
      .option('--no-color', 'no colour even on a terminal')
      .option('--quiet', 'no progress line on stderr (shown on a terminal, and every 5 s in a log, for long runs)'),
  );
}

/** The plan options of the flags and the project file (its ignores and prune scope). */
export function planOptionsFrom(flags: PlanFlags, project?: Project): PlanOptions {
  // the project file's `prune: { always: true }` prunes on every plan, within its scope
  const prune = !!flags.prune || !!project?.prune.always;
  if (!prune && (flags.pruneMatch?.length || flags.pruneKind?.length)) {
    throw new UsageError(`${flags.pruneMatch?.length ? '--prune-match' : '--prune-kind'} limits --prune, which was not given`, 'Add --prune to delete undeclared objects (only those in the scope).');
  }
  const kinds = (flags.pruneKind ?? []).map((k) => {
    const known = KIND_NAMES.find((n) => n.toLowerCase() === k.toLowerCase());
    if (known) return known;
    const guess = suggest(k, [...KIND_NAMES]);
    throw new UsageError(`--prune-kind ${k}: unknown kind${guess ? ` — did you mean '${guess}'?` : ''}`, `The kinds are: ${KIND_NAMES.join(', ')}`);
  });
  kinds.push(...(project?.prune.kinds ?? []));
  const pruneMatch = [...new Set([...(project?.prune.match ?? []), ...(flags.pruneMatch ?? [])])];
  return {
    prune,
    maxDeletes: parsePositiveInt(flags.maxDeletes, '--max-deletes', 10),
    allowMassDelete: !!flags.allowMassDelete,
    targets: flags.target,
    ...(flags.replaceCredentials?.length ? { resend: replaceCredentials(flags.replaceCredentials) } : {}),
    ...(project && Object.keys(project.ignore).length ? { ignore: project.ignore } : {}),
    ...(pruneMatch.length ? { pruneMatch } : {}),
    ...(kinds.length ? { pruneKinds: [...new Set(kinds)] } : {}),
  };
}

/** --replace-credentials KIND/NAME, checked: a known kind that has write-only fields. */
function replaceCredentials(items: readonly string[]): string[] {
  for (const t of items) {
    const slash = t.indexOf('/');
    const kind = slash > 0 ? kindByName(t.slice(0, slash)) : undefined;
    if (slash <= 0 || slash === t.length - 1 || !kind) {
      throw new UsageError(`--replace-credentials '${t}' is not of the form KIND/NAME with a known kind`, 'Example: --replace-credentials Registry/ecr-prod');
    }
    if (!kind.writeOnlyFields?.length || !kind.can.update) {
      throw new UsageError(`--replace-credentials '${t}': ${kind.kind} objects ${kind.can.update ? 'have no write-only fields' : 'cannot be updated through the API'}`, 'Only kinds that are updated and have write-only fields (Registry) take it.');
    }
  }
  return [...new Set(items)];
}

/** The CLI reporter of a command's --format (progress on stderr unless --quiet or --debug). */
export async function cliReporter(flags: PlanFlags, command: 'plan' | 'apply', sink: Sink = processSink): Promise<Reporter> {
  const { reporterFor } = await import('../output/reporters.js');
  return reporterFor(flags.format, { sink, command, color: flags.color !== false && useColor(), progress: !flags.quiet && !flags.debug });
}

/** With --base: the removals and renames since the base commit (read from git before any API call). */
export async function baseOf(flags: PlanFlags, argPaths: readonly string[], env: Environment | undefined, declarations: readonly Declaration[], reporter: Reporter): Promise<PlanBase | undefined> {
  if (flags.base === undefined) return undefined;
  const { planBase } = await import('../project/base.js');
  const since = await planBase({ ref: flags.base, argPaths, config: flags.config, env: env?.name }, declarations);
  for (const w of since.warnings) reporter.emit({ type: 'warning', message: w });
  return since;
}

/** One environment's plan (or the plan without environment), for the plan command and --all-envs; reported to
 * `reporter` unless `report` is false (--all-envs shows the plans together). */
export async function planFor(
  project: Project,
  env: Environment | undefined,
  argPaths: readonly string[],
  flags: PlanFlags,
  reporter: Reporter,
  report = true,
): Promise<Plan> {
  const paths = pathsFor(argPaths, env);
  if (paths.length === 0) {
    throw new UsageError(
      env ? `environment '${env.name}' has no paths and none were given` : 'plan needs at least one declarations path',
      env ? `Add paths: [...] to '${env.name}' in ${project.file}, or give the paths on the command line.` : 'Example: qcs-gitops plan examples/policies --simulator (or --env NAME with a project file)',
    );
  }
  const { loadDeclarations, KINDS, planWorkflow } = await engine();
  const declarations = await loadDeclarations(paths, loadOptionsFor(project, env), (d) => reporter.emit({ type: 'warning', message: formatDiagnostic(d) }));
  const options = planOptionsFrom(flags, project);
  const since = await baseOf(flags, argPaths, env, declarations, reporter);
  if (since) Object.assign(options, since.options);
  const conn = await connect(flags, env);
  try {
    const { plan } = await planWorkflow(
      {
        api: conn.api,
        kinds: KINDS,
        declarations,
        options,
        phase: `plan${env ? ` ${env.name}` : ''}: reading the live state`,
        environment: env?.name,
        findings: exceptionFindings(declarations, project.governance, currentTime()),
        ...(flags.out ? { save: { file: flags.out, gateway: conn.gateway, paths, prune: !!options.prune } } : {}),
        ...(since ? { base: since.base } : {}),
        report,
      },
      reporter,
    );
    return plan;
  } finally {
    await conn.close();
  }
}

/** Every environment's plan under its name; the exit code combines them (1 if any failed, else 2 with changes). */
async function planAllEnvs(project: Project, argPaths: readonly string[], flags: PlanFlags): Promise<number> {
  if (flags.out) throw new UsageError('--out saves one environment\'s plan; it cannot be combined with --all-envs', 'Save each with: qcs-gitops plan --env NAME --out plan-NAME.json');
  const [{ hasChanges }, { reportEnvironments }] = await Promise.all([import('../engine/plan.js'), import('../output/environments.js')]);
  const outcomes: EnvOutcome[] = [];
  for (const env of allEnvironments(project)) {
    const reporter = await cliReporter(flags, 'plan');
    try {
      outcomes.push({ env: env.name, plan: await planFor(project, env, argPaths, flags, reporter, false) });
    } catch (e) {
      outcomes.push({ env: env.name, error: e });
    } finally {
      reporter.close();
    }
  }
  reportEnvironments(processSink, outcomes, flags.format, flags.color !== false && useColor());
  if (outcomes.some((o) => o.error)) return 1;
  if (flags.strict && outcomes.some((o) => o.plan?.findings?.length)) {
    processSink.err('Failing: --strict and governance findings.\n');
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
    const { hasChanges } = await engine();
    const reporter = await cliReporter(flags, 'plan');
    let plan: Plan;
    try {
      plan = await planFor(project, env, args, flags, reporter);
    } finally {
      reporter.close();
    }
    if (flags.strict && plan.findings?.length) {
      processSink.err('Failing: --strict and governance findings (fix them, or run without --strict to report them only).\n');
      state.exitCode = 1;
      return;
    }
    state.exitCode = flags.detailedExitcode && hasChanges(plan) ? 2 : 0;
  });
}
