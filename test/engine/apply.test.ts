import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply.js';
import { buildPlan } from '../../src/engine/plan.js';
import { AuthError } from '../../src/errors.js';
import { conflict, decl, fakeKind, FakeStore, lostAnswer, noApi, unavailable } from './fake-kind.js';

const fast = { sleep: async () => {} };

function names(store: FakeStore): string[] {
  return [...store.objs.values()].map((o) => o.name).sort();
}

describe('applyPlan', () => {
  it('applies creates, updates and deletes, reports each, and verifies convergence', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    store.add({ name: 'upd', color: 'red' });
    store.add({ name: 'gone' });
    const decls = [decl('Exception', 'upd', { color: 'blue' }), decl('Exception', 'new', { color: 'x', tags: ['b', 'a'] })];
    const plan = buildPlan([kind], decls, new Map([['Exception', await kind.list(noApi)]]), { prune: true });
    const seen: string[] = [];
    const r = await applyPlan(noApi, [kind], plan, { ...fast, onResult: (x) => seen.push(`${x.status} ${x.name}`) });
    expect(r.summary).toEqual({ created: 1, updated: 1, deleted: 1, failed: 0, skipped: 0 });
    expect(r.verified).toBe(true);
    expect(seen.sort()).toEqual(['created new', 'deleted gone', 'updated upd']);
    expect(names(store)).toEqual(['new', 'upd']);
    // a second plan is empty
    expect(buildPlan([kind], decls, new Map([['Exception', await kind.list(noApi)]]), { prune: true }).changes).toEqual([]);
  });

  it('adopts an object whose create answer was lost instead of creating it twice', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    store.failures.set('create:lost', { times: 1, error: lostAnswer, afterEffect: true });
    const plan = buildPlan([kind], [decl('Exception', 'lost', { color: 'c' })], new Map([['Exception', []]]));
    const r = await applyPlan(noApi, [kind], plan, fast);
    expect(r.results[0]!.status).toBe('adopted');
    expect(names(store)).toEqual(['lost']);
    expect(store.calls.filter((c) => c.startsWith('create'))).toHaveLength(1);
    expect(r.verified).toBe(true);
  });

  it('a burst of lost create answers is looked up with one listing, not one per create', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const names = ['l0', 'l1', 'l2', 'l3', 'l4', 'l5'];
    for (const n of names) store.failures.set(`create:${n}`, { times: 1, error: lostAnswer, afterEffect: true });
    const plan = buildPlan([kind], names.map((n) => decl('Exception', n, {})), new Map([['Exception', []]]));
    const r = await applyPlan(noApi, [kind], plan, { ...fast, parallelism: 6, skipVerify: true });
    expect(r.results.map((x) => x.status)).toEqual(names.map(() => 'adopted'));
    expect(store.calls.filter((c) => c.startsWith('list'))).toEqual(['list Exception']);
    expect(store.calls.filter((c) => c.startsWith('create'))).toHaveLength(6);
  });

  it('a lookup never reuses a listing begun before its own failure', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    // 'early' fails, is looked up (listing 1) and retried; 'late' fails only after that listing began
    store.failures.set('create:early', { times: 1, error: unavailable });
    let lateCalls = 0;
    const slowKind = {
      ...kind,
      async create(api: any, name: string, spec: any) {
        if (name === 'late' && lateCalls++ === 0) {
          await new Promise((res) => setTimeout(res, 20)); // fails after 'early' has listed
          store.add({ name: 'late' });
          throw lostAnswer();
        }
        return kind.create(api, name, spec);
      },
    };
    const plan = buildPlan([slowKind], [decl('Exception', 'early', {}), decl('Exception', 'late', {})], new Map([['Exception', []]]));
    const r = await applyPlan(noApi, [slowKind], plan, { ...fast, parallelism: 2, skipVerify: true });
    expect(Object.fromEntries(r.results.map((x) => [x.name, x.status]))).toEqual({ early: 'created', late: 'adopted' });
    expect(store.calls.filter((c) => c.startsWith('list'))).toHaveLength(2);
    expect([...store.objs.values()].filter((o) => o.name === 'late')).toHaveLength(1);
  });

  it('retries a create that failed before anything was done', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    store.failures.set('create:flaky', { times: 2, error: unavailable });
    const plan = buildPlan([kind], [decl('Exception', 'flaky', {})], new Map([['Exception', []]]));
    const r = await applyPlan(noApi, [kind], plan, fast);
    expect(r.results[0]!.status).toBe('created');
    expect(store.calls.filter((c) => c.startsWith('create'))).toHaveLength(3);
    expect(names(store)).toEqual(['flaky']);
  });

  it('reports a failed change, carries on with independent work, and skips dependent kinds', async () => {
    const parentStore = new FakeStore();
    const childStore = new FakeStore();
    const otherStore = new FakeStore();
    const parent = fakeKind(parentStore, 'SensorProfile');
    const child = fakeKind(childStore, 'Exception', { dependsOn: ['SensorProfile'] });
    const other = fakeKind(otherStore, 'RuntimePolicy');
    parentStore.failures.set('create:p1', { times: 5, error: conflict });
    const decls = [decl('SensorProfile', 'p1', {}), decl('SensorProfile', 'p2', {}), decl('Exception', 'c', {}), decl('RuntimePolicy', 'r', {})];
    const kinds = [parent, child, other];
    const plan = buildPlan(kinds, decls, new Map());
    const r = await applyPlan(noApi, kinds, plan, fast);
    const byName = Object.fromEntries(r.results.map((x) => [x.name, x.status]));
    expect(byName).toEqual({ p1: 'failed', p2: 'created', c: 'skipped', r: 'created' });
    expect(r.results.find((x) => x.name === 'p1')!.error!.message).toMatch(/409.*policy in use/);
    expect(r.results.find((x) => x.name === 'c')!.reason).toMatch(/SensorProfile.*failed/);
    expect(r.summary).toMatchObject({ failed: 1, skipped: 1, created: 2 });
    // a plain 409 is a real conflict: tried once
    expect(parentStore.calls.filter((c) => c === 'create SensorProfile p1')).toHaveLength(1);
  });

  it('stops starting new work after an authentication failure and reports the rest as skipped', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    for (const n of ['a', 'b', 'c', 'd']) store.failures.set(`create:${n}`, { times: 1, error: () => new AuthError('token refused') });
    const plan = buildPlan([kind], ['a', 'b', 'c', 'd'].map((n) => decl('Exception', n, {})), new Map([['Exception', []]]));
    const r = await applyPlan(noApi, [kind], plan, { ...fast, parallelism: 1 });
    expect(r.results.map((x) => x.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped']);
  });

  it('bounds the calls in flight within a kind', async () => {
    const store = new FakeStore();
    let inFlight = 0;
    let peak = 0;
    const base = fakeKind(store);
    const kind = {
      ...base,
      async create(api: any, name: string, spec: any) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return base.create(api, name, spec);
      },
    };
    const plan = buildPlan([kind], Array.from({ length: 12 }, (_, i) => decl('Exception', `o${i}`, {})), new Map([['Exception', []]]));
    const r = await applyPlan(noApi, [kind], plan, { ...fast, parallelism: 3 });
    expect(r.summary.created).toBe(12);
    expect(peak).toBe(3);
  });

  it('uses a kind bulk update when it has one', async () => {
    const store = new FakeStore();
    const base = fakeKind(store, 'SecretRule');
    const batches: string[][] = [];
    const kind = {
      ...base,
      async updateMany(_api: any, items: Array<{ live: any; name: string; desired: any }>) {
        batches.push(items.map((i) => i.name));
        for (const i of items) store.objs.set(i.live.id, { ...i.live, color: i.desired.color });
        return items.map(() => ({ ok: true as const }));
      },
    };
    for (const n of ['r1', 'r2', 'r3']) store.add({ name: n, color: 'off' });
    const plan = buildPlan([kind], ['r1', 'r2', 'r3'].map((n) => decl('SecretRule', n, { color: 'on' })), new Map([['SecretRule', await kind.list(noApi)]]));
    const r = await applyPlan(noApi, [kind], plan, fast);
    expect(batches).toEqual([['r1', 'r2', 'r3']]);
    expect(store.calls.filter((c) => c.startsWith('update'))).toEqual([]);
    expect(r.summary.updated).toBe(3);
    expect(r.verified).toBe(true);
  });

  it('reports objects that did not converge', async () => {
    const store = new FakeStore();
    const base = fakeKind(store);
    const kind = { ...base, async update() {} }; // accepts the call but changes nothing
    const obj = store.add({ name: 'stuck', color: 'red' });
    const plan = buildPlan([kind], [decl('Exception', 'stuck', { color: 'blue' })], new Map([['Exception', [obj]]]));
    const r = await applyPlan(noApi, [kind], plan, fast);
    expect(r.summary.updated).toBe(1);
    expect(r.verified).toBe(false);
    expect(r.notConverged).toEqual([{ kind: 'Exception', name: 'stuck', patch: [{ op: 'replace', path: '/color', value: 'blue' }] }]);
  });

  it('what a declaration leaves out is neither compared nor changed: the write carries the live value', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const obj = store.add({ name: 'o', color: 'red', tags: ['b', 'a'] });
    const plan = buildPlan([kind], [decl('Exception', 'o', { color: 'blue' })], new Map([['Exception', [obj]]]));
    expect(plan.changes[0]!.patch).toEqual([{ op: 'replace', path: '/color', value: 'blue' }]);
    expect(plan.changes[0]!.before).toEqual({ color: 'red' });
    const r = await applyPlan(noApi, [kind], plan, fast);
    expect(r.verified).toBe(true);
    expect(store.objs.get(obj.id)).toMatchObject({ color: 'blue', tags: ['a', 'b'] });
    // Only a field the declaration sets is managed: a live difference elsewhere is no change.
    const again = buildPlan([kind], [decl('Exception', 'o', { color: 'blue' })], new Map([['Exception', [{ ...store.objs.get(obj.id)!, tags: ['z'] }]]]));
    expect(again.changes).toEqual([]);
  });

  it('verification checks every field a write sent, carried ones included', async () => {
    const store = new FakeStore();
    const base = fakeKind(store);
    // A kind that drops what it was asked to carry: verify must not call that converged.
    const kind = { ...base, async update(_api: any, live: any, _name: string, desired: any) { store.objs.set(live.id, { ...live, color: desired.color, tags: [] }); } };
    const obj = store.add({ name: 'lossy', color: 'red', tags: ['keep'] });
    const plan = buildPlan([kind], [decl('Exception', 'lossy', { color: 'blue' })], new Map([['Exception', [obj]]]));
    const r = await applyPlan(noApi, [kind], plan, fast);
    expect(r.verified).toBe(false);
    expect(r.notConverged).toEqual([{ kind: 'Exception', name: 'lossy', patch: [{ op: 'add', path: '/tags/0', value: 'keep' }] }]);
  });

  it('never touches a protected object even if a plan says so', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const sys = store.add({ name: 'Default', system: true });
    const r = await applyPlan(noApi, [kind], {
      formatVersion: 1,
      changes: [{ kind: 'Exception', name: 'Default', action: 'delete', id: sys.id, patch: [] }],
      summary: { create: 0, update: 0, delete: 1, unchanged: 0, unmanaged: 0 },
      notes: [],
    }, fast);
    expect(r.results[0]!.status).toBe('failed');
    expect(r.results[0]!.error!.code).toBe('E_PROTECTED');
    expect(names(store)).toEqual(['Default']);
  });
});

describe('verification', () => {
  it('lists a kind with a complete list once instead of re-reading many objects one by one', async () => {
    const store = new FakeStore();
    const kind = { ...fakeKind(store), listIsComplete: true };
    for (let i = 0; i < 5; i++) store.add({ name: `o${i}`, color: 'red' });
    const live = new Map([['Exception' as const, await kind.list(noApi)]]);
    const plan = buildPlan([kind], Array.from({ length: 5 }, (_, i) => decl('Exception', `o${i}`, { color: 'blue' })), live);
    store.calls = [];
    const r = await applyPlan(noApi, [kind], plan, { ...fast, live });
    expect(r.verified).toBe(true);
    expect(store.calls.filter((c) => c.startsWith('list'))).toEqual(['list Exception']);
    // each update is built on its object's details (one GET each: the plan read list items only); none to verify
    expect(store.calls.filter((c) => c.startsWith('get')).sort()).toEqual(['get Exception id-1', 'get Exception id-2', 'get Exception id-3', 'get Exception id-4', 'get Exception id-5']);
  });

  it('still finds a non-converged object through the listed path', async () => {
    const store = new FakeStore();
    const base = fakeKind(store);
    const kind = { ...base, listIsComplete: true, async update() {} };
    for (let i = 0; i < 3; i++) store.add({ name: `o${i}`, color: 'red' });
    const live = new Map([['Exception' as const, await kind.list(noApi)]]);
    const plan = buildPlan([kind], Array.from({ length: 3 }, (_, i) => decl('Exception', `o${i}`, { color: i === 0 ? 'red' : 'blue' })), live);
    const r = await applyPlan(noApi, [kind], plan, { ...fast, live });
    expect(r.verified).toBe(false);
    expect(r.notConverged.map((n) => n.name).sort()).toEqual(['o1', 'o2']);
  });

  it('without a complete list, re-reads each touched object by id', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    for (let i = 0; i < 3; i++) store.add({ name: `o${i}`, color: 'red' });
    const live = new Map([['Exception' as const, await kind.list(noApi)]]);
    const plan = buildPlan([kind], Array.from({ length: 3 }, (_, i) => decl('Exception', `o${i}`, { color: 'blue' })), live);
    store.calls = [];
    await applyPlan(noApi, [kind], plan, { ...fast, live });
    // 3 detail reads the updates are built on, 3 verification re-reads
    expect(store.calls.filter((c) => c.startsWith('get')).length).toBe(6);
    expect(store.calls.filter((c) => c.startsWith('list'))).toEqual([]);
  });
});
