// Issue 26: live objects named with the hostile corpus, planned by the committed bundle as the runner runs it
// (against the simulator and a fake GitHub on 127.0.0.1). The job log holds no line the runner would read as a
// workflow command but the Action's own (the same as with benign names of the same length), and the job summary
// and the PR comment render (markdown-it) to the same HTML elements as with the benign names.
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import type { Json } from '../../src/simulator/types.js';
import { CORPUS } from '../helpers/names-corpus.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { cleanupRuns, ensureBuilt, runAction, type ActionRun } from './harness.js';

const REPO = 'acme/policies';
const PASSWORD = 'pw-untrusted-names-26';
const GITHUB_TOKEN = 'ghs_untrustednames26untrustednames26';
const PR = 26;

let sim: SimulatorHandle;
let gh: FakeGitHub;

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

/** The account with one undeclared exception a name (planned as deletes with prune). */
function seedWith(names: string[]): void {
  sim.reset({ exceptions: names.map((name) => ({ name, reason: 'RISK_ACCEPTED', scope: 'IMAGE', startDate: '1', endDate: '2', qids: [5], description: name }) as Json) });
}

async function planWith(names: string[]): Promise<ActionRun & { comment: string }> {
  seedWith(names);
  gh.comments.length = 0;
  const r = await runAction({
    repository: REPO,
    githubApiUrl: gh.url,
    event: 'pull_request',
    payload: { action: 'synchronize', number: PR, pull_request: { number: PR, head: { sha: 'feedfacefeedfacefeedfacefeedfacefeedface', ref: 'x' }, base: { ref: 'main' } }, repository: { full_name: REPO, default_branch: 'main' } },
    inputs: {
      command: 'plan',
      path: 'examples/policies',
      'gateway-url': sim.url,
      platform: '',
      username: 'ci-bot',
      password: PASSWORD,
      token: '',
      prune: 'true',
      'max-deletes': '100',
      parallelism: '4',
      comment: 'true',
      'github-token': GITHUB_TOKEN,
      'detailed-exitcode': 'false',
      'auto-approve': 'false',
      'drift-issue': 'false',
      environment: '',
      config: '',
      strict: 'false',
    },
  });
  return { ...r, comment: gh.comments.find((c) => c.issue === PR)?.body ?? '' };
}

const parser = new MarkdownIt({ html: true });
const elements = (markdown: string) => [...parser.render(markdown).matchAll(/<([a-zA-Z][a-zA-Z0-9]*)\b/g)].map((m) => m[1]!.toLowerCase());
/** The lines a runner reads as workflow commands, by command name. */
const commands = (log: string) =>
  log
    .split(/\r\n|\r|\n/)
    .map((l) => l.trimStart())
    .filter((l) => l.startsWith('::') || l.startsWith('##['))
    .map((l) => /^(?:::([^\s:]+)|##\[([^\]]+)\])/.exec(l)?.slice(1).find(Boolean) ?? l)
    .sort();

describe('the Action with hostile live names (issue 26)', () => {
  it('runs no command a name holds, and its summary and comment hold no element a name made', { timeout: 120_000 }, async () => {
    const hostile = Object.values(CORPUS);
    const benign = hostile.map((n, i) => `b${i}-`.padEnd(n.length, 'n'));
    const bad = await planWith(hostile);
    const good = await planWith(benign);
    expect(good.code).toBe(0);
    expect(bad.code).toBe(0);
    expect(bad.outputs.deletes).toBe(String(hostile.length));
    // the log: the Action's own commands only (the same as with benign names)
    expect(commands(bad.stdout)).toEqual(commands(good.stdout));
    expect(bad.stdout).not.toMatch(/^\s*::(error title=pwned|add-mask::secret)/m);
    expect(bad.stdout.split('\n').length).toBe(good.stdout.split('\n').length);
    // the summary and the comment
    expect(bad.summary.length).toBeGreaterThan(0);
    expect(elements(bad.summary)).toEqual(elements(good.summary));
    expect(bad.comment).not.toBe('');
    expect(elements(bad.comment)).toEqual(elements(good.comment));
  });
});
