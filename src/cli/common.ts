// Options and set-up shared by the commands that talk to the CS API (plan, apply, export).
import { Option, type Command } from 'commander';
import type { ApiClient } from '../api/types.js';
import type { ClientOptions } from '../api/wire.js';
import { PLATFORMS, resolveTarget, type TargetOptions } from '../api/config.js';
import { redact } from '../redact.js';
import { UsageError } from '../errors.js';
import type { Environment } from '../project/load.js';
import { targetOfEnvironment } from '../project/select.js';
import { formatCallStats } from '../output/messages.js';
import { processSink } from '../output/events.js';

export interface TargetFlags extends TargetOptions {
  simulator?: boolean | string;
  state?: string;
  debug?: boolean;
  maxConcurrency?: string;
  retries?: string;
  maxRetryWait?: string;
  requestTimeout?: string;
}

/** What every command that calls the API shows after its options (--help). */
const ENVIRONMENT_HELP = `
Environment (a flag above wins over its variable; keep secrets in the environment, never in a declaration):
  QUALYS_GATEWAY_URL   the gateway, e.g. https://gateway.qg1.apps.qualys.com (or QUALYS_PLATFORM)
  QUALYS_PLATFORM      a platform name: ${Object.keys(PLATFORMS).join(', ')}
  QUALYS_USERNAME      the API user (a JWT is fetched from /auth)
  QUALYS_PASSWORD      its password
  QUALYS_TOKEN         or a ready JWT instead of the user and password
  HTTPS_PROXY, NO_PROXY  an HTTP proxy for the gateway
With --env NAME, the project file names the variables that hold that environment's credentials.
The Qualys permissions each command needs, and a first run: docs/getting-started.md`;

export function addTargetOptions(cmd: Command): Command {
  cmd.addHelpText('after', ENVIRONMENT_HELP);
  return cmd
    .option('--gateway-url <url>', 'CS API gateway URL (env QUALYS_GATEWAY_URL)')
    .option('--platform <name>', 'Qualys platform, e.g. US1, EU2, IN1 (env QUALYS_PLATFORM)')
    .option('--username <name>', 'Qualys user name (env QUALYS_USERNAME)')
    .addOption(new Option('--password <password>', 'Qualys password (prefer env QUALYS_PASSWORD)').hideHelp())
    .addOption(new Option('--token <jwt>', 'a ready JWT (prefer env QUALYS_TOKEN)').hideHelp())
    .option('--insecure', 'do not verify the gateway TLS certificate (prints a warning)')
    .option('--simulator [seed]', 'use an embedded in-process CS API simulator instead of a gateway (optional seed JSON file)')
    .option('--state <file>', 'with --simulator: keep the simulated account in this file across runs')
    .option('--max-concurrency <n>', 'most API calls in flight at once (default 6)')
    .option('--retries <n>', 'most tries of one API call on 429/5xx/resets (default 6); with apply, also of one change that failed in a way that may pass (default 5)')
    .option('--max-retry-wait <seconds>', 'most time spent waiting between tries of one call (default 60)')
    .option('--request-timeout <seconds>', 'time allowed for one whole API exchange: connection, proxy CONNECT, headers and body (default 30)')
    .option('--debug', 'log each API call (method, path, status, time; never credentials) to stderr');
}

/** `--simulator [seed]` takes an optional value; a value that is not a .json seed is a declarations path. */
export function splitSimulatorArg(flags: TargetFlags, paths: string[]): string[] {
  if (typeof flags.simulator === 'string' && !flags.simulator.toLowerCase().endsWith('.json')) {
    paths = [...paths, flags.simulator];
    flags.simulator = true;
  }
  return paths;
}

export interface Connection {
  api: ApiClient;
  gateway: string;
  simulated: boolean;
  close(): Promise<void>;
}

/** The limits of the numeric flags (inclusive), documented in the README; a value outside them is a usage error. */
const FLAG_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  '--parallelism': [1, 64],
  '--max-concurrency': [1, 64],
  '--retries': [1, 20],
  '--max-retry-wait': [0, 3600],
  '--request-timeout': [1, 600],
  '--max-deletes': [0, 1_000_000],
};

/** A whole-number flag within its range (FLAG_RANGES; any whole number ≥ 0 for a flag not listed). */
export function parsePositiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const [min, max] = FLAG_RANGES[flag] ?? [0, Number.MAX_SAFE_INTEGER];
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got '${value}')`, `Example: ${flag} ${Math.min(Math.max(fallback, min), max)} (the default)`);
  }
  return n;
}

/** Connects to the gateway of `env` (an environment of the project file) when given, else of the flags and QUALYS_* variables. */
export async function connect(flags: TargetFlags, env?: Environment, extra: Pick<ClientOptions, 'observe'> = {}): Promise<Connection> {
  const { createClient } = await import('../api/client.js'); // loaded only by the commands that talk to the API
  const debug = flags.debug ? (line: string) => processSink.err(redact(line) + '\n') : undefined;
  const warn = (line: string) => processSink.err(redact(`Warning: ${line}`) + '\n');
  const clientOptions = {
    debug,
    warn,
    maxConcurrency: parsePositiveInt(flags.maxConcurrency, '--max-concurrency', 6),
    retries: parsePositiveInt(flags.retries, '--retries', 6),
    maxRetryWaitMs: parsePositiveInt(flags.maxRetryWait, '--max-retry-wait', 60) * 1000,
    requestTimeoutMs: parsePositiveInt(flags.requestTimeout, '--request-timeout', 30) * 1000,
    ...extra,
  };
  if (flags.simulator) {
    const clash = (['gatewayUrl', 'platform', 'username', 'password', 'token', 'insecure'] as const).find((k) => flags[k] !== undefined && flags[k] !== false);
    if (clash) {
      const flag = `--${clash.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError(`--simulator and ${flag} cannot be combined: the simulator is the gateway`, `Drop ${flag} to plan against the embedded simulator, or drop --simulator to use a real gateway.`);
    }
    // an environment still gives its paths and values (a dry run of it against the simulator); only its gateway
    // and credentials go unused, and the user is told so
    if (env) warn(`--simulator: environment '${env.name}' gives its paths and values; its gateway and credentials are not used`);
    const { startSimulator } = await import('../simulator/index.js');
    const sim = await startSimulator({ seed: typeof flags.simulator === 'string' ? flags.simulator : undefined, statePath: flags.state });
    const target = resolveTarget({ gatewayUrl: sim.url, username: sim.credentials.username, password: sim.credentials.password }, {});
    // the in-process simulator is on loopback in this very process: never through a proxy
    const api = createClient(target, { ...clientOptions, env: {} });
    return {
      api,
      gateway: 'simulator',
      simulated: true,
      close: async () => {
        printCallStats(flags, api);
        await api.close();
        await sim.close();
      },
    };
  }
  if (flags.state) throw new UsageError('--state only goes with --simulator');
  const { gatewayUrl, platform, username, password, token, insecure } = flags;
  // an environment never falls back to the ambient QUALYS_* variables: they may belong to another subscription
  const target = env ? resolveTarget(targetOfEnvironment(env, flags), {}) : resolveTarget({ gatewayUrl, platform, username, password, token, insecure });
  const api = createClient(target, clientOptions);
  return {
    api,
    gateway: api.gateway,
    simulated: false,
    close: () => {
      printCallStats(flags, api);
      return api.close();
    },
  };
}

/** With --debug, the run ends with its calls by kind and by endpoint (stderr). */
function printCallStats(flags: TargetFlags, api: ApiClient): void {
  if (flags.debug) processSink.err(formatCallStats(api.stats));
}

/** Colour as the usual conventions say: FORCE_COLOR (set and not empty, `0` or `false`) forces it on, even into a
 * pipe, and `FORCE_COLOR=0` off; else NO_COLOR (set and not empty) and TERM=dumb turn it off; else a terminal has
 * it. `--no-color` wins over all of them (the commands check it first). */
export function useColor(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
