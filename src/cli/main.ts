// Commander wiring only: each command lives in its own file and returns an exit code.
import { Command, CommanderError } from 'commander';
import { registerValidate } from './validate.js';
import { registerPlan } from './plan.js';
import { registerApply } from './apply.js';
import { registerExport } from './export.js';
import { registerSimulate } from './simulate.js';
import { registerReport } from './report.js';
import { registerDoctor } from './doctor.js';
import { reportError } from '../output/messages.js';
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
      // help and version exit with 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? 0 : 1;
    }
    reportError(e, { debug: argv.includes('--debug') });
    return 1;
  }
}
