import { Option, type Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { RunState } from './main.js';
import { connect, parsePositiveInt, splitSimulatorArg, useColor } from './common.js';
import { addPlanOptions, planOptionsFrom, renderPlan, type PlanFlags } from './plan.js';
import { addProjectOptions, loadOptionsFor, pathsFor, selectEnvironment } from './project.js';
import { loadDeclarations, declarationsHash } from '../declarations/validate.js';
import { KINDS } from '../kinds/index.js';
import { makePlan, fetchLive, type LiveState } from '../engine/plan.js';
import { applyPlan } from '../engine/apply.js';
import { loadPlan, checkStale } from '../engine/planfile.js';
import { renderApplyText, renderResultLine } from '../render/text.js';
import { renderApplyJson } from '../render/json.js';
import { PlanError, UsageError } from '../errors.js';
import type { Plan } from '../engine/model.js';

interface ApplyFlags extends PlanFlags {
  plan?: string;
  autoApprove?: boolean;
  parallelism?: string;
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

export function registerApply(program: Command, state: RunState): void {
  const cmd = program
    .command('apply')
    .description('make the live account match the declarations (a fresh plan, or a saved one with --plan)')
    .argument('[paths...]', 'declaration files or folders (with --plan: defaults to the paths the plan was made from)')
    .option('--plan <file>', 'carry out a plan saved by `plan --out`; refused when the account or the declarations changed since')
    .option('--auto-approve', 'do not ask for confirmation (required without a terminal)')
    .option('--parallelism <n>', 'changes in flight at once within a kind', '4')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
  addProjectOptions(cmd);
  addPlanOptions(cmd).action(async (argPaths: string[], flags: ApplyFlags) => {
    let paths = splitSimulatorArg(flags, argPaths);
    const parallelism = parsePositiveInt(flags.parallelism, '--parallelism', 4) || 1;
    if (!flags.autoApprove && !process.stdin.isTTY) {
      throw new UsageError('apply needs --auto-approve when there is no terminal to confirm on', 'Review the plan first (qcs-gitops plan … --out plan.json), then: qcs-gitops apply --plan plan.json --auto-approve');
    }
    const { project, env } = await selectEnvironment(flags);
    const saved = flags.plan ? await loadPlan(flags.plan) : undefined;
    if (saved && (saved.environment ?? undefined) !== env?.name) {
      throw new PlanError(
        'E_PLAN_ENVIRONMENT',
        saved.environment
          ? `The plan ${flags.plan} was made for environment '${saved.environment}', not ${env ? `'${env.name}'` : 'without an environment'}. Nothing was applied.`
          : `The plan ${flags.plan} was made without an environment, not for '${env!.name}'. Nothing was applied.`,
        [],
        saved.environment ? `Apply it with --env ${saved.environment}, or make a plan for this environment: qcs-gitops plan${env ? ` --env ${env.name}` : ''} --out FILE` : 'Apply it without --env, or make a plan with --env.',
      );
    }
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
    if (saved && declarationsHash(declarations) !== saved.declarationsHash) {
      throw new PlanError('E_STALE_PLAN', `The declarations in ${paths.join(', ')} changed since the plan was made. Nothing was applied.`, [], 'Run `qcs-gitops plan` again and review the new plan.');
    }
    const conn = await connect(flags, env);
    try {
      let plan: Plan;
      let live: LiveState;
      if (saved) {
        if (saved.gateway && saved.gateway !== conn.gateway) {
          throw new PlanError('E_STALE_PLAN', `The plan was made against ${saved.gateway}, not ${conn.gateway}. Nothing was applied.`);
        }
        const kindsInPlan = KINDS.filter((k) => saved.changes.some((c) => c.kind === k.kind));
        live = await fetchLive(conn.api, kindsInPlan);
        checkStale(saved, KINDS, live);
        plan = saved;
      } else {
        ({ plan, live } = await makePlan(conn.api, KINDS, declarations, planOptionsFrom(flags, project)));
        if (env) plan.environment = env.name;
      }
      const json = flags.format === 'json';
      if (!json) process.stdout.write(renderPlan(plan, 'text', flags.color !== false && useColor()));
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
      const result = await applyPlan(conn.api, KINDS, plan, {
        parallelism,
        live,
        onResult: json ? undefined : (r) => process.stdout.write(renderResultLine(r) + '\n'),
      });
      process.stdout.write(json ? renderApplyJson(result) : renderApplyText(result));
      if (!json && conn.simulated && !flags.state) {
        process.stderr.write('Note: the simulated account lived in this process only; add --state FILE to keep it for the next plan.\n');
      }
      state.exitCode = result.summary.failed === 0 && result.summary.skipped === 0 && result.verified ? 0 : 1;
    } finally {
      await conn.close();
    }
  });
}
