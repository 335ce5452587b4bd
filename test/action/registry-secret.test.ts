// Issue 27: a registry secret declared as { fromEnv } reaches the API and nothing else the Action writes: its log,
// the step summary, its outputs, the plan file, the pull-request comment.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { cleanupRuns, ensureBuilt, runAction, type ActionRun } from './harness.js';

const REPO = 'acme/registries';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const GITHUB_TOKEN = `ghs_${randomBytes(16).toString('hex')}`;
const HUB_SECRET = `hub-${randomBytes(12).toString('hex')}`;

let sim: SimulatorHandle;
let gh: FakeGitHub;
let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  sim = await startSimulator({ users: [{ username: 'ci-bot', password: PASSWORD }] });
  gh = await startFakeGitHub({ token: GITHUB_TOKEN, repository: REPO });
  dir = await mkdtemp(join(tmpdir(), 'qcs-i27-action-'));
  await writeFile(
    join(dir, 'hub.yaml'),
    'apiVersion: qcs-gitops/v1\nkind: Registry\nmetadata: { name: docker-hub }\nspec:\n  registryType: DockerHub\n  registryUri: https://registry-1.docker.io\n  credentialType: BasicAuth\n  username: ci\n  password: { fromEnv: DOCKERHUB_PASSWORD }\n',
  );
});
afterAll(async () => {
  await sim?.close();
  await gh?.close();
  await cleanupRuns();
  await rm(dir, { recursive: true, force: true });
});

function inputs(over: Record<string, string> = {}): Record<string, string> {
  return {
    command: 'auto',
    path: dir,
    'gateway-url': sim.url,
    platform: '',
    username: 'ci-bot',
    password: PASSWORD,
    token: '',
    prune: 'false',
    'max-deletes': '10',
    parallelism: '4',
    comment: 'true',
    'github-token': GITHUB_TOKEN,
    'detailed-exitcode': 'false',
    'auto-approve': 'true',
    'drift-issue': 'false',
    environment: '',
    config: '',
    strict: 'false',
    ...over,
  };
}

function expectNowhere(r: ActionRun): void {
  const log = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
  for (const text of [log, r.stderr, r.summary, r.outputFile, r.planFile ?? '']) expect(text).not.toContain(HUB_SECRET);
}

describe('the Action and a registry secret', () => {
  it('plans a pull request and applies a push: the secret is sent to the API and appears in no output', async () => {
    const env = { DOCKERHUB_PASSWORD: HUB_SECRET };
    const pr = { action: 'synchronize', number: 7, pull_request: { number: 7, head: { sha: 'feedfacefeedfacefeedfacefeedfacefeedface', ref: 'change' }, base: { ref: 'main' } }, repository: { full_name: REPO, default_branch: 'main' } };
    const plan = await runAction({ repository: REPO, githubApiUrl: gh.url, inputs: inputs({ 'auto-approve': 'false' }), event: 'pull_request', payload: pr, env });
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.summary).toContain('DOCKERHUB_PASSWORD');
    expectNowhere(plan);
    const push = { ref: 'refs/heads/main', repository: { full_name: REPO, default_branch: 'main' } };
    const apply = await runAction({ repository: REPO, githubApiUrl: gh.url, inputs: inputs(), event: 'push', ref: 'refs/heads/main', payload: push, env });
    expect(apply.code, apply.stdout).toBe(0);
    expect(apply.outputs.creates).toBe('1');
    expectNowhere(apply);
    const post = sim.requests().find((q) => q.method === 'POST' && q.path === '/csapi/v1.3/registry');
    expect(post?.body).toMatchObject({ password: HUB_SECRET });
    const bodies = [...gh.comments.map((c) => c.body), ...gh.calls.map((c) => JSON.stringify(c.body ?? ''))].join('\n');
    expect(bodies).not.toContain(HUB_SECRET);
  });
});
