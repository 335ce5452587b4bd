// The output seam: the plan → save → apply workflow reports events and returns data; the reporters turn the
// events into each format (text, json, markdown), and nothing else writes.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/api/types.js';
import { applyWorkflow, planWorkflow } from '../../src/engine/workflow.js';
import { memorySink, type Reporter, type RunEvent } from '../../src/output/events.js';
import { reporterFor } from '../../src/output/reporters.js';
import { renderApplyJson, renderPlanJson } from '../../src/render/json.js';
import { renderPlanMarkdown } from '../../src/render/markdown.js';
import { renderApplyText, renderPlanText, renderResultLine } from '../../src/render/text.js';
import { decl, fakeKind, FakeStore, unavailable } from '../engine/fake-kind.js';

const api = { stats: { calls: 3, retries: 0, byEndpoint: { 'GET /x': 2 }, byKind: { Exception: 2 } } } as unknown as ApiClient;

function recorder(): Reporter & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { events, emit: (e) => void events.push(e), close() {} };
}

function setUp() {
  const store = new FakeStore();
  store.add({ name: 'a', color: 'red' });
  store.add({ name: 'b', color: 'red' });
  const kind = fakeKind(store);
  const declarations = [decl('Exception', 'a', { color: 'blue' }), decl('Exception', 'b', { color: 'red' }), decl('Exception', 'c', { color: 'green' })];
  return { store, kind, declarations };
}

describe('the workflow reports events and returns data', () => {
  it('plan: reading, each kind read, the plan, the findings, the saved file, in that order; the file has no run figures', async () => {
    const { kind, declarations } = setUp();
    const r = recorder();
    const file = join(mkdtempSync(join(tmpdir(), 'qcs-wf-')), 'plan.json');
    const { plan } = await planWorkflow(
      {
        api,
        kinds: [kind],
        declarations,
        options: {},
        phase: 'plan: reading',
        environment: 'prod',
        findings: [{ code: 'W_X', severity: 'warning', message: 'm', kind: 'Exception', name: 'a', file: 'f', line: 1, column: 1, path: 'spec' } as never],
        save: { file, gateway: 'http://127.0.0.1:1', paths: ['p'], prune: false },
      },
      r,
    );
    expect(r.events.map((e) => e.type)).toEqual(['reading', 'read', 'read-done', 'plan', 'findings', 'saved']);
    expect(plan.environment).toBe('prod');
    expect(plan.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['update a', 'create c']);
    expect(plan.stats?.apiCalls.total).toBe(3);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.stats).toBeUndefined();
    expect(saved.environment).toBe('prod');
  });

  it('a check that throws reports no plan and saves nothing', async () => {
    const { kind, declarations } = setUp();
    const r = recorder();
    const check = () => {
      throw new Error('not the reviewed plan');
    };
    await expect(planWorkflow({ api, kinds: [kind], declarations, options: {}, phase: 'x', check }, r)).rejects.toThrow('not the reviewed plan');
    expect(r.events.map((e) => e.type)).toEqual(['reading', 'read', 'read-done']);
  });

  it('apply: each change as it finishes with the count so far, then the verified result; ok by the one rule', async () => {
    const { store, kind, declarations } = setUp();
    const made = await planWorkflow({ api, kinds: [kind], declarations, options: {}, phase: 'x', report: false }, recorder());
    const r = recorder();
    const outcome = await applyWorkflow({ api, kinds: [kind], plan: made.plan, live: made.live, parallelism: 2 }, r);
    expect(outcome.status).toBe('applied');
    expect(outcome.ok).toBe(true);
    const types = r.events.map((e) => e.type);
    expect([types[0], types.at(-1)]).toEqual(['applying', 'applied']);
    expect(types.slice(1, -1).sort()).toEqual(['change', 'change', 'change-started', 'change-started']);
    expect(types.indexOf('change-started')).toBeLessThan(types.indexOf('change'));
    expect(r.events.filter((e) => e.type === 'change').map((e) => (e as { done: number }).done)).toEqual([1, 2]);
    expect([...store.objs.values()].map((o) => `${o.name}:${o.color}`).sort()).toEqual(['a:blue', 'b:red', 'c:green']);
  });

  it('a failed change makes the outcome not ok; a declined confirmation changes nothing', async () => {
    const { store, kind, declarations } = setUp();
    const made = await planWorkflow({ api, kinds: [kind], declarations, options: {}, phase: 'x', report: false }, recorder());
    const r = recorder();
    const cancelled = await applyWorkflow({ api, kinds: [kind], plan: made.plan, live: made.live, parallelism: 1, confirm: async () => false }, r);
    expect(cancelled).toEqual({ status: 'cancelled', ok: false });
    expect(r.events.map((e) => e.type)).toEqual(['cancelled']);
    expect(store.calls.filter((c) => !c.startsWith('list'))).toEqual([]);
    store.failures.set('create:c', { times: 99, error: () => new Error('refused') });
    const failed = await applyWorkflow({ api, kinds: [kind], plan: made.plan, live: made.live, parallelism: 1 }, recorder());
    expect(failed.ok).toBe(false);
  });
});

it('a passing failure is reported as a retry (change started, retry, change) and shown on stderr', async () => {
  const { store, kind, declarations } = setUp();
  const made = await planWorkflow({ api, kinds: [kind], declarations, options: {}, phase: 'x', report: false }, recorder());
  store.failures.set('create:c', { times: 1, error: unavailable });
  const r = recorder();
  const sink = memorySink();
  const text = reporterFor('text', { sink, command: 'apply', progress: false });
  const both: Reporter = { emit: (e) => (r.emit(e), text.emit(e)), close() {} };
  const outcome = await applyWorkflow({ api, kinds: [kind], plan: made.plan, live: made.live, parallelism: 1, sleep: async () => {} }, both);
  expect(outcome.ok).toBe(true);
  const c = r.events.filter((e) => ['change-started', 'retry', 'change'].includes(e.type) && JSON.stringify(e).includes('"c"')).map((e) => e.type);
  expect(c).toEqual(['change-started', 'retry', 'change']);
  expect(sink.stderr).toMatch(/^Exception\/c: .*503.*; trying again in 0\.5 s \(try 2 of 5\)\n$/);
});

it('attempts bounds the tries of a change (the CLI passes --retries)', async () => {
  const { store, kind, declarations } = setUp();
  const made = await planWorkflow({ api, kinds: [kind], declarations, options: {}, phase: 'x', report: false }, recorder());
  store.failures.set('create:c', { times: 2, error: unavailable });
  const two = await applyWorkflow({ api, kinds: [kind], plan: made.plan, live: made.live, parallelism: 1, attempts: 2, sleep: async () => {} }, recorder());
  expect(two.ok).toBe(false);
  store.failures.set('create:c', { times: 2, error: unavailable });
  const three = await applyWorkflow({ api, kinds: [kind], plan: made.plan, live: made.live, parallelism: 1, attempts: 3, sleep: async () => {} }, recorder());
  expect(three.ok).toBe(true);
});

describe('the reporters', () => {
  async function run(format: string, command: 'plan' | 'apply') {
    const { kind, declarations } = setUp();
    const sink = memorySink();
    const reporter = reporterFor(format, { sink, command, progress: false });
    const made = await planWorkflow({ api, kinds: [kind], declarations, options: {}, phase: 'x' }, reporter);
    let result;
    if (command === 'apply') {
      const o = await applyWorkflow({ api, kinds: [kind], plan: made.plan, live: made.live, parallelism: 1 }, reporter);
      result = o.status === 'applied' ? o.result : undefined;
    }
    reporter.close();
    return { sink, plan: made.plan, result };
  }

  it('text: the plan, a blank line, each result line, the result', async () => {
    const { sink, plan, result } = await run('text', 'apply');
    expect(sink.stdout).toBe(renderPlanText(plan) + '\n' + result!.results.map((r) => renderResultLine(r) + '\n').join('') + renderApplyText(result!));
    expect(sink.stderr).toBe('');
  });

  it('json: a plan command prints the plan document alone; an apply prints its result document alone', async () => {
    const p = await run('json', 'plan');
    expect(p.sink.stdout).toBe(renderPlanJson(p.plan));
    const a = await run('json', 'apply');
    expect(a.sink.stdout).toBe(renderApplyJson(a.result!));
    expect(JSON.parse(a.sink.stdout).summary.created).toBe(1);
  });

  it('markdown: the plan document; nothing to apply in json is an empty result', async () => {
    const m = await run('markdown', 'plan');
    expect(m.sink.stdout).toBe(renderPlanMarkdown(m.plan));
    const sink = memorySink();
    const reporter = reporterFor('json', { sink, command: 'apply', progress: false });
    reporter.emit({ type: 'nothing-to-apply' });
    expect(JSON.parse(sink.stdout)).toMatchObject({ results: [], verified: true });
  });
});
