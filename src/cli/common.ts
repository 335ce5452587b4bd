// Options and set-up shared by the commands that talk to the CS API (plan, apply, export).
import { Option, type Command } from 'commander';
import type { ApiClient } from '../api/types.js';
import { resolveTarget, type TargetOptions } from '../api/config.js';
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

export function addTargetOptions(cmd: Command): Command {
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

export function parsePositiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number (got '${value}')`);
  return n;
}

/** Connects to the gateway of `env` (an environment of the project file) when given, else of the flags and QUALYS_* variables. */
export async function connect(flags: TargetFlags, env?: Environment): Promise<Connection> {
  const { createClient } = await import('../api/client.js'); // loaded only by the commands that talk to the API
  const debug = flags.debug ? (line: string) => processSink.err(redact(line) + '\n') : undefined;
  const warn = (line: string) => processSink.err(redact(`Warning: ${line}`) + '\n');
  const clientOptions = {
    debug,
    warn,
    maxConcurrency: parsePositiveInt(flags.maxConcurrency, '--max-concurrency', 6) || 6,
    retries: parsePositiveInt(flags.retries, '--retries', 6) || 1,
    maxRetryWaitMs: parsePositiveInt(flags.maxRetryWait, '--max-retry-wait', 60) * 1000,
    requestTimeoutMs: (parsePositiveInt(flags.requestTimeout, '--request-timeout', 30) || 30) * 1000,
  };
  if (flags.simulator) {
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

/** Colour only on a TTY and never with NO_COLOR. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
