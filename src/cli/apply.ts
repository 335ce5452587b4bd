import { Option, type Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { RunState } from './main.js';
import { connect, parsePositiveInt, splitSimulatorArg, useColor } from './common.js';
import { addPlanOptions, planOptionsFrom, readProgress, renderPlan, type PlanFlags } from './plan.js';
import { startProgress } from './progress.js';
import { addProjectOptions, loadOptionsFor, pathsFor, selectEnvironment } from './project.js';
import type { LiveState } from '../engine/plan.js';
import type { ExpectedDigest } from '../engine/digest.js';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { Plan } from '../engine/model.js';

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
    let paths = splitSimulatorArg(flags, argPaths);
    const parallelism = parsePositiveInt(flags.parallelism, '--parallelism', 4) || 1;
    if (!flags.autoApprove && !process.stdin.isTTY) {
      throw new UsageError('apply needs --auto-approve when there is no terminal to confirm on', 'Review the plan first (qcs-gitops plan … --out plan.json), then: qcs-gitops apply --plan plan.json --auto-approve');
    }
    // loaded when the command runs: start-up (`--help`, `validate`) parses none of the engine
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
    const expectDigest = flags.expectDigest === undefined ? undefined : await readExpectedDigest(flags.expectDigest);
    const { project, env } = await selectEnvironment(flags);
    const saved = flags.plan ? await loadPlan(flags.plan) : undefined;
    if (saved) checkPlanEnvironment(saved, flags.plan!, env?.name);
    if (saved) {
      if (paths.length === 0) paths = saved.paths ?? [];
      if (paths.length === 0) throw new UsageError(`the plan ${flags.plan} records no declaration paths; give them on the command line`);
    } else if ((paths = pathsFor(paths, env)).length === 0) {
      throw new UsageError(
        env ? `environment '${env.name}' has no paths and none were given` : 'apply needs declaration paths or --plan FILE',
        'Example: qcs-gitops apply examples/policies --simulator --auto-approve',
      );
    }
    const declarations = await loadDeclarations(paths, loadOptionsFor(project, env));
    if (saved) checkPlanDeclarations(saved, declarations, paths);
    const conn = await connect(flags, env);
    try {
      let plan: Plan;
      let live: LiveState;
      const reading = readProgress(flags, conn.api, 'apply: reading the live state');
      try {
        if (saved) {
          checkPlanGateway(saved, conn.gateway);
          const kindsInPlan = KINDS.filter((k) => saved.changes.some((c) => c.kind === k.kind));
          live = await fetchForPlan(conn.api, kindsInPlan, declarations);
          checkStale(saved, KINDS, live);
          plan = saved;
        } else {
          ({ plan, live } = await makePlan(conn.api, KINDS, declarations, { ...planOptionsFrom(flags, project), onProgress: reading.onRead }));
          if (env) plan.environment = env.name;
        }
      } finally {
        reading.stop();
      }
      // before anything is shown or asked: a plan that is not the reviewed one is refused outright
      if (expectDigest !== undefined) checkDigest(expectDigest, plan);
      const json = flags.format === 'json';
      if (!json) process.stdout.write(await renderPlan(plan, 'text', flags.color !== false && useColor()));
      if (plan.changes.length === 0) {
        if (json) process.stdout.write(renderApplyJson({ results: [], notConverged: [], verified: true, summary: { created: 0, updated: 0, deleted: 0, failed: 0, skipped: 0 } }));
        else process.stdout.write('Nothing to apply.\n');
        state.exitCode = 0;
        return;
      }
      if (!flags.autoApprove && !(await confirm())) {
        process.stderr.write('Apply cancelled: nothing was changed.\n');
        state.exitCode = 1;
        return;
      }
      if (!json) process.stdout.write('\n');
      const progress = startProgress(!flags.quiet && !flags.debug, { phase: 'apply', changesDone: 0, changesTotal: plan.changes.length }, { stats: () => conn.api.stats });
      let done = 0;
      let failed = 0;
      let result;
      try {
        result = await applyPlan(conn.api, KINDS, plan, {
          parallelism,
          live,
          onResult: (r) => {
            if (r.status === 'failed') failed++;
            done++;
            progress.update({ changesDone: done, failed, phase: done === plan.changes.length ? 'apply: verifying' : 'apply' });
            if (json) return;
            progress.print(process.stdout, renderResultLine(r) + '\n'); // the live line moves below each result line
          },
        });
      } finally {
        progress.stop();
      }
      process.stdout.write(json ? renderApplyJson(result) : renderApplyText(result));
      if (!json && conn.simulated && !flags.state) {
        process.stderr.write('Note: the simulated account lived in this process only; add --state FILE to keep it for the next plan.\n');
      }
      state.exitCode = applySucceeded(result) ? 0 : 1;
    } finally {
      await conn.close();
    }
  });
}
