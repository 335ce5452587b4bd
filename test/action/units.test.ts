// The Action's pure parts: which command runs, input parsing, annotation paths, comment bodies, the sticky-comment client.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideCommand, type EventContext } from '../../src/action/event.js';
import { parseBoolean, parseCommand, parseCount, parsePaths } from '../../src/action/inputs.js';
import { annotationFile } from '../../src/action/host.js';
import { failureComment, planComment } from '../../src/action/report.js';
import { COMMENT_MARKER, findStickyComment, GitHubApiError, upsertStickyComment } from '../../src/action/comment.js';
import { GITHUB_COMMENT_LIMIT } from '../../src/render/markdown.js';
import type { Plan, PlannedChange } from '../../src/engine/model.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const push = (ref: string, defaultBranch?: string): EventContext => ({ name: 'push', ref, defaultBranch });

describe('decideCommand', () => {
  it('plans pull requests, schedules and manual runs', () => {
    for (const name of ['pull_request', 'pull_request_target', 'schedule', 'workflow_dispatch']) expect(decideCommand('auto', { name })).toEqual({ command: 'plan' });
  });
  it('applies only a push to the default branch', () => {
    expect(decideCommand('auto', push('refs/heads/main', 'main'))).toEqual({ command: 'apply' });
    expect(decideCommand('auto', push('refs/heads/mainline', 'main')).command).toBe('plan');
    expect(decideCommand('auto', push('refs/tags/main', 'main')).command).toBe('plan');
    expect(decideCommand('auto', push('refs/heads/main')).notice).toMatch(/does not name the default branch/);
  });
  it('plans other events with a notice, and obeys an explicit command', () => {
    const d = decideCommand('auto', { name: 'release' });
    expect(d.command).toBe('plan');
    expect(d.notice).toMatch(/'release' events get a plan/);
    expect(decideCommand('apply', { name: 'pull_request' })).toEqual({ command: 'apply' });
    expect(decideCommand('plan', push('refs/heads/main', 'main'))).toEqual({ command: 'plan' });
  });
});

describe('input parsing', () => {
  it('reads booleans, counts, commands and paths strictly', () => {
    expect(parseBoolean('prune', 'TRUE', false)).toBe(true);
    expect(parseBoolean('prune', '', true)).toBe(true);
    expect(() => parseBoolean('prune', 'yes', false)).toThrow(/'prune' must be true or false/);
    expect(parseCount('max-deletes', '0', 10, 0)).toBe(0);
    expect(parseCount('max-deletes', '', 10, 0)).toBe(10);
    expect(() => parseCount('parallelism', '0', 4, 1)).toThrow(/≥ 1/);
    expect(() => parseCount('parallelism', '2.5', 4, 1)).toThrow(/whole number/);
    expect(parseCommand('')).toBe('auto');
    expect(() => parseCommand('destroy')).toThrow(/plan, apply or auto/);
    expect(parsePaths('policies\n  more/policies , x.yaml\n')).toEqual(['policies', 'more/policies', 'x.yaml']);
    expect(parsePaths('  ')).toEqual(['policies']);
  });
});

describe('annotationFile', () => {
  it('is relative to the workspace, or absolute when outside it', () => {
    expect(annotationFile('policies/a.yaml', '/ws', '/ws')).toBe('policies/a.yaml');
    expect(annotationFile('/ws/sub/b.yaml', '/ws', '/elsewhere')).toBe('sub/b.yaml');
    expect(annotationFile('/tmp/c.yaml', '/ws', '/ws')).toBe('/tmp/c.yaml');
  });
});

function bigPlan(n: number): Plan {
  const changes: PlannedChange[] = [];
  for (let i = 0; i < n; i++) {
    changes.push({ kind: 'Exception', name: `exception-${i}`, action: i % 10 === 0 ? 'delete' : 'create', patch: [], after: { explanation: 'x'.repeat(150), qids: [i] }, before: { explanation: 'y' } });
  }
  const del = changes.filter((c) => c.action === 'delete').length;
  return { formatVersion: 1, changes, summary: { create: n - del, update: 0, delete: del, unchanged: 0, unmanaged: 0 }, notes: [] };
}

describe('comment bodies', () => {
  it('start with the marker, call deletes out first and stay under the limit with a note', () => {
    const body = planComment(bigPlan(2000), { paths: ['policies'], sha: 'abcdef0123456789', runUrl: 'https://github.test/o/r/actions/runs/1' });
    expect(body.startsWith(COMMENT_MARKER + '\n')).toBe(true);
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.indexOf('will be deleted')).toBeLessThan(body.indexOf('<details>'));
    expect(body).toMatch(/more changes not shown: the comment limit was reached/);
    expect(body).toContain('commit `abcdef012345`');
  });
  it('a failure replaces the plan and is truncated too', () => {
    const diags = Array.from({ length: 3000 }, (_, i) => ({ file: 'p/a.yaml', line: i + 1, column: 1, path: 'spec', message: 'bad '.repeat(10) }));
    const body = failureComment('[E_VALIDATION] 3000 problems', [], diags, { paths: ['p'] });
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body).toContain('truncated');
  });
});

describe('sticky comment client', () => {
  const token = 'ghs_unit_token_value';
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token, repository: 'o/r' });
  });
  afterAll(() => gh.close());

  it('follows pages, creates once, then updates in place', async () => {
    const t = { apiUrl: gh.url, token, repository: 'o/r', issueNumber: 3 };
    gh.addOthers(3, 230);
    const a = await upsertStickyComment(t, `${COMMENT_MARKER}\none`);
    expect(a.created).toBe(true);
    const b = await upsertStickyComment(t, `${COMMENT_MARKER}\ntwo`);
    expect(b).toMatchObject({ id: a.id, created: false });
    expect(gh.comments.filter((c) => c.issue === 3 && c.body.startsWith(COMMENT_MARKER)).map((c) => c.body)).toEqual([`${COMMENT_MARKER}\ntwo`]);
    expect(gh.calls.filter((c) => c.method === 'GET').map((c) => c.query.page ?? '1')).toEqual(['1', '2', '3', '1', '2', '3']);
  });

  it('never sends the token to another origin named by a Link header', async () => {
    const seen: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      seen.push(String(url));
      return new Response('[]', { status: 200, headers: { link: '<https://evil.example/steal?page=2>; rel="next"' } });
    }) as typeof fetch;
    const found = await findStickyComment({ apiUrl: 'http://127.0.0.1:9', token, repository: 'o/r', issueNumber: 1, fetch: fakeFetch });
    expect(found).toBeUndefined();
    expect(seen).toEqual(['http://127.0.0.1:9/repos/o/r/issues/1/comments?per_page=100']);
  });

  it('reports a refused write as a GitHubApiError with its status', async () => {
    gh.readOnly = true;
    const err = await upsertStickyComment({ apiUrl: gh.url, token, repository: 'o/r', issueNumber: 44 }, `${COMMENT_MARKER}\nx`).catch((e: unknown) => e);
    gh.readOnly = false;
    expect(err).toBeInstanceOf(GitHubApiError);
    expect((err as GitHubApiError).status).toBe(403);
    expect(String(err)).not.toContain(token);
  });
});

describe('examples/workflows/qcs-gitops.yml', () => {
  type Step = { uses?: string; with?: Record<string, string> };
  type Job = { if?: string; permissions?: Record<string, string>; environment?: string; concurrency?: { group: string; 'cancel-in-progress': boolean }; steps: Step[] };
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const wf = parse(readFileSync(join(root, 'examples/workflows/qcs-gitops.yml'), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, Job> };
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
  const ours = (j: Job) => j.steps.filter((s) => s.uses?.includes('/qcs-gitops@'));

  it('plans pull requests with a per-PR group, applies main behind an environment, checks drift on a schedule', () => {
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['pull_request', 'push', 'schedule']));
    const { plan, apply, drift } = wf.jobs;
    expect(plan!.permissions!['pull-requests']).toBe('write');
    expect(plan!.concurrency).toEqual({ group: expect.stringContaining('github.event.pull_request.number'), 'cancel-in-progress': true });
    expect(ours(plan!)[0]!.with!.command).toBe('plan');
    expect(apply!.if).toContain("github.ref == 'refs/heads/main'");
    expect(apply!.environment).toBeTruthy();
    expect(apply!.concurrency!['cancel-in-progress']).toBe(false);
    expect(apply!.concurrency!.group).not.toContain('${{');
    expect(ours(apply!)[0]!.with!.command).toBe('apply');
    expect(drift!.if).toContain('schedule');
    expect(ours(drift!)[0]!.with!['detailed-exitcode']).toBe('true');
  });

  it('passes only inputs the action declares', () => {
    for (const job of Object.values(wf.jobs)) for (const step of ours(job)) for (const k of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(k);
  });
});
