// An apply killed midway (SIGKILL after some writes) is finished by the next apply with no duplicate; a saved plan
// made stale by a change in Qualys is refused, naming the object, and writes nothing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SeedAccount, type SimulatorHandle } from '../../src/simulator/index.js';
import { cliIsStale } from '../helpers/cli.js';
import { EXAMPLES, SEED, changesOutsidePlan, duplicateNames, expectCleanFailure, planAgainst, run, writesOf } from './helpers.js';

let sim: SimulatorHandle;
let tmp: string;
const env = () => ({ QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: sim.credentials.username, QUALYS_PASSWORD: sim.credentials.password });

beforeAll(async () => {
  if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `node scripts/build.mjs`');
  tmp = mkdtempSync(join(tmpdir(), 'qcs-interrupt-'));
  // every call a little slow, so the kill lands between writes
  sim = await startSimulator({ seed: SEED, latencyMs: 60 });
});
afterAll(async () => {
  await sim?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('an apply killed midway', () => {
  test('SIGKILL after 3 creates; the next apply converges with no duplicate and nothing outside the plan', { timeout: 60_000 }, async () => {
    sim.reset();
    const plan = await planAgainst(sim, [EXAMPLES]);
    expect(plan.changes.filter((c) => c.action === 'create').length).toBeGreaterThan(4);
    const before = sim.dump();
    sim.clearRequests();
    let killedAfter = -1;
    const first = await run(['apply', EXAMPLES, '--auto-approve', '--parallelism', '1'], env(), {
      timeoutMs: 40_000,
      onSpawn: (child) => {
        const timer = setInterval(() => {
          const posts = sim.requests().filter((r) => r.method === 'POST' && r.path.startsWith('/csapi') && r.status === 200).length;
          if (posts >= 3) {
            killedAfter = posts;
            child.kill('SIGKILL');
            clearInterval(timer);
          }
        }, 5);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(first.signal).toBe('SIGKILL');
    expect(killedAfter).toBeGreaterThanOrEqual(3);
    const createdBeforeKill = sim.requests().filter((r) => r.method === 'POST' && r.status === 200).length;
    expect(createdBeforeKill).toBeLessThan(plan.changes.filter((c) => c.action === 'create').length); // really midway

    const second = await run(['apply', EXAMPLES, '--auto-approve'], env(), { timeoutMs: 40_000 });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Verified: the live account matches every applied change\./);
    const after = sim.dump();
    expect(duplicateNames(after)).toEqual([]);
    expect(changesOutsidePlan(before, after, plan)).toEqual([]);
    expect((await planAgainst(sim, [EXAMPLES])).changes).toEqual([]);
  });
});

describe('a stale saved plan', () => {
  test('an object changed after `plan --out` is named, and nothing is written', { timeout: 60_000 }, async () => {
    sim.reset();
    const planFile = join(tmp, 'plan.json');
    const saved = await run(['plan', EXAMPLES, '--out', planFile], env());
    expect(saved.code, saved.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { changes: Array<{ kind: string; name: string; action: string; id?: string }> };
    const update = plan.changes.find((c) => c.action === 'update' && c.kind === 'SecretRule')!;
    expect(update).toBeDefined();

    // someone changes that rule in Qualys after the plan was reviewed
    const seed = JSON.parse(readFileSync(SEED, 'utf8')) as SeedAccount;
    sim.reset({ ...seed, secretRules: [...(seed.secretRules ?? []), { ruleUuid: update.id, status: 'Inactive', severity: 'low' }] });

    sim.clearRequests();
    const applied = await run(['apply', '--plan', planFile, '--auto-approve'], env());
    expectCleanFailure(applied, /E_STALE_PLAN/);
    expect(applied.stderr).toContain(`SecretRule/${update.name}: changed in Qualys since the plan was made`);
    expect(applied.stderr).toMatch(/Nothing was applied/);
    expect(writesOf(sim)).toEqual([]);
  });

  test('declarations changed after `plan --out` are refused too, and nothing is written', { timeout: 60_000 }, async () => {
    sim.reset();
    const planFile = join(tmp, 'plan2.json');
    const saved = await run(['plan', EXAMPLES, '--out', planFile], env());
    expect(saved.code, saved.stderr).toBe(0);
    sim.clearRequests();
    // the same plan applied with other declarations (a commit pushed after the review)
    const applied = await run(['apply', '--plan', planFile, '--auto-approve', join(EXAMPLES, 'exceptions')], env());
    expectCleanFailure(applied, /E_STALE_PLAN.*declarations .* changed since the plan was made/s);
    expect(writesOf(sim)).toEqual([]);
  });
});
