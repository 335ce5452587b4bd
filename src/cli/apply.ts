import { Option, type Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { RunState } from './main.js';
import { connect, parsePositiveInt, splitSimulatorArg, useColor, type Connection } from './common.js';
import { addPlanOptions, planOptionsFrom, readProgress, renderPlan, type PlanFlags } from './plan.js';
import { startProgress } from './progress.js';
import { addProjectOptions, loadOptionsFor, pathsFor, selectEnvironment } from './project.js';
import type { LiveState } from '../engine/plan.js';
import type { ExpectedDigest } from '../engine/digest.js';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { ApplyResult, Plan } from '../engine/model.js';
import type { Environment, Project } from '../project/load.js';
import type { Declaration } from '../types.js';

interface ApplyFlags extends PlanFlags {
  plan?: string;
  autoApprove?: boolean;
  parallelism?: string;
  expectDigest?: string;
}

async function confirm(): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('\nDo you want to perform these actions? Only "yes" will be accepted: ');
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** `--expect-digest`: 64 hex characters, or a json plan file (plan --format json, or plan --out) holding its digest. */
async function readExpectedDigest(value: string): Promise<ExpectedDigest> {
  const { expectedFromPlanDocument, isDigest } = await import('../engine/digest.js');
  const v = value.trim();
  if (isDigest(v.toLowerCase())) return { digest: v.toLowerCase() };
  const hint = 'Give the "digest" of `qcs-gitops plan … --format json` (64 hexadecimal characters), or the json plan file that was reviewed.';
  let text: string;
  try {
    text = await readFile(v, 'utf8');
  } catch {
    throw new UsageError(`--expect-digest '${value}' is neither a sha256 digest (64 hexadecimal characters) nor a readable file`, hint);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const expected = expectedFromPlanDocument(doc);
  if (!expected) throw new UsageError(`--expect-digest ${v}: not a qcs-gitops json plan whose "digest" is the digest of its changes`, hint);
  return expected;
}

export function registerApply(program: Command, state: RunState): void {
  const cmd = program
    .command('apply')
    .description('make the live account match the declarations (a fresh plan, or a saved one with --plan)')
    .argument('[paths...]', 'declaration files or folders (with --plan: defaults to the paths the plan was made from)')
    .option('--plan <file>', 'carry out a plan saved by `plan --out`; refused when the account or the declarations changed since')
    .option('--auto-approve', 'do not ask for confirmation (required without a terminal)')
    .option('--parallelism <n>', 'changes in flight at once within a kind', '4')
    .option('--expect-digest <hex|file>', 'apply only when the plan\'s digest is this one (the "digest" of plan --format json), or the one of this reviewed json plan file (which also names the objects that differ)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
  addProjectOptions(cmd);
  addPlanOptions(cmd).action(async (argPaths: string[], flags: ApplyFlags) => {
    state.exitCode = await runApply(argPaths, flags);
  });
}

/** The modules apply needs, loaded when the command runs: start-up (`--help`, `validate`) parses none of the engine. */
async function applyModules() {
  const [{ loadDeclarations }, { KINDS }, { makePlan, fetchForPlan }, { applyPlan, applySucceeded }, { loadPlan, checkStale, checkPlanEnvironment, checkPlanDeclarations, checkPlanGateway }, { checkDigest }, { renderApplyText, renderResultLine }, { renderApplyJson }] =
    await Promise.all([
      import('../declarations/validate.js'),
      import('../kinds/index.js'),
      import('../engine/plan.js'),
      import('../engine/apply.js'),
      import('../engine/planfile.js'),
      import('../engine/digest.js'),
      import('../render/text.js'),
      import('../render/json.js'),
    ]);
  return { loadDeclarations, KINDS, makePlan, fetchForPlan, applyPlan, applySucceeded, loadPlan, checkStale, checkPlanEnvironment, checkPlanDeclarations, checkPlanGateway, checkDigest, renderApplyText, renderResultLine, renderApplyJson };
}
type ApplyModules = Awaited<ReturnType<typeof applyModules>>;

/** The apply command: its exit code. */
async function runApply(argPaths: string[], flags: ApplyFlags): Promise<number> {
  const given = splitSimulatorArg(flags, argPaths);
  const parallelism = parsePositiveInt(flags.parallelism, '--parallelism', 4) || 1;
  if (!flags.autoApprove && !process.stdin.isTTY) {
    throw new UsageError('apply needs --auto-approve when there is no terminal to confirm on', 'Review the plan first (qcs-gitops plan … --out plan.json), then: qcs-gitops apply --plan plan.json --auto-approve');
  }
  const m = await applyModules();
  const expectDigest = flags.expectDigest === undefined ? undefined : await readExpectedDigest(flags.expectDigest);
  const { project, env } = await selectEnvironment(flags);
  const saved = flags.plan ? await m.loadPlan(flags.plan) : undefined;
  if (saved) m.checkPlanEnvironment(saved, flags.plan!, env?.name);
  const paths = declarationPaths(given, flags, saved, env);
  const declarations = await m.loadDeclarations(paths, loadOptionsFor(project, env));
  if (saved) m.checkPlanDeclarations(saved, declarations, paths);
  const conn = await connect(flags, env);
  try {
    const { plan, live } = await readPlan(m, conn, flags, { saved, declarations, project, env });
    // before anything is shown or asked: a plan that is not the reviewed one is refused outright
    if (expectDigest !== undefined) m.checkDigest(expectDigest, plan);
    const json = flags.format === 'json';
    if (!json) process.stdout.write(await renderPlan(plan, 'text', flags.color !== false && useColor()));
    if (plan.changes.length === 0) {
      if (json) process.stdout.write(m.renderApplyJson({ results: [], notConverged: [], verified: true, summary: { created: 0, updated: 0, deleted: 0, failed: 0, skipped: 0 } }));
      else process.stdout.write('Nothing to apply.\n');
      return 0;
    }
    if (!flags.autoApprove && !(await confirm())) {
      process.stderr.write('Apply cancelled: nothing was changed.\n');
      return 1;
    }
    if (!json) process.stdout.write('\n');
    const result = await carryOut(m, conn, plan, live, flags, parallelism);
    process.stdout.write(json ? m.renderApplyJson(result) : m.renderApplyText(result));
    if (!json && conn.simulated && !flags.state) {
      process.stderr.write('Note: the simulated account lived in this process only; add --state FILE to keep it for the next plan.\n');
    }
    return m.applySucceeded(result) ? 0 : 1;
  } finally {
    await conn.close();
  }
}

/** The declaration paths: those given, else (with --plan) the saved plan's, else the environment's. */
function declarationPaths(given: string[], flags: ApplyFlags, saved: Plan | undefined, env: Environment | undefined): string[] {
  if (saved) {
    const paths = given.length > 0 ? given : (saved.paths ?? []);
    if (paths.length === 0) throw new UsageError(`the plan ${flags.plan} records no declaration paths; give them on the command line`);
    return paths;
  }
  const paths = pathsFor(given, env);
  if (paths.length === 0) {
    throw new UsageError(
      env ? `environment '${env.name}' has no paths and none were given` : 'apply needs declaration paths or --plan FILE',
      'Example: qcs-gitops apply examples/policies --simulator --auto-approve',
    );
  }
  return paths;
}

/** The plan to carry out and the live state it was checked against: the saved plan (refused when the gateway or a
 * live object moved), or a fresh one. */
async function readPlan(
  m: ApplyModules,
  conn: Connection,
  flags: ApplyFlags,
  ctx: { saved: Plan | undefined; declarations: Declaration[]; project: Project; env: Environment | undefined },
): Promise<{ plan: Plan; live: LiveState }> {
  const { saved, declarations } = ctx;
  const reading = readProgress(flags, conn.api, 'apply: reading the live state');
  try {
    if (saved) {
      m.checkPlanGateway(saved, conn.gateway);
      const kindsInPlan = m.KINDS.filter((k) => saved.changes.some((c) => c.kind === k.kind));
      const live = await m.fetchForPlan(conn.api, kindsInPlan, declarations);
      m.checkStale(saved, m.KINDS, live);
      return { plan: saved, live };
    }
    const made = await m.makePlan(conn.api, m.KINDS, declarations, { ...planOptionsFrom(flags, ctx.project), onProgress: reading.onRead });
    if (ctx.env) made.plan.environment = ctx.env.name;
    return made;
  } finally {
    reading.stop();
  }
}

/** Applies the plan with a progress line (text: each result printed above it as it completes). */
async function carryOut(m: ApplyModules, conn: Connection, plan: Plan, live: LiveState, flags: ApplyFlags, parallelism: number): Promise<ApplyResult> {
  const json = flags.format === 'json';
  const progress = startProgress(!flags.quiet && !flags.debug, { phase: 'apply', changesDone: 0, changesTotal: plan.changes.length }, { stats: () => conn.api.stats });
  let done = 0;
  let failed = 0;
  try {
    return await m.applyPlan(conn.api, m.KINDS, plan, {
      parallelism,
      live,
      onResult: (r) => {
        if (r.status === 'failed') failed++;
        done++;
        progress.update({ changesDone: done, failed, phase: done === plan.changes.length ? 'apply: verifying' : 'apply' });
        if (json) return;
        progress.print(process.stdout, m.renderResultLine(r) + '\n'); // the live line moves below each result line
      },
    });
  } finally {
    progress.stop();
  }
}
