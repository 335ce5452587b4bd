// The CI providers (one file each) and the one the environment names.
import { UsageError } from '../errors.js';
import { gitlab } from './gitlab.js';
import type { CiProvider } from './provider.js';

export const PROVIDERS: readonly CiProvider[] = [gitlab];

/** The provider `name` names (`auto`: the one whose CI is running). */
export function providerFor(name: string, env: NodeJS.ProcessEnv): CiProvider {
  const found = name === 'auto' ? PROVIDERS.find((p) => p.detect(env)) : PROVIDERS.find((p) => p.name === name);
  if (found) return found;
  const names = PROVIDERS.map((p) => p.name).join(', ');
  throw new UsageError(
    name === 'auto' ? 'no supported CI system detected in this environment' : `unknown --provider '${name}'`,
    `Providers: ${names}. GitHub has its own Action (docs/github-action.md); in any other CI run the CLI and keep the plan as a job artifact.`,
  );
}
