// Issue 26: an interrupted apply says exactly what it did. SIGTERM during `apply --format json` of 40 changes at
// 400 ms simulator latency: one json document on stdout whose done + in-flight changes are what the account holds,
// exit 143; a second signal ends the run at once, after reporting what is known.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { BIN, cliEnv, cliIsStale, ROOT } from '../helpers/cli.js';

let sim: SimulatorHandle;
let dir: string;

beforeAll(async () => {
  if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `node scripts/build.mjs`');
  dir = mkdtempSync(join(tmpdir(), 'qcs-interrupt-report-'));
  for (let i = 0; i < 40; i++) {
    writeFileSync(
      join(dir, `e${i}.yaml`),
      `apiVersion: qcs-gitops/v1\nkind: Exception\nmetadata:\n  name: sigterm-${i}\nspec:\n  scope: IMAGE\n  exceptionType: VULNERABILITY\n  reason: RISK_ACCEPTED\n  startDate: 2026-01-01\n  endDate: 2027-01-01\n  qids: [${1000 + i}]\n`,
    );
  }
  sim = await startSimulator({ latencyMs: 400 });
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Doc {
  results: Array<{ name: string; status: string; reason?: string }>;
  verified: boolean;
  summary: { created: number; failed: number; skipped: number };
  interrupted?: { signal: string; inFlight: Array<{ name: string }>; next?: string };
}

/** Runs the apply, sends `signals` once `writes` creates reached the simulator, and returns the exit and stdout. */
async function interruptedApply(signals: number, writes: number): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const env = cliEnv({ QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: sim.credentials.username, QUALYS_PASSWORD: sim.credentials.password });
  const child = spawn(process.execPath, [BIN, 'apply', dir, '--auto-approve', '--format', 'json', '--parallelism', '4'], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + 30_000;
  while (sim.requests().filter((r) => r.method === 'POST' && r.path !== '/auth').length < writes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  for (let i = 0; i < signals; i++) {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
  }
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(killer);
  return { code, stdout, stderr, ms: Date.now() - started };
}

const held = () => new Set(((sim.dump().exceptions ?? []) as Array<{ name: string }>).map((e) => e.name).filter((n) => n.startsWith('sigterm-')));

describe('an interrupted apply reports (issue 26)', () => {
  it('SIGTERM: in-flight calls finish, one json document, done equals what the account holds, exit 143', { timeout: 60_000 }, async () => {
    sim.reset();
    sim.clearRequests();
    const r = await interruptedApply(1, 8);
    expect(r.code, r.stderr).toBe(143);
    const doc = JSON.parse(r.stdout) as Doc; // one complete document
    expect(doc.interrupted?.signal).toBe('SIGTERM');
    expect(doc.interrupted?.next).toBe(`qcs-gitops plan ${dir}`);
    expect(doc.verified).toBe(false);
    expect(doc.results).toHaveLength(40);
    const done = new Set(doc.results.filter((x) => x.status === 'created').map((x) => x.name));
    const inFlight = new Set(doc.interrupted!.inFlight.map((x) => x.name));
    expect(new Set([...done, ...inFlight])).toEqual(held());
    expect(done.size).toBeGreaterThanOrEqual(8);
    expect(done.size).toBeLessThan(40);
    const notStarted = doc.results.filter((x) => x.status === 'skipped');
    expect(notStarted.length).toBe(40 - done.size - doc.summary.failed);
    expect(notStarted.every((x) => x.reason === 'not started: interrupted by SIGTERM')).toBe(true);
    expect(r.stderr).toMatch(/SIGTERM: no new change is started/);
  });

  it('a second SIGTERM ends the run at once, naming the changes in flight', { timeout: 60_000 }, async () => {
    sim.reset();
    sim.clearRequests();
    const r = await interruptedApply(2, 8);
    expect(r.code, r.stderr).toBe(143);
    expect(r.ms).toBeLessThan(2_000);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.results).toHaveLength(40 - doc.interrupted!.inFlight.length);
    const done = new Set(doc.results.filter((x) => x.status === 'created').map((x) => x.name));
    const inFlight = new Set(doc.interrupted!.inFlight.map((x) => x.name));
    expect(inFlight.size).toBeGreaterThan(0);
    // the account holds every change done, and of the others only some of those in flight (their answers never came)
    await new Promise((res) => setTimeout(res, 1000));
    const account = held();
    for (const n of done) expect(account.has(n), n).toBe(true);
    for (const n of account) expect(done.has(n) || inFlight.has(n), n).toBe(true);
  });
});
