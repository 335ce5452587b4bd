// `qcs-gitops validate <paths...>`: checks declarations offline (no network) and reports every problem.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { KIND_NAMES } from '../types.js';
import { formatDiagnostic } from './output.js';
import type { RunState } from './main.js';

export function registerValidate(program: Command, state: RunState): void {
  program
    .command('validate')
    .description('Check declaration files offline: YAML, JSON Schemas, kind rules and duplicates. Every problem is reported as file:line:column.')
    .argument('<paths...>', 'declaration files and folders (folders are searched for *.yaml and *.yml)')
    .option('--format <format>', 'output format: text or json', 'text')
    .action(async (paths: string[], opts: { format: string }) => {
      if (opts.format !== 'text' && opts.format !== 'json') {
        throw new UsageError(`unknown --format '${opts.format}'`, 'Use --format text or --format json.');
      }
      // loaded here, not at start-up: `--help` parses no YAML reader or validator
      const { hasErrors, loadAndValidate } = await import('../declarations/validate.js');
      const { declarations, diagnostics, files } = await loadAndValidate(paths);
      const valid = !hasErrors(diagnostics);
      state.exitCode = valid ? 0 : 1;

      if (opts.format === 'json') {
        const doc = {
          valid,
          declarations: declarations.length,
          files: files.length,
          diagnostics: diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, path: d.path, severity: d.severity ?? 'error', message: d.message })),
        };
        process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
        return;
      }

      const stderr = diagnostics.map(formatDiagnostic);
      if (!valid) {
        const errors = diagnostics.filter((d) => d.severity !== 'warning');
        const inFiles = new Set(errors.map((d) => d.file)).size;
        stderr.push(`Invalid: ${errors.length} problem${errors.length === 1 ? '' : 's'} in ${inFiles} file${inFiles === 1 ? '' : 's'}.`);
        process.stderr.write(stderr.join('\n') + '\n');
        return;
      }
      if (stderr.length) process.stderr.write(stderr.join('\n') + '\n');
      const counts = KIND_NAMES.map((k) => [k, declarations.filter((d) => d.kind === k).length] as const).filter(([, n]) => n > 0);
      const detail = counts.length ? ` (${counts.map(([k, n]) => `${n} ${k}`).join(', ')})` : '';
      process.stdout.write(
        `Valid: ${declarations.length} declaration${declarations.length === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}${detail}.\n`,
      );
    });
}
