// `qcs-gitops validate [paths...]`: checks declarations offline (no network) and reports every problem.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { KIND_NAMES } from '../kinds/index.js';
import type { ValidationResult } from '../declarations/validate.js';
import type { Environment, Project } from '../project/load.js';
import { formatDiagnostic } from '../errors.js';
import { addProjectOptions, allEnvironments, loadOptionsFor, pathsFor, selectEnvironment, type ProjectFlags } from './project.js';
import type { RunState } from './state.js';
import { currentTime, exceptionFindings, type Finding } from '../governance/findings.js';
import { findingsToJson, renderFindingsText } from '../render/governance.js';
import { processSink } from '../output/events.js';

/** An error-level diagnostic (hasErrors of declarations/validate, without loading it). */
const isError = (d: { severity?: string }): boolean => d.severity !== 'warning';

interface ValidateFlags extends ProjectFlags {
  format: string;
  strict?: boolean;
  base?: string;
}

/** One environment's validation (or the validation without environment). */
async function validateFor(project: Project, env: Environment | undefined, argPaths: readonly string[]): Promise<ValidationResult> {
  const { loadAndValidate } = await import('../declarations/validate.js');
  const paths = pathsFor(argPaths, env);
  if (paths.length === 0) {
    throw new UsageError(
      env ? `environment '${env.name}' has no paths and none were given` : 'validate needs at least one declarations path',
      env ? `Add paths: [...] to '${env.name}' in ${project.file}, or give the paths on the command line.` : 'Example: qcs-gitops validate examples/policies (or --env NAME with a project file)',
    );
  }
  return loadAndValidate(paths, loadOptionsFor(project, env));
}

function jsonOf(r: ValidationResult, findings: readonly Finding[]): Record<string, unknown> {
  return {
    valid: !r.diagnostics.some(isError),
    declarations: r.declarations.length,
    files: r.files.length,
    diagnostics: r.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, path: d.path, severity: d.severity ?? 'error', message: d.message })),
    findings: findingsToJson(findings),
  };
}

/** The text report: diagnostics (for stderr) and the verdict line (stdout when valid, else stderr). */
function textOf(r: ValidationResult): { stderr: string[]; stdout: string[] } {
  const stderr = r.diagnostics.map(formatDiagnostic);
  if (r.diagnostics.some(isError)) {
    const errors = r.diagnostics.filter((d) => d.severity !== 'warning');
    const inFiles = new Set(errors.map((d) => d.file)).size;
    stderr.push(`Invalid: ${errors.length} problem${errors.length === 1 ? '' : 's'} in ${inFiles} file${inFiles === 1 ? '' : 's'}.`);
    return { stderr, stdout: [] };
  }
  const counts = KIND_NAMES.map((k) => [k, r.declarations.filter((d) => d.kind === k).length] as const).filter(([, n]) => n > 0);
  const detail = counts.length ? ` (${counts.map(([k, n]) => `${n} ${k}`).join(', ')})` : '';
  const n = r.declarations.length;
  return { stderr, stdout: [`Valid: ${n} declaration${n === 1 ? '' : 's'} in ${r.files.length} file${r.files.length === 1 ? '' : 's'}${detail}.`] };
}

export function registerValidate(program: Command, state: RunState): void {
  const cmd = program
    .command('validate')
    .description('Check declaration files offline: YAML, JSON Schemas, kind rules and duplicates. Every problem is reported as file:line:column.')
    .argument('[paths...]', "declaration files and folders (folders are searched for *.yaml and *.yml); with --env, default to the environment's paths")
    .option('--format <format>', 'output format: text or json', 'text')
    .option('--strict', 'exit 1 when there is any governance finding (expired or expiring exceptions, ...), not only on errors')
    .option('--base <ref>', 'also check the renames since this git commit (a kind that cannot be renamed, e.g. SecretRule, is an error at metadata.name)');
  addProjectOptions(cmd, { allEnvs: true }).action(async (argPaths: string[], opts: ValidateFlags) => {
    if (opts.format !== 'text' && opts.format !== 'json') {
      throw new UsageError(`unknown --format '${opts.format}'`, 'Use --format text or --format json.');
    }
    // loaded here, not at start-up: `--help` parses no YAML reader or validator
    const { hasErrors } = await import('../declarations/validate.js');
    const now = currentTime();
    const { project, env } = await selectEnvironment(opts);
    const runs: Array<{ env?: Environment; result: ValidationResult; findings: Finding[] }> = [];
    for (const e of opts.allEnvs ? allEnvironments(project) : [env]) {
      const result = await validateFor(project, e, argPaths);
      if (opts.base !== undefined && !hasErrors(result.diagnostics)) {
        const { changesSince, loadBase, renameDiagnostics } = await import('../project/base.js');
        const base = await loadBase({ ref: opts.base, argPaths, config: opts.config, env: e?.name });
        result.diagnostics.push(...renameDiagnostics(changesSince(base, result.declarations).renames, result.declarations));
      }
      // governance findings only once the declarations are valid: errors come first
      runs.push({ env: e, result, findings: hasErrors(result.diagnostics) ? [] : exceptionFindings(result.declarations, project.governance, now) });
    }
    const valid = runs.every((r) => !hasErrors(r.result.diagnostics));
    const failedStrict = !!opts.strict && runs.some((r) => r.findings.length > 0);
    state.exitCode = valid && !failedStrict ? 0 : 1;

    if (opts.format === 'json') {
      const doc = opts.allEnvs
        ? { valid, environments: Object.fromEntries(runs.map((r) => [r.env!.name, jsonOf(r.result, r.findings)])) }
        : { ...(env ? { environment: env.name } : {}), ...jsonOf(runs[0]!.result, runs[0]!.findings) };
      processSink.out(JSON.stringify(doc, null, 2) + '\n');
      return;
    }
    const stdout: string[] = [];
    const stderr: string[] = [];
    for (const r of runs) {
      const t = textOf(r.result);
      t.stderr.push(...renderFindingsText(r.findings).split('\n').filter(Boolean));
      if (opts.allEnvs) {
        const head = `Environment ${r.env!.name}:`;
        if (t.stdout.length) stdout.push(`${head} ${t.stdout.join(' ')}`);
        if (t.stderr.length) stderr.push(head, ...t.stderr);
      } else {
        stdout.push(...t.stdout);
        stderr.push(...t.stderr);
      }
    }
    if (failedStrict) stderr.push('Failing: --strict and governance findings (fix them, or run without --strict to report them only).');
    if (stderr.length) processSink.err(stderr.join('\n') + '\n');
    if (stdout.length) processSink.out(stdout.join('\n') + '\n');
  });
}
