// `qcs-gitops report exceptions [paths...]`: every declared exception sorted by end date, with the days left and the
// ticket (and with --live the live account's undeclared exceptions too), as text, markdown or json.
import { Option, type Command } from 'commander';
import type { RunState } from './state.js';
import { addTargetOptions, connect, splitSimulatorArg, type TargetFlags } from './common.js';
import { addProjectOptions, loadOptionsFor, pathsFor, selectEnvironment, type ProjectFlags } from './project.js';
import { UsageError } from '../errors.js';
import { EXCEPTION_KIND, currentTime } from '../governance/findings.js';
import { exceptionReport } from '../governance/report.js';
import { renderReportJson, renderReportMarkdown, renderReportText } from '../render/governance.js';
import { processSink } from '../output/events.js';

interface ReportFlags extends TargetFlags, ProjectFlags {
  format: string;
  live?: boolean;
}

export function registerReport(program: Command, state: RunState): void {
  const report = program.command('report').description('reports about the declarations (offline, or with --live the account too)');
  const cmd = report
    .command('exceptions')
    .description('every declared exception sorted by end date: name, scope, assignment, start, end, days left, ticket')
    .argument('[paths...]', "declaration files or folders; with --env, default to the environment's paths")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--live', "also list the live account's exceptions that are not declared (reads the account)");
  addProjectOptions(cmd);
  addTargetOptions(cmd).action(async (argPaths: string[], flags: ReportFlags) => {
    const now = currentTime();
    const { project, env } = await selectEnvironment(flags);
    const paths = pathsFor(splitSimulatorArg(flags, argPaths), env);
    if (paths.length === 0) throw new UsageError('report exceptions needs declaration paths (or --env NAME with paths in the project file)', 'Example: qcs-gitops report exceptions policies/');
    // loaded when the command runs: start-up (`--help`) parses no YAML reader or validator
    const [{ loadDeclarations }, { KINDS }] = await Promise.all([import('../declarations/validate.js'), import('../kinds/index.js')]);
    const declarations = await loadDeclarations(paths, loadOptionsFor(project, env));
    let live: Array<{ name: string; spec: Record<string, unknown> }> | undefined;
    if (flags.live) {
      const kind = KINDS.find((k) => k.kind === EXCEPTION_KIND)!;
      const conn = await connect(flags, env);
      try {
        live = (await kind.list(conn.api)).map((o) => ({ name: kind.nameOf(o), spec: kind.toSpec(o) as Record<string, unknown> }));
      } finally {
        await conn.close();
      }
    }
    const r = exceptionReport(declarations, now, { environment: env?.name, live });
    processSink.out(flags.format === 'json' ? renderReportJson(r) : flags.format === 'markdown' ? renderReportMarkdown(r) : renderReportText(r));
    state.exitCode = 0;
  });
}
