// Using an environment of the project file: its paths, its values (the substitution hook handed to the declaration
// loader) and its gateway and credentials (read from the variables it names, never from the file, and never falling
// back to the ambient QUALYS_* variables, which may belong to another subscription). Shared by the CLI and the Action.
import { AuthError, UsageError } from '../errors.js';
import type { LoadOptions } from '../declarations/load.js';
import type { TargetOptions } from '../api/config.js';
import type { Environment, Project } from './load.js';
import { substituteValues } from './values.js';

/** Every environment of the project, for --all-envs (none is an error). */
export function allEnvironments(project: Project): Environment[] {
  const envs = Object.values(project.environments);
  if (envs.length === 0) {
    throw new UsageError(
      project.file ? `--all-envs: ${project.file} defines no environments` : '--all-envs: there is no project file (qcs-gitops.yaml) defining environments',
      'Add an environments section (see docs/environments.md), or pass --config FILE.',
    );
  }
  return envs;
}

/** The loader options for an environment (or for none: a `${values.NAME}` is then an error saying to pick one). */
export function loadOptionsFor(project: Project, env: Environment | undefined): LoadOptions {
  const ctx = { environment: env?.name, values: env?.values, environments: Object.keys(project.environments) };
  return { transform: (doc) => substituteValues(doc, ctx), acceptValues: project.acceptValues };
}

/** Paths given on the command line win; else the environment's. */
export function pathsFor(argPaths: readonly string[], env: Environment | undefined): string[] {
  if (argPaths.length > 0) return [...argPaths];
  return env ? [...env.paths] : [];
}

const TARGET_FLAGS = ['gatewayUrl', 'platform', 'username', 'password', 'token'] as const;

/** The gateway and credentials of an environment, read from the variables it names in `vars` (process.env). */
export function targetOfEnvironment(env: Environment, flags: TargetOptions, vars: NodeJS.ProcessEnv = process.env): TargetOptions {
  const given = TARGET_FLAGS.filter((k) => flags[k] !== undefined);
  if (given.length) {
    const names = given.map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()));
    throw new UsageError(`${names.join(', ')} cannot be combined with --env ${env.name}: the environment sets the gateway and names the credentials' variables`, 'Drop the flag, or change the environment in the project file.');
  }
  const read = (field: 'usernameEnv' | 'passwordEnv' | 'tokenEnv'): string | undefined => {
    const name = env[field];
    if (name === undefined) return undefined;
    const v = vars[name];
    if (v === undefined || v === '') {
      throw new AuthError(
        `environment '${env.name}' reads its ${field.replace(/Env$/, '')} from the variable ${name}, which is not set`,
        `Set ${name} (in CI: from a secret), or change ${field} of '${env.name}' in the project file.`,
      );
    }
    return v;
  };
  const token = read('tokenEnv');
  const username = read('usernameEnv');
  const password = read('passwordEnv');
  if (token === undefined && (username === undefined || password === undefined)) {
    throw new AuthError(`environment '${env.name}' names no complete credentials`, `Give it usernameEnv and passwordEnv, or tokenEnv: the names of the variables holding them.`);
  }
  return { gatewayUrl: env.gatewayUrl, platform: env.platform, username, password, token, insecure: flags.insecure };
}
