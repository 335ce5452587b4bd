// Commander wiring only: each command lives in its own file and returns an exit code.
import { Command, CommanderError } from 'commander';
import { registerValidate } from './validate.js';
import { registerPlan } from './plan.js';
import { registerApply } from './apply.js';
import { registerExport } from './export.js';
import { registerSimulate } from './simulate.js';
import { registerReport } from './report.js';
import { registerDoctor } from './doctor.js';
import { registerShow } from './show.js';
import { registerComment } from './comment.js';
import { errorJson, reportError } from '../output/messages.js';
import { processSink } from '../output/events.js';
import { VERSION } from '../version.js';
import type { ExitCode, RunState } from './state.js';

export type { ExitCode, RunState } from './state.js';

export function buildProgram(state: RunState): Command {
  const program = new Command('qcs-gitops')
    .description('Policy-as-code for Qualys Container Security: validate, plan and apply YAML declarations.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerValidate(program, state);
  registerPlan(program, state);
  registerApply(program, state);
  registerShow(program, state);
  registerComment(program, state);
  registerExport(program, state);
  registerSimulate(program, state);
  registerReport(program, state);
  registerDoctor(program, state);
  return program;
}

export async function main(argv: string[]): Promise<ExitCode> {
  const state: RunState = { exitCode: 0 };
  const program = buildProgram(state);
  try {
    await program.parseAsync(argv);
    return state.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit with 0; usage errors were already printed by commander (and with --format json are
      // also the one json document on stdout)
      if (e.exitCode !== 0 && wantsJson(argv)) processSink.out(errorJson(e, e.message.replace(/^error: /, '')));
      return e.exitCode === 0 ? 0 : 1;
    }
    reportError(e, { debug: argv.includes('--debug') });
    if (wantsJson(argv)) processSink.out(errorJson(e));
    return 1;
  }
}

/** `--format json` (or `--format=json`) among the arguments: a failure is then also one json document on stdout. */
function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'));
}
