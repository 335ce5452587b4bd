// The project file as the commands use it: --config, --env and --all-envs (the rest lives in src/project/).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { environmentOf, loadProject, type Environment, type Project } from '../project/load.js';
export { allEnvironments, loadOptionsFor, pathsFor } from '../project/select.js';

export interface ProjectFlags {
  config?: string;
  env?: string;
  allEnvs?: boolean;
}

export function addProjectOptions(cmd: Command, opts: { allEnvs?: boolean } = {}): Command {
  cmd
    .option('--config <file>', 'the project file (default: qcs-gitops.yaml in the working directory)')
    .option('--env <name>', "the environment of the project file to use: its gateway, credentials' variables, paths and values");
  if (opts.allEnvs) cmd.option('--all-envs', 'run for every environment of the project file, each reported under its name');
  return cmd;
}

export interface Selection {
  project: Project;
  /** The chosen environment (--env); undefined without one. */
  env?: Environment;
}

/** Reads the project file and picks the environment named by --env (an unknown name is an error). */
export async function selectEnvironment(flags: ProjectFlags): Promise<Selection> {
  if (flags.env !== undefined && flags.allEnvs) throw new UsageError('--env and --all-envs were both given', 'Pass one of them.');
  const project = await loadProject(flags.config);
  if (flags.env === undefined) return { project };
  return { project, env: environmentOf(project, flags.env) };
}

