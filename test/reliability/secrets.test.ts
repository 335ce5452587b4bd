// A recognisable password and token are set for every command, on success and on failure, with --debug: no output,
// plan file, export or GitHub comment may contain them.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { cliIsStale } from '../helpers/cli.js';
import { startFakeGitHub, type FakeGitHub } from '../action/fake-github.js';
import { cleanupRuns, ensureBuilt, runAction } from '../action/harness.js';
import { EXAMPLES, FAKE_TOKEN, PASSWORD, USER, run, type Run } from './helpers.js';

let sim: SimulatorHandle;
let tmp: string;
let realToken: string;

/** Every secret and the recognisable parts of them. */
const secrets = () => [PASSWORD, FAKE_TOKEN, 'XYZZY', 'QCSTESTTOKEN', realToken, realToken.split('.')[2]!, encodeURIComponent(PASSWORD)];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function expectNoSecret(what: string, text: string): void {
  for (const s of secrets()) expect(text.includes(s), `${what} contains a secret (${s.slice(0, 6)}…)`).toBe(false);
}

function expectNoSecretIn(r: Run, name: string): void {
  expectNoSecret(`${name} stdout`, r.stdout);
  expectNoSecret(`${name} stderr`, r.stderr);
}

beforeAll(async () => {
  if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `node scripts/build.mjs`');
  tmp = mkdtempSync(join(tmpdir(), 'qcs-secrets-'));
  sim = await startSimulator({ users: [{ username: USER, password: PASSWORD }, { username: 'rel-no-exceptions', password: PASSWORD, denyKinds: ['Exception'] }] });
  const res = await fetch(`${sim.url}/auth`, { method: 'POST', body: new URLSearchParams({ username: USER, password: PASSWORD, token: 'true' }) });
  realToken = (await res.text()).trim();
  expect(realToken.split('.')).toHaveLength(3);
});
afterAll(async () => {
  await sim?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const withPassword = (user = USER) => ({ QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: user, QUALYS_PASSWORD: PASSWORD, QUALYS_TOKEN: FAKE_TOKEN });

interface Case {
  name: string;
  args: () => string[];
  env: () => Record<string, string>;
  ok: boolean;
}

const CASES: Case[] = [
  { name: 'validate', args: () => ['validate', EXAMPLES], env: withPassword, ok: true },
  { name: 'validate (invalid input)', args: () => ['validate', 'test/fixtures/invalid'], env: withPassword, ok: false },
  { name: 'plan --out (text)', args: () => ['plan', EXAMPLES, '--debug', '--out', join(tmp, 'plan-text.json')], env: withPassword, ok: true },
  { name: 'plan --format json', args: () => ['plan', EXAMPLES, '--debug', '--format', 'json'], env: withPassword, ok: true },
  { name: 'plan --format markdown', args: () => ['plan', EXAMPLES, '--debug', '--format', 'markdown'], env: withPassword, ok: true },
  { name: 'plan with a real token only', args: () => ['plan', EXAMPLES, '--debug'], env: () => ({ QUALYS_GATEWAY_URL: sim.url, QUALYS_TOKEN: realToken }), ok: true },
  { name: 'plan with --password and --token flags', args: () => ['plan', EXAMPLES, '--debug', '--gateway-url', sim.url, '--username', USER, '--password', PASSWORD, '--token', FAKE_TOKEN], env: () => ({}), ok: true },
  { name: 'apply', args: () => ['apply', EXAMPLES, '--debug', '--auto-approve'], env: withPassword, ok: true },
  { name: 'apply --format json', args: () => ['apply', EXAMPLES, '--debug', '--auto-approve', '--format', 'json'], env: withPassword, ok: true },
  // after the applies, so the account holds objects of every kind
  { name: 'export', args: () => ['export', '--debug', '--out', join(tmp, 'export')], env: withPassword, ok: true },
  { name: 'plan with a refused token only', args: () => ['plan', EXAMPLES, '--debug'], env: () => ({ QUALYS_GATEWAY_URL: sim.url, QUALYS_TOKEN: FAKE_TOKEN }), ok: false },
  { name: 'plan with a refused password', args: () => ['plan', EXAMPLES, '--debug'], env: () => ({ ...withPassword('nobody') }), ok: false },
  { name: 'plan with a 403 on one kind', args: () => ['plan', EXAMPLES, '--debug'], env: () => withPassword('rel-no-exceptions'), ok: false },
  { name: 'apply with a 403 on one kind', args: () => ['apply', EXAMPLES, '--debug', '--auto-approve'], env: () => withPassword('rel-no-exceptions'), ok: false },
  { name: 'export with a 403 on one kind', args: () => ['export', '--debug', '--out', join(tmp, 'export-403')], env: () => withPassword('rel-no-exceptions'), ok: false },
  { name: 'plan against a closed port', args: () => ['plan', EXAMPLES, '--debug', '--retries', '2'], env: () => ({ ...withPassword(), QUALYS_GATEWAY_URL: 'http://127.0.0.1:9' }), ok: false },
  { name: 'plan with credentials in the gateway URL', args: () => ['plan', EXAMPLES, '--debug'], env: () => ({ ...withPassword(), QUALYS_GATEWAY_URL: `http://${USER}:${PASSWORD}@127.0.0.1:9` }), ok: false },
  { name: 'plan with plain http to a remote host', args: () => ['plan', EXAMPLES, '--debug', '--password', PASSWORD], env: () => ({ ...withPassword(), QUALYS_GATEWAY_URL: 'http://gateway.example.com' }), ok: false },
  { name: 'apply --plan of a missing file', args: () => ['apply', '--plan', join(tmp, 'nope.json'), '--auto-approve', '--debug'], env: withPassword, ok: false },
];

describe('secrets never leave the process', () => {
  test.each(CASES)('$name', { timeout: 60_000 }, async (c) => {
    const r = await run(c.args(), c.env(), { timeoutMs: 50_000 });
    if (c.ok) expect(r.code, r.stderr).toBe(0);
    else {
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(/Error|problem/);
    }
    expectNoSecretIn(r, c.name);
    // --debug really logged calls (so the check above looked at something)
    if (c.args().includes('--debug') && c.ok) expect(r.stderr).toMatch(/(GET|POST) \/(csapi|auth)\S* -> \d{3}/);
  });

  test('plan files and exported declarations hold no secret', () => {
    const plan = readFileSync(join(tmp, 'plan-text.json'), 'utf8');
    expect(plan).toContain('"changes"');
    expectNoSecret('plan file', plan);
    const files = filesUnder(join(tmp, 'export'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) expectNoSecret(f, readFileSync(f, 'utf8'));
    // the refused export wrote nothing
    expect(() => readdirSync(join(tmp, 'export-403'))).toThrow();
  });

  test('the simulator never recorded a password (its request log keeps form fields without it)', () => {
    expectNoSecret('simulator requests', JSON.stringify(sim.requests()));
  });
});

describe('the GitHub Action', () => {
  let gh: FakeGitHub;
  const GITHUB_TOKEN = 'ghs_RELIABILITYTESTGITHUBTOKEN0123456789';
  beforeAll(async () => {
    await ensureBuilt();
    gh = await startFakeGitHub({ token: GITHUB_TOKEN, repository: 'acme/policies' });
  });
  afterAll(async () => {
    await gh?.close();
    await cleanupRuns();
  });

  test('a pull-request plan (comment, summary, outputs, plan file) holds no secret, on success and on failure', { timeout: 90_000 }, async () => {
    const inputs = (over: Record<string, string>) => ({
      command: 'plan', path: 'examples/policies', 'gateway-url': sim.url, platform: '', username: USER, password: PASSWORD, token: FAKE_TOKEN,
      prune: 'false', 'max-deletes': '10', parallelism: '4', comment: 'true', 'github-token': GITHUB_TOKEN, 'detailed-exitcode': 'false', ...over,
    });
    const event = { action: 'synchronize', number: 5, pull_request: { number: 5, head: { sha: 'f'.repeat(40), ref: 'x' }, base: { ref: 'main' } }, repository: { full_name: 'acme/policies', default_branch: 'main' } };
    sim.reset();
    const ok = await runAction({ event: 'pull_request', payload: event, repository: 'acme/policies', githubApiUrl: gh.url, inputs: inputs({}) });
    expect(ok.code, ok.stderr).toBe(0);
    const failed = await runAction({ event: 'pull_request', payload: event, repository: 'acme/policies', githubApiUrl: gh.url, inputs: inputs({ username: 'nobody' }) });
    expect(failed.code).not.toBe(0);
    expect(gh.comments.length).toBeGreaterThan(0);
    for (const r of [ok, failed]) {
      for (const [what, text] of Object.entries({ stdout: r.stdout, stderr: r.stderr, summary: r.summary, outputs: r.outputFile, plan: r.planFile ?? '' })) {
        expectNoSecret(`action ${what}`, text.replace(/::add-mask::.*\n/g, '')); // the runner's mask commands carry them by design
      }
    }
    expectNoSecret('GitHub comments', JSON.stringify(gh.comments));
    expectNoSecret('GitHub calls', JSON.stringify(gh.calls));
  });
});
