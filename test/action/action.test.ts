// The committed bundle, run as the runner runs it, against a fake GitHub API and the simulator over HTTP (127.0.0.1).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { cleanupRuns, DIST, ensureBuilt, ROOT, runAction, type ActionRun } from './harness.js';

const MARKER = '<!-- qcs-gitops:plan -->';
const REPO = 'acme/policies';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const TOKEN = `qtok-${randomBytes(12).toString('hex')}`; // not a valid JWT: the client renews with the password on the 401
const GITHUB_TOKEN = `ghs_${randomBytes(16).toString('hex')}`;
const SECRETS = [PASSWORD, TOKEN, GITHUB_TOKEN];

let sim: SimulatorHandle;
let gh: FakeGitHub;
const runs: ActionRun[] = [];

beforeAll(async () => {
  await ensureBuilt();
  sim = await startSimulator({
    users: [
      { username: 'ci-bot', password: PASSWORD },
      { username: 'ci-viewer', password: PASSWORD, readOnly: true },
    ],
  });
  gh = await startFakeGitHub({ token: GITHUB_TOKEN, repository: REPO });
});

afterAll(async () => {
  await sim?.close();
  await gh?.close();
  await cleanupRuns();
});

beforeEach(() => {
  sim.reset();
  sim.clearRequests();
  gh.readOnly = false;
  gh.calls.length = 0;
});

function inputs(over: Record<string, string> = {}): Record<string, string> {
  return {
    command: 'auto',
    path: 'examples/policies',
    'gateway-url': sim.url,
    platform: '',
    username: 'ci-bot',
    password: PASSWORD,
    token: TOKEN,
    prune: 'false',
    'max-deletes': '10',
    parallelism: '4',
    comment: 'true',
    'github-token': GITHUB_TOKEN,
    'detailed-exitcode': 'false',
    'auto-approve': 'false',
    'drift-issue': 'false',
    environment: '',
    config: '',
    strict: 'false',
    ...over,
  };
}

function prEvent(number: number) {
  return {
    action: 'synchronize',
    number,
    pull_request: { number, head: { sha: 'feedfacefeedfacefeedfacefeedfacefeedface', ref: 'change' }, base: { ref: 'main' } },
    repository: { full_name: REPO, default_branch: 'main' },
  };
}

async function run(o: Partial<Parameters<typeof runAction>[0]> & { event: string; payload: Record<string, unknown> }): Promise<ActionRun> {
  const r = await runAction({ repository: REPO, githubApiUrl: gh.url, inputs: inputs(), ...o });
  runs.push(r);
  return r;
}

const markerComments = (issue: number) => gh.comments.filter((c) => c.issue === issue && c.body.startsWith(MARKER));
// POST /registry/validate (asked by the plan before a registry write) stores nothing
const writesTo = (s: SimulatorHandle) => s.requests().filter((r) => r.method !== 'GET' && r.path !== '/auth' && !r.path.endsWith('/registry/validate'));

describe('the GitHub Action bundle (dist/index.js)', () => {
  it('is the committed entry of action.yml, whose inputs, defaults and outputs the code and tests agree with', async () => {
    const { readFile } = await import('node:fs/promises');
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as {
      runs: Record<string, string>;
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, unknown>;
    };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(inputs()).sort());
    expect(Object.keys(action.outputs).sort()).toEqual(['comment-id', 'creates', 'deletes', 'drift-issue', 'has-changes', 'plan-file', 'updates']);
    expect(action.inputs['auto-approve']!.default).toBe('false');
    expect(action.inputs['drift-issue']!.default).toBe('false');
    expect(action.inputs.command!.default).toBe('auto');
    expect(action.inputs.comment!.default).toBe('true');
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
    await expect(readFile(DIST, 'utf8')).resolves.toContain('qcs-gitops:plan');
  });

  it('plans a pull request: posts one sticky comment, then updates the same one', async () => {
    const pr = 7;
    gh.addOthers(pr, 150); // the marked comment lands on page 2
    gh.comments.push({ id: 1, issue: pr, body: `> ${MARKER}\n> quoted by a reviewer`, user: 'reviewer' });

    const first = await run({ event: 'pull_request', payload: prEvent(pr) });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // outputs agree with the saved plan
    const plan = JSON.parse(first.planFile!) as { changes: Array<{ action: string; name: string }>; summary: Record<string, number> };
    const count = (a: string) => String(plan.changes.filter((c) => c.action === a).length);
    expect(first.outputs['has-changes']).toBe('true');
    expect(first.outputs.creates).toBe(count('create'));
    expect(first.outputs.updates).toBe(count('update'));
    expect(first.outputs.deletes).toBe('0');
    expect(Number(first.outputs.creates)).toBeGreaterThan(0);
    expect(first.outputs['plan-file']).toMatch(/runner_temp\/.+\.json$/);
    // a plan never writes to the account
    expect(writesTo(sim)).toEqual([]);
    // the summary and the comment hold the plan
    const summaryLine = `Plan: ${first.outputs.creates} to create, ${first.outputs.updates} to update, 0 to delete.`;
    expect(first.summary).toContain(summaryLine);
    expect(markerComments(pr)).toHaveLength(1);
    const posted = markerComments(pr)[0]!;
    expect(first.outputs['comment-id']).toBe(String(posted.id));
    expect(posted.body).toContain(summaryLine);
    for (const c of plan.changes) expect(posted.body).toContain(`${c.name}</b>`);
    expect(gh.calls.filter((c) => c.method === 'GET').map((c) => c.query.page ?? '1')).toEqual(['1', '2']);
    expect(gh.calls.every((c) => c.authorized)).toBe(true);

    gh.calls.length = 0;
    const second = await run({ event: 'pull_request', payload: prEvent(pr) });
    expect(second.code).toBe(0);
    expect(markerComments(pr)).toHaveLength(1);
    expect(second.outputs['comment-id']).toBe(String(posted.id));
    expect(gh.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`)).toEqual([`PATCH /repos/${REPO}/issues/comments/${posted.id}`]);
    expect(gh.comments.find((c) => c.id === 1)!.body).toContain('quoted by a reviewer'); // the reviewer's quote is untouched
  });

  it('annotates a validation error on the offending line and fails', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'qcs-action-ws-'));
    try {
      await mkdir(join(ws, 'policies'));
      await writeFile(
        join(ws, 'policies', 'bad.yaml'),
        ['apiVersion: qcs-gitops/v1', 'kind: Exception', 'metadata:', '  name: broken', 'spec:', '  scope: IMAGE', '  exceptionType: VULNERABILITY', '  reason: BECAUSE', ''].join('\n'),
      );
      const pr = 8;
      const r = await run({ event: 'pull_request', payload: prEvent(pr), cwd: ws, inputs: inputs({ path: 'policies' }) });
      expect(r.code).not.toBe(0);
      expect(r.stdout).toMatch(/^::error file=policies\/bad\.yaml,line=8,col=\d+::spec\.reason: /m);
      expect(r.outputs['has-changes']).toBeUndefined();
      expect(sim.requests()).toEqual([]); // nothing was asked of the account
      expect(r.summary).toContain('bad.yaml:8:');
      // the sticky comment says the plan failed rather than showing an old plan
      expect(markerComments(pr)).toHaveLength(1);
      expect(markerComments(pr)[0]!.body).toContain('failed');
      expect(markerComments(pr)[0]!.body).toContain('spec.reason');
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  });

  it('warns, and still succeeds, when the token may not comment (a fork: 403)', async () => {
    gh.readOnly = true;
    const pr = 9;
    const r = await run({ event: 'pull_request', payload: prEvent(pr) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::warning::Cannot comment on pull request #9 .*403/m);
    expect(r.stdout).not.toMatch(/^::error/m);
    expect(gh.calls.some((c) => c.method === 'POST' && c.status === 403)).toBe(true);
    expect(markerComments(pr)).toHaveLength(0);
    expect(r.outputs['comment-id']).toBeUndefined();
    expect(r.outputs['has-changes']).toBe('true');
    expect(r.summary).toContain('qcs-gitops plan');
  });

  it('applies a push to the default branch with auto-approve; the simulator holds the changes and a fresh plan is empty', async () => {
    const payload = { ref: 'refs/heads/main', repository: { full_name: REPO, default_branch: 'main' } };
    gh.calls.length = 0;
    const r = await run({ event: 'push', ref: 'refs/heads/main', payload, inputs: inputs({ 'auto-approve': 'true' }) });
    expect(r.stdout).not.toMatch(/^::error/m);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.planFile!) as { changes: Array<{ action: string; kind: string; name: string }> };
    const creates = plan.changes.filter((c) => c.action === 'create');
    expect(r.outputs.creates).toBe(String(creates.length));
    expect(creates.length).toBeGreaterThan(0);
    expect(writesTo(sim).filter((q) => q.method === 'POST').length).toBeGreaterThanOrEqual(creates.length);
    const account = JSON.stringify(sim.dump());
    for (const c of creates) expect(account).toContain(JSON.stringify(c.name));
    expect(r.summary).toContain('### qcs-gitops apply');
    expect(r.summary).toMatch(new RegExp(`Apply: ${creates.length} created, ${plan.changes.length - creates.length} updated, 0 deleted, 0 failed, 0 skipped`));
    expect(gh.calls).toEqual([]); // auto-approve: no reviewed plan is looked up, no comment

    // converged: the same declarations now plan no change (sim not reset in between)
    sim.clearRequests();
    const after = await run({ event: 'schedule', payload: { repository: { full_name: REPO, default_branch: 'main' } }, inputs: inputs({ 'detailed-exitcode': 'true' }) });
    expect(after.code).toBe(0);
    expect(after.outputs['has-changes']).toBe('false');
    expect(writesTo(sim)).toEqual([]);
  });

  it('fails the apply job when changes fail (a read-only Qualys user), reporting each in the summary', async () => {
    const payload = { ref: 'refs/heads/main', repository: { full_name: REPO, default_branch: 'main' } };
    const r = await run({ event: 'push', ref: 'refs/heads/main', payload, inputs: inputs({ username: 'ci-viewer', 'auto-approve': 'true' }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error::Apply did not complete \(\d+ failed/m);
    const plan = JSON.parse(r.planFile!) as { changes: Array<{ kind: string; name: string }> };
    expect(plan.changes.length).toBeGreaterThan(0);
    // each failed, or was skipped because a change it depends on failed (a registry after its connector)
    for (const c of plan.changes) expect(r.summary).toMatch(new RegExp(`(✗ ${c.kind}/${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: failed|· ${c.kind}/${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: skipped)`));
    expect(writesTo(sim).filter((q) => q.status < 300)).toEqual([]);
  });

  it('only plans a push to another branch, with a notice', async () => {
    const payload = { ref: 'refs/heads/feature', repository: { full_name: REPO, default_branch: 'main' } };
    const r = await run({ event: 'push', ref: 'refs/heads/feature', payload });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::notice::command auto: refs\/heads\/feature is not the default branch/m);
    expect(r.outputs['has-changes']).toBe('true');
    expect(writesTo(sim)).toEqual([]);
  });

  it('fails a scheduled drift check when the plan has changes (detailed-exitcode)', async () => {
    const r = await run({ event: 'schedule', payload: { repository: { full_name: REPO, default_branch: 'main' } }, inputs: inputs({ 'detailed-exitcode': 'true' }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error::Drift: /m);
    expect(r.outputs['has-changes']).toBe('true');
    expect(writesTo(sim)).toEqual([]);
  });

  it('masks every credential at once and never prints or writes one', () => {
    expect(runs.length).toBeGreaterThanOrEqual(8);
    for (const r of runs) {
      const lines = r.stdout.split('\n');
      // setSecret first of all: the runner masks from then on
      const masks = lines.slice(0, 3);
      expect(masks.sort()).toEqual(SECRETS.map((s) => `::add-mask::${s}`).sort());
      const rest = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
      for (const text of [rest, r.stderr, r.summary, r.outputFile, r.planFile ?? '']) {
        for (const s of SECRETS) expect(text).not.toContain(s);
      }
    }
    const bodies = [...gh.comments.map((c) => c.body), ...gh.calls.map((c) => JSON.stringify(c.body ?? ''))].join('\n');
    for (const s of SECRETS) expect(bodies).not.toContain(s);
  });
});
