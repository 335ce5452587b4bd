import type { Command } from 'commander';
import type { RunState } from './main.js';

export function registerApply(program: Command, state: RunState): void {
  program
    .command('apply')
    .description('(apply: not yet implemented)')
    .action(() => {
      process.stderr.write('apply is not implemented yet\n');
      state.exitCode = 1;
    });
}
