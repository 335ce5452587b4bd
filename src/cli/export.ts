import type { Command } from 'commander';
import type { RunState } from './main.js';

export function registerExport(program: Command, state: RunState): void {
  program
    .command('export')
    .description('(export: not yet implemented)')
    .action(() => {
      process.stderr.write('export is not implemented yet\n');
      state.exitCode = 1;
    });
}
