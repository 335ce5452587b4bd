// The GitLab provider against a fake GitLab API on 127.0.0.1 (its Notes API as GitLab documents it): the plan
// becomes one merge-request note, updated in place by every later run, one note an environment; the token is sent as
// PRIVATE-TOKEN to that origin only and never printed; outside a merge-request pipeline nothing is posted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, cliEnv, runCli } from '../helpers/cli.js';
import { useSimulator } from '../helpers/suite.js';
import { gitlab } from '../../src/ci/gitlab.js';

const TOKEN = 'glpat-fake-secret-token-1234';

interface Note {
  id: number;
  body: string;
  system: boolean;
}

class FakeGitLab {
  notes: Note[] = [];
  requests: Array<{ method: string; path: string; token?: string }> = [];
  status?: number;
  private next = 1000;
  private server?: Server;
  url = '';

  reset(): void {
    this.notes = [{ id: this.next++, body: 'LGTM, but see the exception dates', system: false }, { id: this.next++, body: 'added 1 commit', system: true }];
    this.requests = [];
    this.status = undefined;
  }

  addNotes(n: number): void {
    for (let i = 0; i < n; i++) this.notes.push({ id: this.next++, body: `review remark ${i}`, system: false });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const addr = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${addr.port}/api/v4`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? '', path: url.pathname + url.search, token: req.headers['private-token'] as string | undefined });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers['private-token'] !== TOKEN) return send(401, { message: '401 Unauthorized' });
    if (this.status) return send(this.status, { message: '403 Forbidden' });
    const m = /^\/api\/v4\/projects\/(\d+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(url.pathname);
    if (!m || m[1] !== '42' || m[2] !== '7') return send(404, { message: '404 Not found' });
    if (req.method === 'GET' && !m[3]) {
      const per = Number(url.searchParams.get('per_page') ?? 20);
      const page = Number(url.searchParams.get('page') ?? 1);
      return send(200, this.notes.slice((page - 1) * per, page * per));
    }
    if (req.method === 'POST' && !m[3]) {
      const note = { id: this.next++, body: (JSON.parse(raw) as { body: string }).body, system: false };
      this.notes.push(note);
      return send(201, note);
    }
    const note = this.notes.find((n) => n.id === Number(m[3]));
    if (req.method === 'PUT' && note) {
      note.body = (JSON.parse(raw) as { body: string }).body;
      return send(200, note);
    }
    return send(404, { message: '404 Not found' });
  }
}

describe('GitLab: the plan as one merge-request note', () => {
  const fake = new FakeGitLab();
  let dir: string;
  beforeAll(async () => {
    await fake.start();
    dir = mkdtempSync(join(tmpdir(), 'qcs-gitlab-'));
  });
  afterAll(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => fake.reset());

  const mr = () => ({
    GITLAB_CI: 'true',
    CI_API_V4_URL: fake.url,
    CI_PROJECT_ID: '42',
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_MERGE_REQUEST_IID: '7',
    QCS_GITLAB_TOKEN: TOKEN,
  });
  const doc = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const ours = () => fake.notes.filter((n) => n.body.startsWith('<!-- qcs-gitops:plan'));

  it('posts one note, then updates it in place; another environment gets its own', async () => {
    const first = await runCli(['comment', doc('a.md', '### qcs-gitops plan\n\n**Plan: 1 to create**\n')], mr());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/Posted the plan comment on merge request !7/);
    expect(ours()).toHaveLength(1);
    const id = ours()[0]!.id;

    const second = await runCli(['comment', doc('b.md', '### qcs-gitops plan\n\n**No changes.**\n')], mr());
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/Updated the plan comment on merge request !7 \(note \d+\)/);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]).toMatchObject({ id, body: '<!-- qcs-gitops:plan -->\n### qcs-gitops plan\n\n**No changes.**\n' });
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);

    const staging = await runCli(['comment', doc('c.md', 'staging plan\n'), '--environment', 'staging'], mr());
    expect(staging.code, staging.stderr).toBe(0);
    expect(ours()).toHaveLength(2);
    expect(ours()[1]!.body).toBe('<!-- qcs-gitops:plan:staging -->\nstaging plan\n');
    // the others' notes untouched; the token only ever as PRIVATE-TOKEN, never printed
    expect(fake.notes[0]!.body).toBe('LGTM, but see the exception dates');
    expect(fake.requests.every((r) => r.token === TOKEN)).toBe(true);
    for (const r of [first, second, staging]) expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('finds its note beyond the first page of notes (bounded pages)', async () => {
    await runCli(['comment', doc('d.md', 'first\n')], mr());
    fake.addNotes(250); // the plan note is now first of 253, and a later one would be on page 3
    const again = await runCli(['comment', doc('e.md', 'second\n')], mr());
    expect(again.code, again.stderr).toBe(0);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toContain('second');
    const gets = fake.requests.filter((r) => r.method === 'GET');
    expect(gets.length).toBeLessThanOrEqual(20 + 1);
  });

  it('outside a merge-request pipeline nothing is posted (exit 0, said on stderr)', async () => {
    const r = await runCli(['comment', doc('f.md', 'x\n')], { ...mr(), CI_PIPELINE_SOURCE: 'push', CI_MERGE_REQUEST_IID: '' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Not a merge-request pipeline \(gitlab: push\): no comment posted/);
    expect(fake.requests).toEqual([]);
  });

  it('no token, a refused token, no CI: E_CI_COMMENT or E_USAGE with the fix, exit 1', async () => {
    const none = await runCli(['comment', doc('g.md', 'x\n')], { ...mr(), QCS_GITLAB_TOKEN: undefined });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/E_CI_COMMENT\]: QCS_GITLAB_TOKEN is not set/);
    expect(none.stderr).toMatch(/project access token with the `api` scope/);
    fake.status = 403;
    const refused = await runCli(['comment', doc('h.md', 'x\n')], mr());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/answered 403: 403 Forbidden[\s\S]*needs the `api` scope/);
    expect(refused.stderr).not.toContain(TOKEN);
    const elsewhere = await runCli(['comment', doc('i.md', 'x\n')], { GITLAB_CI: undefined });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/E_USAGE\]: no supported CI system detected/);
  });
});

describe('GitLab: the event and the base commit', () => {
  it('a merge request: its iid and its diff base; a push: the previous head (none for a new branch)', () => {
    expect(gitlab.event({ CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_IID: '12', CI_MERGE_REQUEST_DIFF_BASE_SHA: 'abc123', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'tighten', CI_DEFAULT_BRANCH: 'main' })).toEqual({
      kind: 'change-request',
      changeRequest: 12,
      branch: 'tighten',
      defaultBranch: 'main',
      baseCommit: 'abc123',
    });
    expect(gitlab.event({ CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main', CI_COMMIT_BEFORE_SHA: 'def456', CI_DEFAULT_BRANCH: 'main' })).toEqual({ kind: 'push', branch: 'main', defaultBranch: 'main', baseCommit: 'def456' });
    expect(gitlab.event({ CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BEFORE_SHA: '0000000000000000000000000000000000000000' }).baseCommit).toBeUndefined();
    expect(gitlab.event({ CI_PIPELINE_SOURCE: 'schedule' }).kind).toBe('schedule');
    expect(gitlab.detect({ GITLAB_CI: 'true' })).toBe(true);
    expect(gitlab.detect({})).toBe(false);
  });
});

describe('examples/ci/gitlab-ci.yml', () => {
  const ci = parse(readFileSync(join(ROOT, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8')) as Record<string, any>;
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const sim = useSimulator();
  const fake = new FakeGitLab();
  let repo: string;
  beforeAll(async () => {
    await fake.start();
    repo = mkdtempSync(join(tmpdir(), 'qcs-gitlab-repo-'));
    cpSync(join(ROOT, 'examples', 'policies'), join(repo, 'policies'), { recursive: true });
    // `qcs-gitops` on PATH is the built CLI, as the release tarball installs it
    mkdirSync(join(repo, '.bin'));
    writeFileSync(join(repo, '.bin', 'qcs-gitops'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(join(repo, '.bin', 'qcs-gitops'), 0o755);
  });
  afterAll(async () => {
    await fake.stop();
    rmSync(repo, { recursive: true, force: true });
  });

  it('installs the release tarball of this version; plan on merge requests, apply on the default branch behind an environment', () => {
    expect(ci.variables.QCS_GITOPS_VERSION).toBe(version);
    expect(ci.default.before_script[0]).toContain('releases/download/v${QCS_GITOPS_VERSION}/qcs-gitops-${QCS_GITOPS_VERSION}.tgz');
    expect(ci.plan.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(ci.plan.artifacts.reports.terraform).toBe('plan-summary.json');
    expect(ci.apply.rules[0].if).toContain('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH');
    expect(ci.apply.environment.name).toBe('qualys-production');
    expect(ci.apply.resource_group).toBeTruthy();
  });

  it("the plan job's script, run as GitLab runs it: one note updated in place, the widget's summary, the plan file", async () => {
    fake.reset();
    sim.reset(JSON.parse(readFileSync(join(ROOT, 'examples', 'simulator', 'seed.json'), 'utf8')));
    const env = cliEnv({
      PATH: `${join(repo, '.bin')}:${process.env.PATH ?? ''}`,
      QUALYS_GATEWAY_URL: sim.url,
      QUALYS_USERNAME: 'qcs-viewer', // the read-only user of the plan job's environment
      QUALYS_PASSWORD: 'qcs-viewer-password',
      GITLAB_CI: 'true',
      CI_API_V4_URL: fake.url,
      CI_PROJECT_ID: '42',
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_IID: '7',
      QCS_GITLAB_TOKEN: TOKEN,
    });
    const sh = (line: string) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile('sh', ['-ec', line], { cwd: repo, env, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, out: String(stdout) + String(stderr) }));
      });
    for (let run = 0; run < 2; run++) {
      for (const line of ci.plan.script as string[]) {
        const r = await sh(line);
        expect(r.code, `${line}\n${r.out}`).toBe(0);
      }
    }
    const { summary } = JSON.parse(readFileSync(join(repo, 'plan.json'), 'utf8')) as { summary: { create: number; update: number; delete: number } };
    expect(summary.create + summary.update).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(repo, 'plan-summary.json'), 'utf8'))).toEqual({ create: summary.create, update: summary.update, delete: summary.delete });
    const notes = fake.notes.filter((n) => n.body.startsWith('<!-- qcs-gitops:plan -->'));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain(`Plan: ${summary.create} to create, ${summary.update} to update, ${summary.delete} to delete.`);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});
