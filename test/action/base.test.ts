// The Action passes the base itself: the pull request's base commit, a push's `before`, none on a schedule. A
// removed declaration is a delete in the PR comment, the merge applies the reviewed plan including it, a scheduled
// run plans no delete. A shallow clone (actions/checkout's default) gets the base commit fetched. Through the
// committed bundle (dist/index.js), a fake GitHub API, the simulator over HTTP (127.0.0.1) and real git repositories.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { cleanupRuns, ensureBuilt, runAction, type RunOptions } from './harness.js';

const MARKER = '<!-- qcs-gitops:plan -->';
const REPO = 'acme/policies';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const GITHUB_TOKEN = `ghs_${randomBytes(16).toString('hex')}`;
const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const exception = (name: string) => `apiVersion: qcs-gitops/v1
kind: Exception
metadata:
  name: ${name}
spec:
  scope: IMAGE
  reason: RISK_ACCEPTED
  explanation: accepted
  startDate: 2026-01-01
  endDate: 2027-06-30
  entityAssignmentType: DYNAMIC
  dynamicFilter: repo.repository:${name}/*
  qids: [376157]
`;

let sim: SimulatorHandle;
let gh: FakeGitHub;
let root: string;
/** The upstream repository: BASE declares two exceptions, HEAD (the merge) removes log4j-legacy. */
let upstream: string;
let BASE: string;
let HEAD: string;

beforeAll(async () => {
  await ensureBuilt();
  sim = await startSimulator({ users: [{ username: 'ci-bot', password: PASSWORD }] });
  gh = await startFakeGitHub({ token: GITHUB_TOKEN, repository: REPO });
  root = mkdtempSync(join(tmpdir(), 'qcs-action-base-'));
  upstream = join(root, 'upstream');
  mkdirSync(join(upstream, 'policies'), { recursive: true });
  git(upstream, 'init', '-q', '-b', 'main');
  writeFileSync(join(upstream, 'policies', 'keep.yaml'), exception('keep-me'));
  writeFileSync(join(upstream, 'policies', 'log4j-legacy.yaml'), exception('log4j-legacy'));
  git(upstream, 'add', '-A');
  git(upstream, 'commit', '-q', '-m', 'two exceptions');
  BASE = git(upstream, 'rev-parse', 'HEAD');
  rmSync(join(upstream, 'policies', 'log4j-legacy.yaml'));
  git(upstream, 'add', '-A');
  git(upstream, 'commit', '-q', '-m', 'revoke log4j-legacy');
  HEAD = git(upstream, 'rev-parse', 'HEAD');
  // the account holds what BASE declares
  git(upstream, 'checkout', '-q', BASE);
  const seeded = await runCli(['apply', join(upstream, 'policies'), '--gateway-url', sim.url, '--auto-approve'], { QUALYS_USERNAME: 'ci-bot', QUALYS_PASSWORD: PASSWORD });
  expect(seeded.code, seeded.stderr).toBe(0);
  git(upstream, 'checkout', '-q', 'main');
});

afterAll(async () => {
  await sim?.close();
  await gh?.close();
  await cleanupRuns();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A fresh shallow clone at HEAD (what actions/checkout makes by default): BASE is not in it. */
function shallowClone(name: string): string {
  const dir = join(root, name);
  git(root, 'clone', '-q', '--depth', '1', `file://${upstream}`, dir);
  expect(() => git(dir, 'cat-file', '-e', `${BASE}^{commit}`)).toThrow();
  return dir;
}

function inputs(over: Record<string, string> = {}): Record<string, string> {
  return {
    command: 'auto',
    path: 'policies',
    'gateway-url': sim.url,
    username: 'ci-bot',
    password: PASSWORD,
    prune: 'false',
    'max-deletes': '10',
    parallelism: '4',
    comment: 'true',
    'github-token': GITHUB_TOKEN,
    'detailed-exitcode': 'false',
    'auto-approve': 'false',
    'drift-issue': 'false',
    ...over,
  };
}

const repository = { full_name: REPO, default_branch: 'main' };
const run = (cwd: string, o: Partial<RunOptions> & { event: string; payload: Record<string, unknown> }) =>
  runAction({ repository: REPO, githubApiUrl: gh.url, inputs: inputs(), cwd, sha: HEAD, env: { ...GIT_ENV }, ...o });
const liveExceptions = () => ((sim.dump() as { exceptions?: Array<{ name?: string }> }).exceptions ?? []).map((e) => e.name).sort();

describe('the Action passes the base (dist/index.js)', () => {
  it('pull request: the comment shows the delete; schedule: no delete; merge: the reviewed plan is applied, delete included', async () => {
    expect(liveExceptions()).toEqual(['keep-me', 'log4j-legacy']);
    const short = git(upstream, 'rev-parse', '--short', BASE);

    const pr = await run(shallowClone('pr'), { event: 'pull_request', payload: { action: 'synchronize', number: 7, pull_request: { number: 7, head: { sha: HEAD }, base: { ref: 'main', sha: BASE } }, repository } });
    expect(pr.stdout).not.toMatch(/^::error/m);
    expect(pr.code, pr.stdout).toBe(0);
    const comment = gh.comments.find((c) => c.issue === 7 && c.body.startsWith(MARKER))!.body;
    expect(comment).toContain(`> - \`Exception/log4j-legacy\` (declaration removed since ${short})`);
    expect(comment).toContain('Plan: 0 to create, 0 to update, 1 to delete.');
    const reviewed = JSON.parse(pr.planFile!) as { digest: string; changes: Array<{ name: string; action: string; reason?: string }>; base: { commit: string } };
    expect(reviewed.changes).toEqual([expect.objectContaining({ name: 'log4j-legacy', action: 'delete', reason: 'removed' })]);
    expect(reviewed.base.commit).toBe(BASE);

    // a drift check never deletes: no base on a schedule
    const scheduled = await run(shallowClone('schedule'), { event: 'schedule', payload: { repository } });
    expect(scheduled.code, scheduled.stdout).toBe(0);
    const drift = JSON.parse(scheduled.planFile!) as { changes: unknown[]; undeclared?: Record<string, string[]> };
    expect(drift.changes).toEqual([]);
    expect(drift.undeclared).toEqual({ Exception: ['log4j-legacy'] });
    expect(liveExceptions()).toEqual(['keep-me', 'log4j-legacy']);

    // the merge: push to main, before = the pull request's base
    gh.pulls.set(HEAD, [{ number: 7, merged_at: '2026-12-01T09:00:00Z', merge_commit_sha: HEAD, base: { ref: 'main' }, head: { sha: HEAD } }]);
    const push = await run(shallowClone('push'), { event: 'push', ref: 'refs/heads/main', payload: { ref: 'refs/heads/main', before: BASE, after: HEAD, repository } });
    expect(push.stdout).not.toMatch(/^::error/m);
    expect(push.code, push.stdout).toBe(0);
    expect(push.stdout).toContain(`The fresh plan is the reviewed one (digest ${reviewed.digest})`);
    expect(push.summary).toMatch(/Apply: 0 created, 0 updated, 1 deleted, 0 failed, 0 skipped/);
    expect(liveExceptions()).toEqual(['keep-me']);
  });

  it('a workspace that is not a git checkout: a warning, and the plan without removals', async () => {
    const dir = join(root, 'not-a-checkout');
    mkdirSync(join(dir, 'policies'), { recursive: true });
    writeFileSync(join(dir, 'policies', 'keep.yaml'), exception('keep-me'));
    const r = await run(dir, { event: 'pull_request', env: { ...GIT_ENV, GIT_CEILING_DIRECTORIES: root }, payload: { action: 'synchronize', number: 10, pull_request: { number: 10, head: { sha: HEAD }, base: { ref: 'main', sha: BASE } }, repository } });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^::warning::--base [0-9a-f]{40}: policies is not inside a git repository: removed declarations are not planned as deletes/m);
    expect(JSON.parse(r.planFile!).changes).toEqual([]);
  });

  it('a base commit that cannot be fetched is an error saying fetch-depth: 0; nothing is planned', async () => {
    const dir = shallowClone('no-origin');
    git(dir, 'remote', 'remove', 'origin');
    sim.clearRequests();
    const r = await run(dir, { event: 'pull_request', payload: { action: 'synchronize', number: 8, pull_request: { number: 8, head: { sha: HEAD }, base: { ref: 'main', sha: BASE } }, repository } });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/^::error::\[E_GIT_REF\] --base [0-9a-f]{40}: no such commit/m);
    expect(r.stdout).toContain('fetch-depth: 0');
    expect(sim.requests()).toEqual([]); // the base is read before any API call
  });
});

describe('re-running a merge whose apply failed half-way (dist/index.js)', () => {
  it('applies what is left of the reviewed plan (same base, same head, same deletes); a further re-run applies nothing', async () => {
    const up = join(root, 'upstream-rerun');
    mkdirSync(join(up, 'policies'), { recursive: true });
    git(up, 'init', '-q', '-b', 'main');
    for (const n of ['r-keep', 'r-one', 'r-two']) writeFileSync(join(up, 'policies', `${n}.yaml`), exception(n));
    git(up, 'add', '-A');
    git(up, 'commit', '-q', '-m', 'three');
    const base = git(up, 'rev-parse', 'HEAD');
    const seeded = await runCli(['apply', join(up, 'policies'), '--gateway-url', sim.url, '--auto-approve'], { QUALYS_USERNAME: 'ci-bot', QUALYS_PASSWORD: PASSWORD });
    expect(seeded.code, seeded.stderr).toBe(0);
    rmSync(join(up, 'policies', 'r-one.yaml'));
    rmSync(join(up, 'policies', 'r-two.yaml'));
    git(up, 'add', '-A');
    git(up, 'commit', '-q', '-m', 'revoke two');
    const head = git(up, 'rev-parse', 'HEAD');
    const clone = (name: string) => {
      const dir = join(root, name);
      git(root, 'clone', '-q', '--depth', '1', `file://${up}`, dir);
      return dir;
    };
    const pr = await run(clone('rerun-pr'), { sha: head, event: 'pull_request', payload: { action: 'opened', number: 9, pull_request: { number: 9, head: { sha: head }, base: { ref: 'main', sha: base } }, repository } });
    expect(pr.code, pr.stdout).toBe(0);
    expect(JSON.parse(pr.planFile!).changes.map((c: { name: string }) => c.name)).toEqual(['r-one', 'r-two']);
    // the first try of the merge's apply deleted r-one, then failed
    const partial = await runCli(['apply', join(up, 'policies'), '--base', base, '--target', 'Exception/r-one', '--gateway-url', sim.url, '--auto-approve'], { ...GIT_ENV, QUALYS_USERNAME: 'ci-bot', QUALYS_PASSWORD: PASSWORD });
    expect(partial.code, partial.stderr).toBe(0);
    expect(liveExceptions()).not.toContain('r-one');

    gh.pulls.set(head, [{ number: 9, merged_at: '2026-12-01T09:00:00Z', merge_commit_sha: head, base: { ref: 'main' }, head: { sha: head } }]);
    const push = { sha: head, event: 'push', ref: 'refs/heads/main', payload: { ref: 'refs/heads/main', before: base, after: head, repository } };
    const rerun = await run(clone('rerun-1'), push);
    expect(rerun.stdout).not.toMatch(/^::error/m);
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(rerun.stdout).toMatch(/^::notice::1 reviewed change is no longer needed .*Exception\/r-one: in the reviewed plan, but no longer a change/m);
    expect(rerun.summary).toMatch(/Apply: 0 created, 0 updated, 1 deleted, 0 failed, 0 skipped/);
    expect(liveExceptions().filter((n) => n?.startsWith('r-'))).toEqual(['r-keep']);
    const again = await run(clone('rerun-2'), push);
    expect(again.code, again.stdout).toBe(0);
    expect(again.summary).toContain('Nothing to apply.');
  });
});

describe('a push event without `before` (dist/index.js)', () => {
  it('takes the base the reviewed plan was made with, from the plan comment', async () => {
    const up = join(root, 'upstream-nobefore');
    mkdirSync(join(up, 'policies'), { recursive: true });
    git(up, 'init', '-q', '-b', 'main');
    for (const n of ['nb-keep', 'nb-gone']) writeFileSync(join(up, 'policies', `${n}.yaml`), exception(n));
    git(up, 'add', '-A');
    git(up, 'commit', '-q', '-m', 'two');
    const base = git(up, 'rev-parse', 'HEAD');
    const seeded = await runCli(['apply', join(up, 'policies'), '--gateway-url', sim.url, '--auto-approve'], { QUALYS_USERNAME: 'ci-bot', QUALYS_PASSWORD: PASSWORD });
    expect(seeded.code, seeded.stderr).toBe(0);
    rmSync(join(up, 'policies', 'nb-gone.yaml'));
    git(up, 'add', '-A');
    git(up, 'commit', '-q', '-m', 'revoke');
    const head = git(up, 'rev-parse', 'HEAD');
    const clone = (name: string) => {
      const dir = join(root, name);
      git(root, 'clone', '-q', '--depth', '1', `file://${up}`, dir);
      return dir;
    };
    const pr = await run(clone('nobefore-pr'), { sha: head, event: 'pull_request', payload: { action: 'opened', number: 11, pull_request: { number: 11, head: { sha: head }, base: { ref: 'main', sha: base } }, repository } });
    expect(pr.code, pr.stdout).toBe(0);
    const comment = gh.comments.find((c) => c.issue === 11 && c.body.startsWith(MARKER))!.body;
    expect(comment).toContain(`"base":"${base}"`);
    gh.pulls.set(head, [{ number: 11, merged_at: '2026-12-01T09:00:00Z', merge_commit_sha: head, base: { ref: 'main' }, head: { sha: head } }]);
    const push = await run(clone('nobefore-push'), { sha: head, event: 'push', ref: 'refs/heads/main', payload: { ref: 'refs/heads/main', repository } });
    expect(push.stdout).not.toMatch(/^::error/m);
    expect(push.code, push.stdout).toBe(0);
    expect(push.summary).toMatch(/Apply: 0 created, 0 updated, 1 deleted, 0 failed, 0 skipped/);
    expect(liveExceptions()).not.toContain('nb-gone');
  });
});
