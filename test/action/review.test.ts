// Reviewed-plan apply, drift issues, GitHub's rate limits and the proxy — through the committed bundle
// (dist/index.js), run as the runner runs it, against a fake GitHub API and the simulator over HTTP (127.0.0.1).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import type { SeedAccount } from '../../src/simulator/types.js';
import { startForwardProxy } from '../helpers/forward-proxy.js';
import { examplesPlan } from '../helpers/examples.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { cleanupRuns, DEFAULT_SHA, ensureBuilt, runAction, type ActionRun, type RunOptions } from './harness.js';

const MARKER = '<!-- qcs-gitops:plan -->';
const REPO = 'acme/policies';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const GITHUB_TOKEN = `ghs_${randomBytes(16).toString('hex')}`;
const MERGE_SHA = DEFAULT_SHA;
const HEAD_SHA = 'feedfacefeedfacefeedfacefeedfacefeedface';

let sim: SimulatorHandle;
let gh: FakeGitHub;
const runs: ActionRun[] = [];

beforeAll(async () => {
  await ensureBuilt();
  sim = await startSimulator({ users: [{ username: 'ci-bot', password: PASSWORD }] });
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
  gh.issuesReadOnly = false;
  gh.calls.length = 0;
  gh.comments.length = 0;
  gh.issues.length = 0;
  gh.pulls.clear();
  gh.limits.length = 0;
});

function inputs(over: Record<string, string> = {}): Record<string, string> {
  return {
    command: 'auto',
    path: 'examples/policies',
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
    'auto-approve': 'false',
    'drift-issue': 'false',
    ...over,
  };
}

const repository = { full_name: REPO, default_branch: 'main' };
const prEvent = (number: number) => ({
  action: 'synchronize',
  number,
  pull_request: { number, head: { sha: HEAD_SHA, ref: 'change' }, base: { ref: 'main' } },
  repository,
});
const pushEvent = { ref: 'refs/heads/main', repository };

async function run(o: Partial<RunOptions> & { event: string; payload: Record<string, unknown> }): Promise<ActionRun> {
  const r = await runAction({ repository: REPO, githubApiUrl: gh.url, inputs: inputs(), ...o });
  runs.push(r);
  return r;
}
const planPR = (pr: number, over: Partial<RunOptions> = {}) => run({ event: 'pull_request', payload: prEvent(pr), ...over });
const pushMain = (over: Partial<RunOptions> = {}) => run({ event: 'push', ref: 'refs/heads/main', payload: pushEvent, ...over });
// POST /registry/validate (asked by the plan before a registry write) stores nothing
const writesTo = (s: SimulatorHandle) => s.requests().filter((r) => r.method !== 'GET' && r.path !== '/auth' && !r.path.endsWith('/registry/validate'));
const merged = (pr: number) => gh.pulls.set(MERGE_SHA, [{ number: pr, merged_at: '2026-12-01T09:00:00Z', merge_commit_sha: MERGE_SHA, base: { ref: 'main' }, head: { sha: HEAD_SHA } }]);

/** Changes the account as someone in the Qualys UI would: one built-in secret rule's severity. */
function editSecretRule(detector: string, severity: string): void {
  const account = sim.dump() as SeedAccount;
  const rules = (account.secretRules ?? []).filter((r) => (r as { secretDetector?: string }).secretDetector !== detector);
  sim.reset({ ...account, secretRules: [...rules, { secretDetector: detector, severity }] });
}

describe('reviewed-plan apply (dist/index.js)', () => {
  it('the plan comment carries the digest; a push whose fresh plan has it applies, even after an unrelated edit', async () => {
    const plan = await planPR(31);
    expect(plan.code, plan.stdout).toBe(0);
    const body = gh.comments.find((c) => c.issue === 31 && c.body.startsWith(MARKER))!.body;
    const saved = JSON.parse(plan.planFile!) as { digest: string; changes: Array<{ kind: string; name: string }> };
    expect(saved.digest).toMatch(/^[0-9a-f]{64}$/);
    const hidden = /<!-- qcs-gitops-digest: (\{.*?\}) -->/.exec(body);
    expect(hidden).not.toBeNull();
    const payload = JSON.parse(hidden![1]!) as { digest: string; sha: string; objects: Record<string, string> };
    expect(payload.digest).toBe(saved.digest);
    expect(payload.sha).toBe(HEAD_SHA);
    expect(Object.keys(payload.objects).sort()).toEqual(saved.changes.map((c) => `${c.kind}/${c.name}`).sort());

    editSecretRule('Slack Token', 'LOW'); // not declared: unmanaged, outside the plan's changes
    merged(31);
    sim.clearRequests();
    gh.calls.length = 0;
    const r = await pushMain();
    expect(r.stdout).not.toMatch(/^::error/m);
    expect(r.code).toBe(0);
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /repos/${REPO}/commits/${MERGE_SHA}/pulls`, `GET /repos/${REPO}/issues/31/comments`]);
    expect(r.stdout).toContain(`Reviewed plan: pull request #31 (planned at ${HEAD_SHA.slice(0, 12)}), digest ${saved.digest}.`);
    expect(r.stdout).toContain('The fresh plan is the reviewed one');
    expect(writesTo(sim).length).toBeGreaterThanOrEqual(saved.changes.length);
    expect(r.summary).toMatch(/Apply: \d+ created, \d+ updated, 0 deleted, 0 failed, 0 skipped/);
    expect(JSON.parse(r.planFile!).digest).toBe(saved.digest);
  });

  it('refuses, with no write, when the live state moved after the review, naming the object in the log and the summary', async () => {
    expect((await planPR(32)).code).toBe(0);
    editSecretRule('Shopify Token', 'MEDIUM'); // declared CRITICAL; reviewed as HIGH → CRITICAL
    merged(32);
    sim.clearRequests();
    const r = await pushMain();
    expect(r.code).toBe(1);
    expect(writesTo(sim)).toEqual([]);
    expect(sim.requests().every((q) => q.method === 'GET' || q.path === '/auth' || q.path.endsWith('/registry/validate'))).toBe(true);
    expect(r.stdout).toMatch(/^::error::\[E_DIGEST_MISMATCH\] The fresh plan is not the one reviewed on pull request #32 .*Nothing was applied\./m);
    expect(r.stdout).toContain('SecretRule/Shopify Token (update): its changes differ from the reviewed ones');
    // only that object: the others are as reviewed
    expect(r.stdout.match(/its changes differ|not in the reviewed plan|no longer a change/g)).toHaveLength(1);
    expect(r.summary).toContain('### qcs-gitops apply refused');
    expect(r.summary).toContain('SecretRule/Shopify Token (update): its changes differ from the reviewed ones');
    expect(r.summary).toContain('"MEDIUM" → "CRITICAL"'); // the fresh plan, shown but not applied
    expect(r.summary).not.toContain('Apply:');
  });

  it('refuses a push that no merged pull request explains (a direct push), before asking anything of the account', async () => {
    gh.pulls.set(MERGE_SHA, [{ number: 40, merged_at: null, base: { ref: 'main' } }]); // open, not merged
    const r = await pushMain();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error::\[E_NO_REVIEWED_PLAN\] Commit 0123456789ab is not the merge of a pull request into main \(a direct push\?\)/m);
    expect(r.stdout).toMatch(/auto-approve: true/);
    expect(sim.requests()).toEqual([]);
    expect(r.summary).toContain('E_NO_REVIEWED_PLAN');
  });

  it('refuses when the merged pull request has no plan comment with a digest', async () => {
    merged(41);
    gh.comments.push({ id: 1, issue: 41, body: 'LGTM', user: 'reviewer' });
    const r = await pushMain();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error::\[E_NO_REVIEWED_PLAN\] Pull request #41 has no qcs-gitops plan comment/m);
    expect(sim.requests()).toEqual([]);
  });

  it('auto-approve: true applies the fresh plan without looking for a review', async () => {
    editSecretRule('Shopify Token', 'MEDIUM');
    const r = await pushMain({ inputs: inputs({ 'auto-approve': 'true' }) });
    expect(r.code, r.stdout).toBe(0);
    expect(gh.calls).toEqual([]);
    expect(r.stdout).toContain('auto-approve: the fresh plan is applied');
    expect(writesTo(sim).length).toBeGreaterThan(0);
    expect(r.summary).toMatch(/0 failed, 0 skipped/);
  });
});

describe('drift issues (dist/index.js)', () => {
  const schedule = (over: Record<string, string> = {}) => run({ event: 'schedule', payload: { repository }, inputs: inputs({ 'drift-issue': 'true', ...over }) });

  it('opens one labelled issue, updates the same one, and comments and closes it once there is no drift', async () => {
    gh.issues.push({ number: 5, title: 'a pull request with the label', body: '', labels: ['qcs-gitops-drift'], state: 'open', pull_request: true });
    const first = await schedule();
    expect(first.code, first.stdout).toBe(0);
    const open = gh.issues.filter((i) => !i.pull_request && i.state === 'open');
    expect(open).toHaveLength(1);
    const issue = open[0]!;
    expect(issue.labels).toEqual(['qcs-gitops-drift']);
    const examples = await examplesPlan();
    expect(issue.title).toBe(`qcs-gitops: drift in examples/policies (${examples.changes} changes planned)`);
    expect(issue.body).toContain(examples.planLine);
    expect(issue.body.length).toBeLessThanOrEqual(65_536);
    expect(first.outputs['drift-issue']).toBe(String(issue.number));
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /repos/${REPO}/issues`, `POST /repos/${REPO}/issues`]);
    expect(gh.calls[0]!.query).toMatchObject({ labels: 'qcs-gitops-drift', state: 'open' });

    editSecretRule('Shopify Token', 'MEDIUM');
    gh.calls.length = 0;
    const second = await schedule();
    expect(second.code).toBe(0);
    expect(gh.issues.filter((i) => !i.pull_request)).toHaveLength(1);
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /repos/${REPO}/issues`, `PATCH /repos/${REPO}/issues/${issue.number}`]);
    expect(issue.body).toContain('"MEDIUM" → "CRITICAL"');

    // converge, then a run without drift closes it
    expect((await pushMain({ inputs: inputs({ 'auto-approve': 'true' }) })).code).toBe(0);
    gh.calls.length = 0;
    const third = await schedule({ 'detailed-exitcode': 'true' });
    expect(third.code).toBe(0);
    expect(third.outputs['has-changes']).toBe('false');
    expect(issue.state).toBe('closed');
    expect(gh.comments.filter((c) => c.issue === issue.number).map((c) => c.body)).toEqual([expect.stringMatching(/^No drift any more/)]);
    expect(gh.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /repos/${REPO}/issues`, `POST /repos/${REPO}/issues/${issue.number}/comments`, `PATCH /repos/${REPO}/issues/${issue.number}`]);

    // and with no drift and no open issue, nothing is written
    gh.calls.length = 0;
    expect((await schedule()).code).toBe(0);
    expect(gh.calls.map((c) => c.method)).toEqual(['GET']);
  });

  it('without issues: write it warns, and the job ends as it would have', async () => {
    gh.issuesReadOnly = true;
    const r = await schedule();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::warning::drift-issue: the token may not write issues .*403.*issues: write/m);
    const strict = await schedule({ 'detailed-exitcode': 'true' });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^::error::Drift: /m);
  });

  it('is not touched on a pull request or without drift-issue', async () => {
    await planPR(50, { inputs: inputs({ 'drift-issue': 'true' }) });
    await run({ event: 'schedule', payload: { repository } });
    expect(gh.calls.filter((c) => c.path.endsWith('/issues'))).toEqual([]);
  });
});

describe("GitHub's rate limits (dist/index.js)", () => {
  it('waits as told and retries a 403 with retry-after and a 429 with x-ratelimit-remaining: 0; the comment is posted', async () => {
    gh.limits.push(
      { status: 403, headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit' },
      { status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) } },
    );
    const r = await planPR(60);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).not.toMatch(/^::warning::Cannot comment/m);
    expect(r.stdout).toMatch(/answered 403 \(rate limit\): waiting 1 s before try 2 of 4/);
    expect(r.stdout).toMatch(/answered 429 \(rate limit\): waiting \d s before try 3 of 4/);
    expect(gh.calls.map((c) => c.status).slice(0, 3)).toEqual([403, 429, 200]);
    expect(gh.comments.filter((c) => c.issue === 60 && c.body.startsWith(MARKER))).toHaveLength(1);
  });

  it('fails (never taken for a fork) when the limit lasts longer than the bounded wait', async () => {
    gh.limits.push({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) } });
    const r = await planPR(61);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/read-only/);
    expect(r.stdout).toMatch(/^::error::\[E_GITHUB_COMMENT\] .*403 \(rate limit\).*more than the 60 s this Action waits/m);
    expect(gh.calls).toHaveLength(1);
  });
});

describe('behind a proxy (dist/index.js)', () => {
  it('sends the Qualys and the GitHub requests of a plan through HTTP_PROXY, and --debug names it, redacted', async () => {
    const auth = { username: 'corp', password: `proxy-${randomBytes(6).toString('hex')}` };
    const proxy = await startForwardProxy({ auth });
    try {
      const r = await planPR(70, { env: { HTTP_PROXY: `http://${auth.username}:${auth.password}@127.0.0.1:${proxy.port}`, RUNNER_DEBUG: '1' } });
      expect(r.code, r.stdout).toBe(0);
      const simHost = new URL(sim.url).host;
      const ghHost = new URL(gh.url).host;
      expect(r.stdout).toContain(`::debug::proxy: ${simHost} through http://[REDACTED]@127.0.0.1:${proxy.port} (HTTP_PROXY)`);
      expect(r.stdout).toContain(`::debug::GitHub API proxy: ${ghHost} through http://[REDACTED]@127.0.0.1:${proxy.port} (HTTP_PROXY)`);
      for (const text of [r.stdout, r.stderr, r.summary]) expect(text).not.toContain(auth.password);
      const through = (host: string) => proxy.requests.filter((q) => q.target === host).map((q) => `${q.method} ${q.path.replace(/\?.*$/, '')}`);
      expect(through(simHost).sort()).toEqual(sim.requests().map((q) => `${q.method} ${q.path}`).sort());
      expect(through(simHost)).toContain('POST /auth');
      expect(through(ghHost)).toEqual(gh.calls.map((c) => `${c.method} ${c.path}`));
      expect(through(ghHost)).toContain(`POST /repos/${REPO}/issues/70/comments`);
      expect(proxy.refused).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('every run', () => {
  it('never prints or writes a credential', () => {
    expect(runs.length).toBeGreaterThan(10);
    for (const r of runs) {
      const rest = r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n');
      for (const text of [rest, r.stderr, r.summary, r.outputFile, r.planFile ?? '']) for (const s of [PASSWORD, GITHUB_TOKEN]) expect(text).not.toContain(s);
    }
    const bodies = [...gh.comments.map((c) => c.body), ...gh.issues.map((i) => i.body)].join('\n');
    for (const s of [PASSWORD, GITHUB_TOKEN]) expect(bodies).not.toContain(s);
  });
});
