// Issue 26: a cancelled apply job (the runner sends SIGINT) starts no new change, lets those in flight finish,
// writes the job summary (every change, ending with the command that shows what remains) and fails the step.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { cleanupRuns, ensureBuilt, runAction } from './harness.js';

const REPO = 'acme/policies';
const PASSWORD = 'pw-cancel-26-cancel';
const GITHUB_TOKEN = 'ghs_cancel26cancel26cancel26';
let sim: SimulatorHandle;
let gh: FakeGitHub;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  sim = await startSimulator({ users: [{ username: 'ci-bot', password: PASSWORD }], latencyMs: 300 });
  gh = await startFakeGitHub({ token: GITHUB_TOKEN, repository: REPO });
  dir = mkdtempSync(join(tmpdir(), 'qcs-cancel-'));
  for (let i = 0; i < 24; i++) {
    writeFileSync(
      join(dir, `e${i}.yaml`),
      `apiVersion: qcs-gitops/v1\nkind: Exception\nmetadata:\n  name: cancel-${i}\nspec:\n  scope: IMAGE\n  exceptionType: VULNERABILITY\n  reason: RISK_ACCEPTED\n  startDate: 2026-01-01\n  endDate: 2027-01-01\n  qids: [${2000 + i}]\n`,
    );
  }
}, 180_000);
afterAll(async () => {
  await sim?.close();
  await gh?.close();
  await cleanupRuns();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a cancelled apply job (issue 26)', () => {
  it('writes the summary of what was done and what was not started, and fails the step', { timeout: 90_000 }, async () => {
    sim.clearRequests();
    const r = await runAction({
      repository: REPO,
      githubApiUrl: gh.url,
      event: 'push',
      ref: 'refs/heads/main',
      payload: { ref: 'refs/heads/main', repository: { full_name: REPO, default_branch: 'main' } },
      inputs: {
        command: 'apply', path: dir, 'gateway-url': sim.url, platform: '', username: 'ci-bot', password: PASSWORD, token: '', prune: 'false', 'max-deletes': '10',
        parallelism: '4', comment: 'false', 'github-token': GITHUB_TOKEN, 'detailed-exitcode': 'false', 'auto-approve': 'true', 'drift-issue': 'false', environment: '', config: '', strict: 'false',
      },
      onStart: (child) => {
        const poll = setInterval(() => {
          if (sim.requests().filter((q) => q.method === 'POST' && q.path !== '/auth').length >= 6) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 50);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/^::error::Apply interrupted by SIGINT: Apply: \d+ created/m);
    const held = ((sim.dump().exceptions ?? []) as Array<{ name: string }>).filter((e) => e.name.startsWith('cancel-')).length;
    expect(held).toBeGreaterThanOrEqual(6);
    expect(held).toBeLessThan(24);
    expect(r.summary).toContain(`**Apply: ${held} created, 0 updated, 0 deleted, 0 failed, ${24 - held} skipped.**`);
    expect(r.summary).toContain('not started: interrupted by SIGINT');
    expect(r.summary.trimEnd()).toMatch(/To see what remains: `qcs-gitops plan [^`]+`$/);
  });

  it('a second signal (the runner SIGTERM) writes the summary of what is known, changes in flight named, and ends at once', { timeout: 90_000 }, async () => {
    sim.reset();
    sim.clearRequests();
    let signalled = 0;
    const r = await runAction({
      repository: REPO,
      githubApiUrl: gh.url,
      event: 'push',
      ref: 'refs/heads/main',
      payload: { ref: 'refs/heads/main', repository: { full_name: REPO, default_branch: 'main' } },
      inputs: {
        command: 'apply', path: dir, 'gateway-url': sim.url, platform: '', username: 'ci-bot', password: PASSWORD, token: '', prune: 'false', 'max-deletes': '10',
        parallelism: '4', comment: 'false', 'github-token': GITHUB_TOKEN, 'detailed-exitcode': 'false', 'auto-approve': 'true', 'drift-issue': 'false', environment: '', config: '', strict: 'false',
      },
      onStart: (child) => {
        const poll = setInterval(() => {
          if (sim.requests().filter((q) => q.method === 'POST' && q.path !== '/auth').length >= 6) {
            clearInterval(poll);
            child.kill('SIGINT');
            signalled = Date.now();
            setTimeout(() => child.kill('SIGTERM'), 30);
          }
        }, 50);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(signalled).toBeGreaterThan(0);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/^::error::Apply interrupted by SIGINT, then SIGTERM: Apply: \d+ created/m);
    expect(r.summary).toMatch(/\? Exception\/cancel-\d+: create in flight when the run ended; outcome unknown/);
    expect(r.summary.trimEnd()).toMatch(/To see what remains: `qcs-gitops plan [^`]+`$/);
  });
});
