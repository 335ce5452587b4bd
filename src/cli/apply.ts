import { Option, type Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import type { RunState } from './state.js';
import { connect, parsePositiveInt, splitSimulatorArg, type Connection } from './common.js';
import { addPlanOptions, baseOf, cliReporter, planOptionsFrom, type PlanFlags } from './plan.js';
import { addProjectOptions, loadOptionsFor, pathsFor, selectEnvironment } from './project.js';
import type { LiveState } from '../engine/plan.js';
import type { ExpectedDigest } from '../engine/digest.js';
import { readFile } from 'node:fs/promises';
import { UsageError, formatDiagnostic } from '../errors.js';
import type { Plan } from '../engine/model.js';
import type { ApplyTracker, knownResult } from '../engine/apply.js';
import { processSink, type Reporter, type RunEvent } from '../output/events.js';
import type { Environment, Project } from '../project/load.js';
import type { Declaration } from '../types.js';

interface ApplyFlags extends PlanFlags {
  plan?: string;
  autoApprove?: boolean;
  parallelism?: string;
  expectDigest?: string;
}

/** The controlling terminal (/dev/tty), where the confirmation is asked even when stdout and stderr go to a pipe
 * (`apply … 2>&1 | tail`); undefined where there is none (then stdin and stderr, which runApply checked is a terminal). */
function openTerminal(): { input: ReadStream; output: WriteStream; close(): void } | undefined {
  try {
    const fd = openSync('/dev/tty', 'r+');
    const input = new ReadStream(fd);
    const output = new WriteStream(fd);
    return { input, output, close: () => (input.destroy(), output.destroy()) };
  } catch {
    return undefined;
  }
}

async function confirm(): Promise<boolean> {
  const terminal = openTerminal();
  const rl = createInterface({ input: terminal?.input ?? process.stdin, output: terminal?.output ?? process.stderr });
  try {
    // the plan went to stdout: when that is a pipe (`apply | tail`), the terminal has not shown it
    const unseen = terminal && !process.stdout.isTTY ? '\nThe plan above went to stdout, which is not this terminal (a pipe or a file): read it there first.' : '';
    const answer = await rl.question(`${unseen}\nDo you want to perform these actions? Only "yes" will be accepted: `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
    terminal?.close();
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
  const [{ loadDeclarations }, { KINDS }, { fetchForPlan }, { planWorkflow, applyWorkflow }, { loadPlan, checkStale, checkPlanEnvironment, checkPlanDeclarations, checkPlanGateway, checkPlanIntegrity }, { checkDigest }, { ApplyTracker, knownResult }] =
    await Promise.all([
      import('../declarations/validate.js'),
      import('../kinds/index.js'),
      import('../engine/plan.js'),
      import('../engine/workflow.js'),
      import('../engine/planfile.js'),
      import('../engine/digest.js'),
      import('../engine/apply.js'),
    ]);
  return { loadDeclarations, KINDS, fetchForPlan, planWorkflow, applyWorkflow, loadPlan, checkStale, checkPlanEnvironment, checkPlanDeclarations, checkPlanGateway, checkPlanIntegrity, checkDigest, ApplyTracker, knownResult };
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
  if (saved && flags.base !== undefined) {
    throw new UsageError('--base makes a fresh plan; a saved plan (--plan) already holds the removals and renames of the base it was made with', 'Drop --base (the saved plan is applied as reviewed), or drop --plan.');
  }
  if (saved) m.checkPlanEnvironment(saved, flags.plan!, env?.name);
  const paths = declarationPaths(given, flags, saved, env);
  const declarations = await m.loadDeclarations(paths, loadOptionsFor(project, env), (d) => reporter.emit({ type: 'warning', message: formatDiagnostic(d) }));
  if (saved) m.checkPlanDeclarations(saved, declarations, paths);
  if (saved) m.checkPlanIntegrity(saved, flags.plan!, declarations, (k) => m.KINDS.some((x) => x.kind === k && x.resolve !== undefined));
  const conn = await connect(flags, env);
  const interrupts = new Interrupts(m, await cliReporter(flags, 'apply'), `qcs-gitops plan ${paths.join(' ')}${env ? ` --env ${env.name}` : ''}`);
  const reporter = interrupts.reporter;
  try {
    // before anything is shown or asked: a plan that is not the reviewed one is refused outright
    const check = (plan: Plan) => expectDigest !== undefined && m.checkDigest(expectDigest, plan);
    const { plan, live } = await readPlan(m, conn, flags, reporter, { saved, declarations, project, env, check, argPaths: given });
    // --retries also bounds the tries of a change (a create whose answer was a 503 is looked for, then sent again)
    const attempts = flags.retries === undefined ? undefined : parsePositiveInt(flags.retries, '--retries', 5) || 1;
    // signals are ours once changes may start (at the prompt, Ctrl-C still ends the command as it always did)
    const confirmed = async (): Promise<boolean> => {
      const ok = await confirm();
      if (ok) interrupts.listen(plan);
      return ok;
    };
    if (flags.autoApprove) interrupts.listen(plan);
    const outcome = await m.applyWorkflow({ api: conn.api, kinds: m.KINDS, plan, live, parallelism, attempts, signal: interrupts.signal, ...(flags.autoApprove ? {} : { confirm: confirmed }) }, reporter);
    if (outcome.status === 'applied' && outcome.result.interrupted) return exitCodeOf(outcome.result.interrupted.signal);
    if (outcome.status === 'applied' && conn.simulated && !flags.state) { // a warning: the json reporter leaves it out
      reporter.emit({ type: 'warning', message: 'Note: the simulated account lived in this process only; add --state FILE to keep it for the next plan.' });
    }
    return outcome.ok ? 0 : 1;
  } finally {
    interrupts.stop();
    reporter.close();
    await conn.close();
  }
}

/** 128 + the signal's number, as shells report a process a signal ended: 130 for SIGINT, 143 for SIGTERM. */
function exitCodeOf(signal: string): number {
  return signal === 'SIGINT' ? 130 : 143;
}

/** SIGINT/SIGTERM during an apply (issue 26). The first: no new change starts, those in flight finish or time out
 * (each call is bounded by --request-timeout), then the result is reported as always, every change as done, failed
 * or not started, ending with the command that shows what remains. A second: the run ends at once, after reporting
 * what is known (the changes in flight named, outcome unknown). The reporter given is wrapped to know which changes
 * are in flight. */
class Interrupts {
  readonly reporter: Reporter;
  private readonly controller = new AbortController();
  private readonly tracker: ApplyTracker;
  private plan: Plan | undefined;
  private reported = false;
  private readonly handlers: Array<[NodeJS.Signals, () => void]> = [];

  constructor(
    private readonly m: { ApplyTracker: typeof ApplyTracker; knownResult: typeof knownResult },
    private readonly inner: Reporter,
    private readonly next: string,
  ) {
    this.tracker = new m.ApplyTracker();
    this.reporter = {
      emit: (e: RunEvent) => {
        if (e.type === 'change-started') this.tracker.started(e.change);
        if (e.type === 'change') this.tracker.finished(e.result);
        if (e.type === 'applied') {
          if (this.reported) return;
          this.reported = true;
          if (e.result.interrupted) e = { type: 'applied', result: { ...e.result, interrupted: { ...e.result.interrupted, next: this.next } } };
        }
        inner.emit(e);
      },
      close: () => inner.close(),
    };
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  listen(plan: Plan): void {
    this.plan = plan;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const h = () => this.on(sig);
      this.handlers.push([sig, h]);
      process.on(sig, h);
    }
  }

  stop(): void {
    for (const [sig, h] of this.handlers.splice(0)) process.off(sig, h);
  }

  private on(sig: NodeJS.Signals): void {
    if (!this.controller.signal.aborted) {
      this.controller.abort(sig);
      processSink.err(`\n${sig}: no new change is started; waiting for the ${this.tracker.inFlight.length} in flight to finish (${sig} again stops at once).\n`);
      return;
    }
    // the second signal: what is known, now
    if (!this.reported && this.plan) this.reporter.emit({ type: 'applied', result: this.m.knownResult(this.plan, this.tracker.results, this.tracker.inFlight, String(this.controller.signal.reason)) });
    this.inner.close();
    process.exit(exitCodeOf(String(this.controller.signal.reason)));
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
 * live object moved), or a fresh one; reported once checked. */
async function readPlan(
  m: ApplyModules,
  conn: Connection,
  flags: ApplyFlags,
  reporter: Reporter,
  ctx: { saved: Plan | undefined; declarations: Declaration[]; project: Project; env: Environment | undefined; check: (plan: Plan) => void; argPaths: string[] },
): Promise<{ plan: Plan; live: LiveState }> {
  const { saved, declarations } = ctx;
  if (!saved) {
    const options = planOptionsFrom(flags, ctx.project);
    const since = await baseOf(flags, ctx.argPaths, ctx.env, declarations, reporter);
    if (since) Object.assign(options, since.options);
    return m.planWorkflow(
      { api: conn.api, kinds: m.KINDS, declarations, options, phase: 'apply: reading the live state', environment: ctx.env?.name, check: ctx.check, ...(since ? { base: since.base } : {}) },
      reporter,
    );
  }
  m.checkPlanGateway(saved, conn.gateway);
  reporter.emit({ type: 'reading', phase: 'apply: reading the live state', stats: () => conn.api.stats });
  let live: LiveState;
  try {
    const kindsInPlan = m.KINDS.filter((k) => saved.changes.some((c) => c.kind === k.kind));
    // a rename is planned on the live object of its old name: read it as the plan did
    const renames = saved.changes.flatMap((c) => (c.renamedFrom !== undefined ? [{ kind: c.kind, from: c.renamedFrom, to: c.name }] : []));
    live = await m.fetchForPlan(conn.api, kindsInPlan, declarations, renames);
  } finally {
    reporter.emit({ type: 'read-done' });
  }
  m.checkStale(saved, m.KINDS, live);
  ctx.check(saved);
  reporter.emit({ type: 'plan', plan: saved });
  return { plan: saved, live };
}
