// `qcs-gitops simulate`: runs the embedded Qualys CS API simulator on 127.0.0.1 until SIGINT/SIGTERM.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RunState } from './state.js';
import { UsageError } from '../errors.js';
import type { FaultConfig, SimulatorHandle } from '../simulator/types.js';

export const DEFAULT_SIMULATOR_PORT = 8787;

export interface SimulateOptions {
  port: number;
  seed?: string;
  state?: string;
  latency?: number;
  errorRate?: number;
  resetRate?: number;
  loseCreateAnswers?: number;
  rateLimit?: { limit: number; windowSec: number };
  secretDetectorOnly?: boolean;
  listOmit?: Record<string, string[]>;
  listSummary?: boolean;
  concurrency?: number;
  faultSeed?: number;
  verbose?: boolean;
}

const intArg =
  (min: number, what: string) =>
  (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}.`);
    return Number(v);
  };

function shareArg(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a share between 0 and 1 (e.g. 0.05).');
  return n;
}

function rateLimitArg(v: string): { limit: number; windowSec: number } {
  const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(v.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0) throw new InvalidArgumentError('must be CALLS/WINDOW_SECONDS, e.g. 300/60.');
  return { limit: Number(m[1]), windowSec: Number(m[2]) };
}

/** `Kind.field[,Kind.field…]` (repeatable): the fields a kind's list items leave out. */
function listOmitArg(v: string, prev: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = { ...(prev ?? {}) };
  for (const part of v.split(',')) {
    const m = /^\s*([A-Z][A-Za-z]*)\.([A-Za-z_][\w]*)\s*$/.exec(part);
    if (!m) throw new InvalidArgumentError('must be Kind.field, e.g. Exception.qids (comma-separated or repeated).');
    out[m[1]!] = [...(out[m[1]!] ?? []), m[2]!];
  }
  return out;
}

/** Starts the simulator for the command and prints how to use it; resolves with the handle. */
export async function startSimulateCommand(o: SimulateOptions, write: (s: string) => void): Promise<SimulatorHandle> {
  const faults: Partial<FaultConfig> = {};
  if (o.errorRate !== undefined) faults.errorRate = o.errorRate;
  if (o.resetRate !== undefined) faults.resetRate = o.resetRate;
  if (o.loseCreateAnswers !== undefined) faults.loseCreateAnswers = o.loseCreateAnswers;
  if (o.rateLimit) faults.rateLimit = o.rateLimit;
  if (o.secretDetectorOnly) faults.secretDetectorOnly = true;
  if (o.listOmit) faults.listOmits = o.listOmit;
  if (o.listSummary) faults.listSummary = true;
  if (o.faultSeed !== undefined) faults.seed = o.faultSeed;
  // the simulator is loaded only when this command runs (validate and --help never parse it)
  const [{ startSimulator }, { SeedError }] = await Promise.all([import('../simulator/index.js'), import('../simulator/seed.js')]);
  let sim: SimulatorHandle;
  try {
    sim = await startSimulator({
      port: o.port,
      seed: o.seed,
      statePath: o.state,
      latencyMs: o.latency,
      faults,
      concurrency: o.concurrency,
      log: o.verbose ? (l) => write(`${l}\n`) : undefined,
    });
  } catch (e) {
    if (e instanceof SeedError) throw new UsageError(e.message, 'Fix the seed or state file (format: docs/simulator.md).');
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`Port ${o.port} on 127.0.0.1 is already in use.`, 'Pick another with --port N (0 picks a free one).');
    throw e;
  }
  const { username, password } = sim.credentials;
  write(
    [
      `qcs-simulator listening on ${sim.url}`,
      `Test credentials (simulator only): ${username} / ${password} (read-only: qcs-viewer / qcs-viewer-password)`,
      o.state ? `Account persisted in ${o.state}` : 'Account kept in memory (use --state FILE to keep it across restarts)',
      'Point qcs-gitops at it with:',
      `  export QUALYS_GATEWAY_URL=${sim.url} QUALYS_USERNAME=${username} QUALYS_PASSWORD=${password}`,
      `Admin API: ${sim.url}/__sim/state, /__sim/requests, /__sim/faults, /__sim/reset. Stop with Ctrl-C.`,
      '',
    ].join('\n'),
  );
  return sim;
}

/** Resolves with the signal name on the first SIGINT or SIGTERM. */
export function waitForStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(sig);
    };
    const onInt = () => on('SIGINT');
    const onTerm = () => on('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export function registerSimulate(program: Command, state: RunState): void {
  program
    .command('simulate')
    .description('Run the embedded Qualys CS API simulator on 127.0.0.1 (test credentials printed) until Ctrl-C')
    .addOption(new Option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)').argParser(intArg(0, '--port')).default(DEFAULT_SIMULATOR_PORT))
    .option('--seed <file>', 'initial account (JSON seed file, see docs/simulator.md)')
    .option('--state <file>', 'persist the account in FILE (loaded when it exists, saved after every change)')
    .addOption(new Option('--latency <ms>', 'added latency per request').argParser(intArg(0, '--latency')))
    .addOption(new Option('--error-rate <share>', 'share of CS calls answered 500/503').argParser(shareArg))
    .addOption(new Option('--reset-rate <share>', 'share of CS calls whose connection is dropped').argParser(shareArg))
    .addOption(new Option('--lose-create-answers <share>', 'share of creates carried out whose answer is lost').argParser(shareArg))
    .addOption(new Option('--rate-limit <calls/sec>', 'per-endpoint rate limit answering 429, e.g. 300/60').argParser(rateLimitArg))
    .option('--secret-detector-only', 'serve secret rules only under /v1.3/secretDetector')
    .addOption(new Option('--list-omit <Kind.field>', "leave a field out of a kind's list items, e.g. Exception.qids (repeatable)").argParser(listOmitArg))
    .option('--list-summary', 'serve list items as summaries: without the fields the notes show only in details')
    .addOption(new Option('--concurrency <n>', 'requests served at once (the rest queue)').argParser(intArg(1, '--concurrency')))
    .addOption(new Option('--fault-seed <n>', 'seed of the random fault shares').argParser(intArg(0, '--fault-seed')))
    .option('--verbose', 'print one line per request')
    .action(async (o: SimulateOptions) => {
      const write = (s: string) => process.stdout.write(s);
      const sim = await startSimulateCommand(o, write);
      const signal = await waitForStopSignal();
      write(`Stopping the simulator (${signal})\n`);
      await sim.close();
      state.exitCode = 0;
    });
}
