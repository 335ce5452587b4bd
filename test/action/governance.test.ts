// The Action and exception governance (issue 18): findings become annotations on their lines (error or warning level)
// and a section of the PR comment and job summary; with strict they fail the step, and an apply applies nothing.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { cleanupRuns, ensureBuilt, runAction } from './harness.js';

const REPO = 'acme/policies';
const GITHUB_TOKEN = `ghs_${randomBytes(16).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

let sim: SimulatorHandle;
let gh: FakeGitHub;
let dir: string;

const ex = (name: string, end: string) => `apiVersion: qcs-gitops/v1
kind: Exception
metadata:
  name: ${name}
spec:
  scope: IMAGE
  reason: RISK_ACCEPTED
  explanation: Accepted.
  startDate: 2026-01-01
  endDate: ${end}
  entityAssignmentType: STATIC
  qids: [376157]
`;

beforeAll(async () => {
  await ensureBuilt();
  sim = await startSimulator({ users: [{ username: 'ci-bot', password: PASSWORD }] });
  gh = await startFakeGitHub({ token: GITHUB_TOKEN, repository: REPO });
  dir = await mkdtemp(join(tmpdir(), 'qcs-action-gov-'));
  await mkdir(join(dir, 'policies'));
  await writeFile(join(dir, 'policies/exceptions.yaml'), ex('ended-yesterday', '2026-11-30') + '---\n' + ex('ends-soon', '2026-12-06'));
});

afterAll(async () => {
  await sim?.close();
  await gh?.close();
  await cleanupRuns();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  sim.reset();
  sim.clearRequests();
});

const run = (event: string, payload: Record<string, unknown>, over: Record<string, string> = {}) =>
  runAction({
    event,
    payload,
    ref: event === 'push' ? 'refs/heads/main' : undefined,
    repository: REPO,
    githubApiUrl: gh.url,
    cwd: dir,
    inputs: { command: 'auto', path: 'policies', 'gateway-url': sim.url, username: 'ci-bot', password: PASSWORD, 'github-token': GITHUB_TOKEN, ...over },
    env: { QCS_GITOPS_NOW: '2026-12-01' },
  });

const pr = {
  action: 'synchronize',
  number: 9,
  pull_request: { number: 9, head: { sha: 'feedfacefeedfacefeedfacefeedfacefeedface', ref: 'change' }, base: { ref: 'main' } },
  repository: { full_name: REPO, default_branch: 'main' },
};
const push = { ref: 'refs/heads/main', repository: { full_name: REPO, default_branch: 'main' } };

describe('Action: governance findings', () => {
  it('annotations at their lines and a section of the comment and summary; the step passes without strict', async () => {
    const r = await run('pull_request', pr);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/::error file=policies\/exceptions.yaml,line=10,col=12::spec.endDate: Exception 'ended-yesterday' ended on 2026-11-30/);
    expect(r.stdout).toMatch(/::warning file=policies\/exceptions.yaml,line=23,col=12::spec.endDate: Exception 'ends-soon' ends in 5 days/);
    expect(r.summary).toContain('#### Exception governance');
    const comment = gh.comments.find((c) => c.issue === 9)!;
    expect(comment.body).toContain('**Governance: 2 findings (1 error, 1 warning).**');
  });

  it('strict: the plan fails the step; an apply applies nothing', async () => {
    const p = await run('pull_request', pr, { strict: 'true' });
    expect(p.code).not.toBe(0);
    expect(p.stdout).toContain('::error::Governance: 2 findings (1 error, 1 warning). strict is true');
    sim.clearRequests();
    const a = await run('push', push, { strict: 'true' });
    expect(a.code).not.toBe(0);
    expect(a.summary).toContain('Nothing was applied: strict is true');
    expect(sim.requests().filter((q) => q.method !== 'GET' && !q.path.startsWith('/auth'))).toEqual([]);
  });
});
