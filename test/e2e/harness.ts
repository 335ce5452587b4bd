// End-to-end harness: the simulator in a container (testcontainers, host network, no Ryuk) and the built CLI
// run as a child process. See docs/containers.md and /work/shared/testcontainers.md for why it is done this way.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import type { RecordedRequest } from '../../src/simulator/types.js';
import {
  GenericContainer,
  Wait,
  getContainerRuntimeClient,
  type ContainerRuntimeClient,
  type StartedTestContainer,
} from 'testcontainers';

const execFileP = promisify(execFile);

export const REPO = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Fixed tag: with Ryuk off, random tags would pile up. .ci/run removes leftovers of this image on exit. */
export const IMAGE = 'qcs-gitops-simulator:e2e';
/** Label set on every e2e container, so a cleanup can find them. */
export const E2E_LABEL = 'io.qcs-gitops.e2e';
export const DEMO_USER = { username: 'qcs-demo', password: 'qcs-demo-password' };
const READY = /qcs-simulator listening on http:\/\/127\.0\.0\.1:\d+/;

// ---------------------------------------------------------------------------------------------------------
// Engine detection and the skip/fail rule
// ---------------------------------------------------------------------------------------------------------

export type EngineStatus = { ok: true } | { ok: false; reason: string };

/** True when running in CI: there a missing engine is a failure, never a skip. */
export function inCI(): boolean {
  const v = (process.env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

/** Asks testcontainers for a working container runtime, with a time limit. */
export async function detectEngine(timeoutMs = 20_000): Promise<EngineStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from a container runtime within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
  });
  try {
    const client = await Promise.race([getContainerRuntimeClient(), timeout]);
    await Promise.race([client.container.list(), timeout]);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

let enginePromise: Promise<EngineStatus> | undefined;
export function engineStatus(): Promise<EngineStatus> {
  enginePromise ??= detectEngine();
  return enginePromise;
}

/**
 * A describe block that needs a Docker engine. Without one it is skipped with the reason printed, except
 * in CI (CI=true) where it becomes one failing test.
 */
export function describeWithEngine(name: string, engine: EngineStatus, fn: () => void): void {
  if (!engine.ok) {
    if (inCI()) {
      describe(name, () => {
        it('has a Docker engine (CI=true: a missing engine is a failure, not a skip)', () => {
          throw new Error(`No Docker engine could be reached: ${engine.reason}. .ci/run installs and starts one.`);
        });
      });
      return;
    }
    const why = `no Docker engine (${engine.reason}); start Docker to run these tests`;
    process.stderr.write(`[e2e] skipping "${name}": ${why}\n`);
    describe.skip(`${name} — skipped: ${why}`, fn);
    return;
  }
  describe(name, fn);
}

// ---------------------------------------------------------------------------------------------------------
// The image
// ---------------------------------------------------------------------------------------------------------

let imagePromise: Promise<GenericContainer> | undefined;

/** Prepares a private build context (parallel test files must not share one) and builds the fixed tag. */
export function simulatorImage(): Promise<GenericContainer> {
  imagePromise ??= (async () => {
    const bundle = path.join(REPO, 'build', 'simulator.js');
    if (!existsSync(bundle)) {
      throw new Error(`${bundle} is missing: run \`npm run build\` before the e2e tests (\`npm test\` does).`);
    }
    const context = await mkdtemp(path.join(tmpdir(), 'qcs-image-context-'));
    try {
      await execFileP('bash', [path.join(REPO, 'scripts', 'prepare-image-context.sh'), context], { cwd: REPO });
      return await GenericContainer.fromDockerfile(context).build(IMAGE, { deleteOnExit: false });
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  })();
  return imagePromise;
}

// ---------------------------------------------------------------------------------------------------------
// The simulator container
// ---------------------------------------------------------------------------------------------------------

/** A request as the simulator records it (GET /__sim/requests): the simulator's own type. */
export type { RecordedRequest } from '../../src/simulator/types.js';

export interface StartedSimulator {
  url: string;
  port: number;
  containerId: string;
  container: StartedTestContainer;
  /** Environment for the CLI: gateway URL and the demo user's credentials. */
  cliEnv: Record<string, string>;
  requests(): Promise<RecordedRequest[]>;
  clearRequests(): Promise<void>;
  setFaults(faults: Record<string, unknown>): Promise<void>;
  state(): Promise<Record<string, unknown>>;
  reset(seed?: unknown): Promise<void>;
  /** Stops (SIGTERM, then SIGKILL after 10 s) and removes the container; resolves to its exit code. */
  stop(): Promise<number>;
}

export interface SimulatorStartOptions {
  /** Initial account (written into the container as SIM_SEED). */
  seed?: unknown;
  latencyMs?: number;
}

/** A free port on 127.0.0.1: listen on 0, read it, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function admin(url: string, method: string, p: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

export async function startSimulator(opts: SimulatorStartOptions = {}): Promise<StartedSimulator> {
  const image = await simulatorImage();
  const port = await freePort();
  const env: Record<string, string> = { PORT: String(port) };
  if (opts.latencyMs !== undefined) env.SIM_LATENCY_MS = String(opts.latencyMs);
  let c = image
    .withNetworkMode('host')
    .withEnvironment(env)
    .withLabels({ [E2E_LABEL]: 'true' })
    .withWaitStrategy(Wait.forLogMessage(READY))
    .withStartupTimeout(60_000);
  if (opts.seed !== undefined) {
    env.SIM_SEED = '/tmp/seed.json';
    c = c
      .withEnvironment(env)
      .withCopyContentToContainer([{ content: JSON.stringify(opts.seed), target: '/tmp/seed.json', mode: 0o644 }]);
  }
  const container = await c.start();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    containerId: container.getId(),
    container,
    cliEnv: { QUALYS_GATEWAY_URL: url, QUALYS_USERNAME: DEMO_USER.username, QUALYS_PASSWORD: DEMO_USER.password },
    async requests() {
      const r = (await admin(url, 'GET', '/__sim/requests')) as RecordedRequest[] | { requests: RecordedRequest[] };
      return Array.isArray(r) ? r : r.requests;
    },
    async clearRequests() {
      await admin(url, 'DELETE', '/__sim/requests');
    },
    async setFaults(faults) {
      await admin(url, 'PUT', '/__sim/faults', faults);
    },
    async state() {
      return (await admin(url, 'GET', '/__sim/state')) as Record<string, unknown>;
    },
    async reset(seed) {
      await admin(url, 'POST', '/__sim/reset', seed);
    },
    async stop() {
      await container.stop({ timeout: 10_000, remove: false });
      const client = await getContainerRuntimeClient();
      const handle = client.container.getById(container.getId());
      try {
        return (await client.container.inspect(handle)).State.ExitCode;
      } finally {
        await client.container.remove(handle, { removeVolumes: true });
      }
    },
  };
}

/** The engine's description of a container (docker inspect). */
export async function inspectContainer(id: string): Promise<Awaited<ReturnType<ContainerRuntimeClient['container']['inspect']>>> {
  const client = await getContainerRuntimeClient();
  return client.container.inspect(client.container.getById(id));
}

/** Whether the engine still knows a container (false once it is removed). */
export async function containerExists(id: string): Promise<boolean> {
  const client = await getContainerRuntimeClient();
  try {
    await client.container.inspect(client.container.getById(id));
    return true;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------------------------------------

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`node bin/qcs-gitops.js`) with no QUALYS_* variables but those given. */
export async function runCli(args: string[], env: Record<string, string> = {}, cwd = REPO): Promise<CliResult> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('QUALYS_')) base[k] = v;
  }
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [path.join(REPO, 'bin', 'qcs-gitops.js'), ...args], {
      cwd,
      env: { ...base, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      timeout: 120_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string; signal?: string };
    if (typeof err.code !== 'number') {
      throw new Error(`qcs-gitops ${args.join(' ')} did not exit normally (${String(err.code ?? err.signal)}): ${err.stderr ?? ''}`);
    }
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
