import type { Command } from 'commander';
import type { RunState } from './main.js';

export function registerPlan(program: Command, state: RunState): void {
  program
    .command('plan')
    .description('(plan: not yet implemented)')
    .action(() => {
      process.stderr.write('plan is not implemented yet\n');
      state.exitCode = 1;
    });
}
