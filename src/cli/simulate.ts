import type { Command } from 'commander';
import type { RunState } from './main.js';

export function registerSimulate(program: Command, state: RunState): void {
  program
    .command('simulate')
    .description('(simulate: not yet implemented)')
    .action(() => {
      process.stderr.write('simulate is not implemented yet\n');
      state.exitCode = 1;
    });
}
