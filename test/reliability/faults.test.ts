// The simulator's fault modes × the commands that talk to the API (plan, apply, export), through the built CLI.
// Plans succeed or fail with a clear error and never write; applies converge (or report exactly what failed) with
// no duplicate and no change outside the plan; exports write a complete folder or nothing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type FaultConfig, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/index.js';
import { cliIsStale } from '../helpers/cli.js';
import { EXAMPLES, PASSWORD, SEED, USER, changesOutsidePlan, duplicateNames, expectCleanFailure, planAgainst, run, start503Proxy, writesOf, type Proxy } from './helpers.js';

// short waits: the simulator's Retry-After is whole seconds; windows are 1 s
const FLAGS = ['--retries', '10', '--max-retry-wait', '20', '--request-timeout', '2'];

interface Fault {
  name: string;
  faults?: Partial<FaultConfig>;
  sim?: Partial<SimulatorOptions>;
  /** Front the simulator with a proxy answering this share of CS calls 503. */
  proxy503?: number;
  /** Expire every token after this many CS calls. */
  expireAfter?: number;
  /** Extra CLI flags (after the common ones, so they win). */
  flags?: string[];
  /** Every command must succeed (the faults are all retryable); else a clean failure is allowed. */
  mustSucceed: boolean;
  /** When a command fails, stderr must say this. */
  failure?: RegExp;
}

const FAULTS: Fault[] = [
  { name: 'latency spikes (some answers slower than --request-timeout)', faults: { latencySpikeEvery: 5, latencySpikeMs: 1300 }, flags: ['--request-timeout', '1'], mustSucceed: true },
  { name: '429 storm with Retry-After (2 calls per 1 s window)', faults: { rateLimit: { limit: 2, windowSec: 1 } }, mustSucceed: true },
  { name: '30% 503s', proxy503: 0.3, mustSucceed: true },
  { name: '5xx mix (500 and 503)', faults: { errorRate: 0.15, seed: 11 }, mustSucceed: false, failure: /answered 50[03]|E_RETRIES_EXHAUSTED|E_API_500/ },
  { name: 'connection resets (20%)', faults: { resetRate: 0.2, seed: 3 }, mustSucceed: true },
  { name: 'lost create answers (every create)', faults: { loseCreateAnswers: 1 }, mustSucceed: true },
  { name: 'a token that expires mid-run', expireAfter: 6, mustSucceed: true },
  {
    name: 'a 403 on one kind (Exception)',
    sim: { users: [{ username: USER, password: PASSWORD, denyKinds: ['Exception'] }] },
    mustSucceed: false,
    failure: /403.*CS\.EXCEPTION\.VIEW/s,
  },
];

const NO_FAULTS = { latencySpikeEvery: null, rateLimit: null, errorRate: null, resetRate: null, loseCreateAnswers: null } as never;

interface Setup {
  sim: SimulatorHandle;
  proxy?: Proxy;
  env: Record<string, string>;
  close(): Promise<void>;
}

async function setUp(f: Fault): Promise<Setup> {
  let calls = 0;
  let sim: SimulatorHandle | undefined;
  const log = f.expireAfter
    ? (line: string) => {
        if (line.includes('/csapi/') && ++calls === f.expireAfter) sim!.expireTokens();
      }
    : undefined;
  sim = await startSimulator({ seed: SEED, ...f.sim, log });
  const proxy = f.proxy503 ? await start503Proxy(sim.url, f.proxy503) : undefined;
  const user = f.sim?.users ? { username: USER, password: PASSWORD } : sim.credentials;
  return {
    sim,
    proxy,
    env: { QUALYS_GATEWAY_URL: proxy?.url ?? sim.url, QUALYS_USERNAME: user.username, QUALYS_PASSWORD: user.password },
    close: async () => {
      await proxy?.close();
      await sim!.close();
    },
  };
}

let tmp: string;
beforeAll(() => {
  if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `node scripts/build.mjs`');
  tmp = mkdtempSync(join(tmpdir(), 'qcs-faults-'));
});
afterAll(() => tmp && rmSync(tmp, { recursive: true, force: true }));

describe.concurrent.each(FAULTS)('fault: $name', (f) => {
  test.concurrent('plan: succeeds or fails clearly, never writes', { timeout: 90_000 }, async () => {
    const s = await setUp(f);
    try {
      s.sim.setFaults(f.faults ?? {});
      const r = await run(['plan', EXAMPLES, ...FLAGS, ...(f.flags ?? [])], s.env, { timeoutMs: 80_000 });
      if (f.mustSucceed || r.code === 0) {
        expect(r.code, r.stderr).toBe(0);
        s.sim.setFaults(NO_FAULTS);
        const { summary } = await planAgainst(s.sim, [EXAMPLES]); // the same plan, made without faults (a plan writes nothing)
        expect(r.stdout).toContain(`\nPlan: ${summary.create} to create, ${summary.update} to update, 0 to delete.`);
      } else {
        expectCleanFailure(r, f.failure);
      }
      expect(writesOf(s.sim)).toEqual([]);
    } finally {
      await s.close();
    }
  });

  test.concurrent('apply: converges (or reports exactly what failed), no duplicate, nothing outside the plan', { timeout: 90_000 }, async () => {
    const s = await setUp(f);
    try {
      const plan = await planAgainst(s.sim, [EXAMPLES]); // fault-free, before the faults are set
      const before = s.sim.dump();
      s.sim.clearRequests();
      s.sim.setFaults(f.faults ?? {});
      const r = await run(['apply', EXAMPLES, '--auto-approve', ...FLAGS, ...(f.flags ?? [])], s.env, { timeoutMs: 80_000 });
      s.sim.setFaults(NO_FAULTS);
      const after = s.sim.dump();
      expect(duplicateNames(after)).toEqual([]);
      expect(changesOutsidePlan(before, after, plan)).toEqual([]);
      if (f.mustSucceed || r.code === 0) {
        expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(/Verified: the live account matches every applied change\./);
        const again = await planAgainst(s.sim, [EXAMPLES]);
        expect(again.changes.map((c) => `${c.action} ${c.kind}/${c.name}`)).toEqual([]);
      } else {
        expectCleanFailure(r);
        const failedLines = r.stdout.split('\n').filter((l) => /failed|skipped/i.test(l));
        if (failedLines.length === 0) {
          // refused before any change: the error says why, and nothing was written
          expect(r.stderr).toMatch(f.failure!);
          expect(writesOf(s.sim).filter((w) => w.status < 300)).toEqual([]);
        } else {
          // every change the run reports as failed or skipped is one of the plan, and is really not done
          const again = await planAgainst(s.sim, [EXAMPLES]);
          for (const c of again.changes) expect(r.stdout, `${c.kind}/${c.name} not done but not reported`).toContain(c.name);
        }
      }
      if (f.faults?.loseCreateAnswers) expect(s.sim.requests().some((q) => q.fault === 'lost-answer')).toBe(true);
      if (f.faults?.rateLimit) expect(s.sim.requests().some((q) => q.status === 429)).toBe(true);
      if (f.faults?.resetRate) expect(s.sim.requests().some((q) => q.fault === 'reset')).toBe(true);
      if (f.proxy503) expect(s.proxy!.answered503).toBeGreaterThan(3);
    } finally {
      await s.close();
    }
  });

  test.concurrent('export: a complete folder, or a clear error and no folder', { timeout: 90_000 }, async () => {
    const s = await setUp(f);
    try {
      s.sim.setFaults(f.faults ?? {});
      const out = join(tmp, `export-${FAULTS.indexOf(f)}`);
      const r = await run(['export', '--out', out, ...FLAGS, ...(f.flags ?? [])], s.env, { timeoutMs: 80_000 });
      if (f.mustSucceed || r.code === 0) {
        expect(r.code, r.stderr).toBe(0);
        expect(readdirSync(out).sort()).toEqual(expect.arrayContaining(['centralized-policies', 'exceptions', 'runtime-policies', 'sensor-profiles']));
        expect(r.stdout).toMatch(/Exported \d+ objects/);
      } else {
        expectCleanFailure(r, f.failure);
        expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
      }
      expect(writesOf(s.sim)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
