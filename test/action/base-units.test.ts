// Which base the Action passes, per event; and the example workflows check out the history the base needs.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { baseOf, type EventContext } from '../../src/action/event.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ev = (o: Partial<EventContext>): EventContext => ({ name: 'push', defaultBranch: 'main', ref: 'refs/heads/main', ...o });

describe('baseOf', () => {
  it('pull request → its base commit; push to the default branch → before; schedule, dispatch, other branches, new branches → none', () => {
    expect(baseOf(ev({ name: 'pull_request', pullRequest: { number: 1, baseSha: A } }))).toBe(A);
    expect(baseOf(ev({ name: 'pull_request_target', pullRequest: { number: 1, baseSha: A } }))).toBe(A);
    expect(baseOf(ev({ before: B }))).toBe(B);
    expect(baseOf(ev({ before: B, ref: 'refs/heads/feature' }))).toBeUndefined();
    expect(baseOf(ev({ name: 'schedule', before: B }))).toBeUndefined();
    expect(baseOf(ev({ name: 'workflow_dispatch', before: B }))).toBeUndefined();
    expect(baseOf(ev({}))).toBeUndefined(); // a push without before (a new branch: all zeros, dropped when read)
  });
});

describe('example workflows', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  type Job = { if?: string; steps: Array<{ uses?: string; with?: Record<string, unknown> }> };
  for (const file of ['qcs-gitops.yml', 'qcs-gitops-environments.yml']) {
    it(`${file}: the plan and apply jobs check out the history the base needs (fetch-depth: 0)`, () => {
      const wf = parse(readFileSync(join(root, 'examples/workflows', file), 'utf8')) as { jobs: Record<string, Job> };
      const jobs = Object.entries(wf.jobs).filter(([, j]) => j.steps.some((s) => s.uses?.includes('/qcs-gitops@') && ['plan', 'apply'].includes(String(s.with?.command))) && !String(j.if ?? '').includes('schedule'));
      expect(jobs.length).toBeGreaterThanOrEqual(2);
      for (const [, job] of jobs) expect(job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!.with?.['fetch-depth']).toBe(0);
    });
  }
});
