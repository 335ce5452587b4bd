// The pure parts of reviewed-plan apply and GitHub's rate limits: the hidden digest, its parsing, the choice of
// the merged pull request, and which GitHub answers are rate limits.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rateLimitWaitMs } from '../../src/action/comment.js';
import { digestComment, findReviewed, parseDigestComment } from '../../src/action/review.js';
import { planComment } from '../../src/action/report.js';
import { planDigests } from '../../src/engine/digest.js';
import type { Plan, PlannedChange } from '../../src/engine/model.js';
import { QcsError } from '../../src/errors.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const change = (name: string, color: string): PlannedChange => ({ kind: 'Exception', name, action: 'create', patch: [{ op: 'add', path: '/color', value: color }], after: { color } });
const plan = (changes: PlannedChange[]): Plan => ({ formatVersion: 1, changes, summary: { create: changes.length, update: 0, delete: 0, unchanged: 0, unmanaged: 0 }, notes: [] });

describe('the hidden digest', () => {
  it('round-trips, and nothing in an object name can end the HTML comment', () => {
    const p = plan([change('evil --> <script>&', 'red'), change('b', 'blue')]);
    const d = planDigests(p);
    const c = digestComment(d, 'abc123');
    expect(c.startsWith('<!-- qcs-gitops-digest: {')).toBe(true);
    expect(c.indexOf('-->')).toBe(c.length - 3);
    expect(c.slice(4, -3)).not.toMatch(/[<>&]/);
    const back = parseDigestComment(`${planComment(p, { paths: ['p'], sha: 'abc123' })}`)!;
    expect(back.digest).toBe(d.digest);
    expect(back.sha).toBe('abc123');
    expect(Object.keys(back.objects!).sort()).toEqual(['Exception/b', 'Exception/evil --> <script>&']);
    for (const [k, v] of Object.entries(back.objects!)) expect(d.objects[k]!.startsWith(v)).toBe(true);
  });

  it('keeps the plan digest but drops per-object digests when they would not fit a comment', () => {
    const many = plan(Array.from({ length: 3000 }, (_, i) => change(`exception-with-a-long-name-${i}`, 'x')));
    const c = digestComment(planDigests(many));
    expect(c.length).toBeLessThan(200);
    expect(parseDigestComment(c)).toEqual({ digest: planDigests(many).digest });
    expect(planComment(many, { paths: ['p'] }).length).toBeLessThanOrEqual(65_536);
  });

  it('reads nothing from a body without a well-formed digest', () => {
    expect(parseDigestComment('<!-- qcs-gitops:plan -->\nno digest')).toBeUndefined();
    expect(parseDigestComment('<!-- qcs-gitops-digest: {"digest":"abc"} -->')).toBeUndefined();
    expect(parseDigestComment('<!-- qcs-gitops-digest: {not json} -->')).toBeUndefined();
  });
});

describe('rateLimitWaitMs', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('is a rate limit only for 403/429 with retry-after or x-ratelimit-remaining: 0 (and any 429)', () => {
    const now = 1_800_000_000_000;
    expect(rateLimitWaitMs(403, h({ 'retry-after': '7' }), now)).toBe(7000);
    expect(rateLimitWaitMs(429, h({ 'retry-after': new Date(now + 5000).toUTCString() }), now)).toBe(5000);
    expect(rateLimitWaitMs(403, h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }), now)).toBe(31_000);
    expect(rateLimitWaitMs(429, h({}), now)).toBe(60_000);
    expect(rateLimitWaitMs(403, h({}), now)).toBeUndefined(); // a plain 403: a permission (a fork's token)
    expect(rateLimitWaitMs(403, h({ 'x-ratelimit-remaining': '12' }), now)).toBeUndefined();
    expect(rateLimitWaitMs(500, h({ 'retry-after': '1' }), now)).toBeUndefined();
  });
});

describe('findReviewed', () => {
  const token = 'ghs_units';
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token, repository: 'o/r' });
  });
  afterAll(() => gh.close());
  beforeEach(() => {
    gh.pulls.clear();
    gh.comments.length = 0;
  });
  const t = () => ({ apiUrl: gh.url, token, repository: 'o/r' });
  const sha = 'abcdef0123456789abcdef0123456789abcdef01';

  it('takes the pull request merged into the default branch as that commit, and its sticky comment', async () => {
    const d = planDigests(plan([change('a', 'red')]));
    gh.pulls.set(sha, [
      { number: 1, merged_at: null, base: { ref: 'main' } },
      { number: 2, merged_at: '2026-11-30T00:00:00Z', base: { ref: 'release' } },
      { number: 3, merged_at: '2026-11-29T00:00:00Z', merge_commit_sha: 'other', base: { ref: 'main' } },
      { number: 4, merged_at: '2026-11-28T00:00:00Z', merge_commit_sha: sha, base: { ref: 'main' } },
    ]);
    gh.comments.push({ id: 10, issue: 4, body: `<!-- qcs-gitops:plan -->\n${digestComment(d)}\nplan`, user: 'github-actions[bot]' });
    const r = await findReviewed(t(), sha, 'main');
    expect(r.pullRequest).toBe(4);
    expect(r.expected.digest).toBe(d.digest);
  });

  it('refuses with E_NO_REVIEWED_PLAN when there is no such pull request or comment', async () => {
    const err = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
    const e1 = await err(findReviewed(t(), sha, 'main'));
    expect(e1).toBeInstanceOf(QcsError);
    expect((e1 as QcsError).code).toBe('E_NO_REVIEWED_PLAN');
    gh.pulls.set(sha, [{ number: 9, merged_at: '2026-11-28T00:00:00Z', base: { ref: 'main' } }]);
    gh.comments.push({ id: 11, issue: 9, body: '<!-- qcs-gitops:plan -->\n### qcs-gitops plan for `p` failed', user: 'github-actions[bot]' });
    await expect(findReviewed(t(), sha, 'main')).rejects.toThrow(/holds no plan digest/);
    await expect(findReviewed({ ...t(), token: 'wrong' }, sha, 'main')).rejects.toThrow(/401/);
  });
});
