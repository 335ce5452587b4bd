import type { Command } from 'commander';
import type { RunState } from './main.js';

export function registerValidate(program: Command, state: RunState): void {
  program
    .command('validate')
    .description('(validate: not yet implemented)')
    .action(() => {
      process.stderr.write('validate is not implemented yet\n');
      state.exitCode = 1;
    });
}
