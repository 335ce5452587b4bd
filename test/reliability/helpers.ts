// Shared by the reliability tests: the built CLI run as a child with a bounded heap and a wall-clock guard,
// checks that a failure is a clear message (no stack trace, no crash), and the recognisable test secrets.
import { mulberry32 } from '../../src/simulator/prng.js';
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { join } from 'node:path';
import { BIN, ROOT, cliEnv } from '../helpers/cli.js';

export { ROOT };

/** Recognisable credentials: any output holding them is a leak. */
export const PASSWORD = 'S3cr3t-Pa55w0rd-XYZZY';
export const FAKE_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJRQ1NURVNUVE9LRU4ifQ.QCSTESTTOKEN-c2lnbmF0dXJl';
export const USER = 'rel-bot';

/** Heap of every CLI child: a blow-up crashes (and fails the test) instead of eating the machine. */
export const HEAP_MB = 256;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
  /** Called with the child once it is started (to kill it midway). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
}

/** Runs bin/qcs-gitops.js with a bounded heap; never rejects. */
export function run(args: string[], env: Record<string, string | undefined> = {}, opts: RunOptions = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: cliEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    opts.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** A stack frame, a V8 crash or an unhandled rejection: never acceptable in user-facing output. */
const CRASH = /^\s+at .+[:(].*\d+:\d+\)?$|FATAL ERROR|heap out of memory|UnhandledPromiseRejection|TypeError|ReferenceError|RangeError|SyntaxError: Unexpected|node:internal/m;

/** The run failed cleanly: exit 1 (not a signal, not a timeout), an `Error` line, and no crash. */
export function expectCleanFailure(r: Run, message?: RegExp): void {
  const ctx = `stdout:\n${r.stdout.slice(0, 2000)}\nstderr:\n${r.stderr.slice(0, 2000)}`;
  expect(r.timedOut, ctx).toBe(false);
  expect(r.signal, ctx).toBe(null);
  expect(r.code, ctx).toBe(1);
  expect(r.stderr, ctx).not.toMatch(CRASH);
  expect(r.stdout, ctx).not.toMatch(CRASH);
  if (message) expect(r.stderr, ctx).toMatch(message);
}

export const EXAMPLES = join(ROOT, 'examples', 'policies');

// ---- the account, as the simulator dumps it ------------------------------------------------------------------

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SeedAccount, SimulatorHandle } from '../../src/simulator/index.js';
import { resolveTarget } from '../../src/api/config.js';
import { createClient } from '../../src/api/client.js';
import { KINDS } from '../../src/kinds/index.js';
import { makePlan } from '../../src/engine/plan.js';
import { loadDeclarations } from '../../src/declarations/validate.js';
import type { Plan } from '../../src/engine/model.js';

export const SEED = join(ROOT, 'examples', 'simulator', 'seed.json');

const KIND_KEYS = { centralizedPolicies: 'CentralizedPolicy', runtimePolicies: 'RuntimePolicy', exceptions: 'Exception', sensorProfiles: 'SensorProfile', secretRules: 'SecretRule' } as const;

export interface LiveObject {
  kind: string;
  name: string;
  id: string;
  obj: Record<string, unknown>;
}

/** Every object of a dump, with its kind, name and id. */
export function objectsOf(dump: SeedAccount): LiveObject[] {
  const out: LiveObject[] = [];
  for (const [key, kind] of Object.entries(KIND_KEYS)) {
    for (const o of ((dump as Record<string, unknown>)[key] as Record<string, unknown>[] | undefined) ?? []) {
      out.push({
        kind,
        name: String(o.policyName ?? o.profileName ?? o.name ?? o.secretDetector),
        id: String(o.uuid ?? o.id ?? o.exceptionId ?? o.profileId ?? o.ruleUuid),
        obj: o,
      });
    }
  }
  return out;
}

/** `Kind/name` of every name held by more than one live object. */
export function duplicateNames(dump: SeedAccount): string[] {
  const seen = new Map<string, number>();
  for (const o of objectsOf(dump)) seen.set(`${o.kind}/${o.name}`, (seen.get(`${o.kind}/${o.name}`) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

/** Objects of `after` not named by the plan must be those of `before`, unchanged; none may appear or vanish. */
export function changesOutsidePlan(before: SeedAccount, after: SeedAccount, plan: Pick<Plan, 'changes'>): string[] {
  // a change names its object by the declared name, and (update, delete) by its id: a SecretRule pinned by ruleUuid
  // may carry another name than the live rule (see the report: examples/policies/secret-rules)
  const planned = new Set(plan.changes.flatMap((c) => [`${c.kind}/${c.name}`, ...(c.id ? [`${c.kind}#${c.id}`] : [])]));
  const inPlan = (o: LiveObject) => planned.has(`${o.kind}/${o.name}`) || planned.has(`${o.kind}#${o.id}`);
  const key = (o: LiveObject) => `${o.kind}/${o.id}`;
  const was = new Map(objectsOf(before).filter((o) => !inPlan(o)).map((o) => [key(o), o]));
  const now = new Map(objectsOf(after).filter((o) => !inPlan(o)).map((o) => [key(o), o]));
  const out: string[] = [];
  for (const [k, o] of now) {
    const old = was.get(k);
    if (!old) out.push(`${o.kind}/${o.name}: appeared`);
    else if (JSON.stringify(old.obj) !== JSON.stringify(o.obj)) out.push(`${o.kind}/${o.name}: changed`);
  }
  for (const [k, o] of was) if (!now.has(k)) out.push(`${o.kind}/${o.name}: vanished`);
  return out;
}

/** The plan of `paths` against a simulator, made in process (no faults should be set). */
export async function planAgainst(sim: SimulatorHandle, paths: string[], options: { prune?: boolean } = {}): Promise<Plan> {
  const api = createClient(resolveTarget({ gatewayUrl: sim.url, username: sim.credentials.username, password: sim.credentials.password }, {}), { baseBackoffMs: 1 });
  try {
    return (await makePlan(api, KINDS, await loadDeclarations(paths), { prune: options.prune, allowMassDelete: true })).plan;
  } finally {
    await api.close();
  }
}

/** Write calls (POST/PUT/DELETE under /csapi) the simulator carried out or refused. */
export function writesOf(sim: SimulatorHandle) {
  // POST /registry/validate checks a body and stores nothing (the plan asks it before a registry write)
  return sim.requests().filter((r) => r.method !== 'GET' && r.path.startsWith('/csapi') && !r.path.endsWith('/registry/validate'));
}

// ---- a proxy answering a share of CS calls 503 (not carried out) ------------------------------------------------

/** mulberry32, the simulator's seeded PRNG: a failing run repeats. */
export const prng = mulberry32;

export interface Proxy {
  url: string;
  answered503: number;
  close(): Promise<void>;
}

/** Forwards to `target`; answers `share` of /csapi calls 503 itself (the call never reaches the service). */
export async function start503Proxy(target: string, share: number, seed = 7): Promise<Proxy> {
  const rnd = prng(seed);
  const t = new URL(target);
  const proxy: Proxy = { url: '', answered503: 0, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/csapi') && rnd() < share) {
      proxy.answered503++;
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorCode: '503 SERVICE_UNAVAILABLE', message: 'try again', timestamp: Date.now() }));
      return;
    }
    const up = httpRequest({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
