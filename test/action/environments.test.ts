// The Action with input `environment` (issue 16): two simulators, one per environment; each run reads its own
// gateway and credentials' variables, plans its own paths with its own values, names its environment in every
// title, and keeps one sticky comment per environment on the pull request.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { cleanupRuns, ensureBuilt, runAction } from './harness.js';

const REPO = 'acme/policies';
const GITHUB_TOKEN = `ghs_${randomBytes(16).toString('hex')}`;
const STAGING_PW = `st-${randomBytes(8).toString('hex')}`;
const PROD_PW = `pr-${randomBytes(8).toString('hex')}`;

let staging: SimulatorHandle;
let production: SimulatorHandle;
let gh: FakeGitHub;
let dir: string;

const exception = (name: string) => `apiVersion: qcs-gitops/v1
kind: Exception
metadata:
  name: ${name}
spec:
  scope: IMAGE
  exceptionType: VULNERABILITY
  reason: FALSE_POSITIVE
  explanation: Reviewed for \${values.region}.
  startDate: 2026-01-01
  endDate: 2030-01-01
  entityAssignmentType: STATIC
  qids: \${values.qids}
`;

beforeAll(async () => {
  await ensureBuilt();
  staging = await startSimulator({ users: [{ username: 'stage-bot', password: STAGING_PW }] });
  production = await startSimulator({ users: [{ username: 'prod-bot', password: PROD_PW }] });
  gh = await startFakeGitHub({ token: GITHUB_TOKEN, repository: REPO });
  dir = await mkdtemp(join(tmpdir(), 'qcs-action-envs-'));
  await mkdir(join(dir, 'policies/common'), { recursive: true });
  await mkdir(join(dir, 'policies/production'), { recursive: true });
  await writeFile(join(dir, 'policies/common/fp.yaml'), exception('shared-false-positive'));
  await writeFile(join(dir, 'policies/production/only.yaml'), exception('production-only'));
  await writeFile(
    join(dir, 'qcs-gitops.yaml'),
    `apiVersion: qcs-gitops/v1
kind: Project
environments:
  staging:
    gatewayUrl: ${staging.url}
    usernameEnv: STAGE_USER
    passwordEnv: STAGE_PASSWORD
    paths: [policies/common]
    values: { region: staging, qids: [90984] }
  production:
    gatewayUrl: ${production.url}
    usernameEnv: PROD_USER
    passwordEnv: PROD_PASSWORD
    paths: [policies/common, policies/production]
    values: { region: production, qids: [90984, 376157] }
`,
  );
});

afterAll(async () => {
  await staging?.close();
  await production?.close();
  await gh?.close();
  await cleanupRuns();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const pr = {
  action: 'synchronize',
  number: 7,
  pull_request: { number: 7, head: { sha: 'feedfacefeedfacefeedfacefeedfacefeedface', ref: 'change' }, base: { ref: 'main' } },
  repository: { full_name: REPO, default_branch: 'main' },
};

const run = (environment: string) =>
  runAction({
    event: 'pull_request',
    payload: pr,
    repository: REPO,
    githubApiUrl: gh.url,
    cwd: dir,
    inputs: { command: 'auto', environment, comment: 'true', 'github-token': GITHUB_TOKEN },
    env: { STAGE_USER: 'stage-bot', STAGE_PASSWORD: STAGING_PW, PROD_USER: 'prod-bot', PROD_PASSWORD: PROD_PW },
  });

describe('Action input environment', () => {
  it('one sticky comment per environment, each plan against its own gateway with its own values', async () => {
    const s = await run('staging');
    expect(s.stdout).not.toContain('::error');
    expect(s.code).toBe(0);
    expect(production.requests()).toEqual([]);
    expect(s.outputs.creates).toBe('1');
    expect(JSON.parse(s.planFile!).environment).toBe('staging');
    expect(s.summary).toContain('### qcs-gitops plan for environment `staging` (`policies/common`)');

    const p = await run('production');
    expect(p.code).toBe(0);
    expect(p.outputs.creates).toBe('2');
    expect(p.planFile).toContain('376157');

    const comments = gh.comments.filter((c) => c.issue === 7);
    expect(comments.map((c) => c.body.split('\n')[0])).toEqual(['<!-- qcs-gitops:plan:staging -->', '<!-- qcs-gitops:plan:production -->']);
    expect(comments[1]!.body).toContain('### qcs-gitops plan for environment `production` (`policies/common`, `policies/production`)');

    // a second push updates each environment's comment in place
    await run('staging');
    expect(gh.comments.filter((c) => c.issue === 7)).toHaveLength(2);
    const log = (s.stdout + p.stdout).replace(/^::add-mask::.*$/gm, '');
    for (const secret of [STAGING_PW, PROD_PW, GITHUB_TOKEN]) expect(JSON.stringify(gh.comments) + log + s.summary + p.summary).not.toContain(secret);
    expect(p.stdout).toContain(`::add-mask::${PROD_PW}`); // the environment's password is masked in the runner log too
  });

  it('an unknown environment fails the step at the project file', async () => {
    const r = await run('prod');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/::error file=qcs-gitops.yaml,line=4,col=3::environments: unknown environment 'prod'/);
  });
});
