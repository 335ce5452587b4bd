// Summaries first, details on demand: a plan reads an object's details only when its list item lacks a field
// its declaration manages; undeclared objects are never read in detail; an update is built on the whole object.
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply.js';
import { readAll, readForPlan } from '../../src/engine/fetch.js';
import { makePlan } from '../../src/engine/plan.js';
import { decl, fakeKind, FakeStore, noApi, type FakeObj } from './fake-kind.js';

/** A kind whose list answers summaries without `tags` (as centralized policies' lists lack their rules). */
function summaryKind(store: FakeStore) {
  const base = fakeKind(store);
  return {
    ...base,
    detailFields: ['tags'],
    async list() {
      store.calls.push('list Exception');
      return [...store.objs.values()].map(({ tags: _t, ...o }) => ({ ...o, color: o.color ?? null }) as FakeObj);
    },
  };
}

describe('summaries first, details on demand', () => {
  it('a plan reads details only for declared objects whose summary lacks a managed field', async () => {
    const store = new FakeStore();
    const kind = summaryKind(store);
    for (let i = 0; i < 20; i++) store.add({ name: `o${i}`, color: 'red', tags: ['a'] });
    store.calls = [];
    // o0 declares tags (missing from the summary): one detail read. o1 declares only color: none.
    const decls = [decl('Exception', 'o0', { color: 'red', tags: ['b'] }), decl('Exception', 'o1', { color: 'blue' })];
    const { plan } = await makePlan(noApi, [kind], decls, { prune: true, allowMassDelete: true });
    expect(store.calls).toEqual(['list Exception', 'get Exception id-1']);
    expect(plan.changes.map((c) => `${c.action} ${c.name}`).sort()).toContain('update o0');
    expect(plan.changes.filter((c) => c.action === 'delete')).toHaveLength(18);
  });

  it('a list that carries every field costs no detail call', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    for (let i = 0; i < 5; i++) store.add({ name: `o${i}`, color: 'red', tags: ['a'] });
    store.calls = [];
    await readForPlan(noApi, kind, [decl('Exception', 'o0', { color: 'red', tags: ['b'] })]);
    expect(store.calls).toEqual(['list Exception']);
  });

  it('an update built on a summary re-reads the whole object first, so it carries every undeclared field', async () => {
    const store = new FakeStore();
    const kind = summaryKind(store);
    const o = store.add({ name: 'o', color: 'red', tags: ['keep'] });
    const { plan, live } = await makePlan(noApi, [kind], [decl('Exception', 'o', { color: 'blue' })]);
    store.calls = [];
    const r = await applyPlan(noApi, [kind], plan, { live, sleep: async () => {} });
    expect(r.verified).toBe(true);
    expect(store.calls).toContain('get Exception id-1');
    expect(store.objs.get(o.id)).toMatchObject({ color: 'blue', tags: ['keep'] });
  });

  it('a field absent from an item that is not a detail field is unset: no detail read, for a plan or an update', async () => {
    const store = new FakeStore();
    // The API leaves unset fields out, of lists and details alike: no color at all; tags carried.
    const raw = (x: FakeObj) => ({ ...x }) as FakeObj;
    const k = {
      ...fakeKind(store),
      detailFields: ['tags'],
      list: async () => (store.calls.push('list Exception'), [...store.objs.values()].map(raw)),
      get: async (_api: unknown, id: string) => (store.calls.push(`get Exception ${id}`), store.objs.has(id) ? raw(store.objs.get(id)!) : undefined),
    };
    const o = store.add({ name: 'o', tags: ['a'] });
    store.calls = [];
    const { plan, live } = await makePlan(noApi, [k], [decl('Exception', 'o', { color: 'blue' })]);
    expect(store.calls).toEqual(['list Exception']); // the plan reads no details
    store.calls = [];
    await applyPlan(noApi, [k], plan, { live, sleep: async () => {} });
    expect(store.calls.filter((c) => c.startsWith('get'))).toEqual(['get Exception id-1']); // the verification only
    expect(store.objs.get(o.id)).toMatchObject({ color: 'blue', tags: ['a'] });
  });

  it('export reads every object whole', async () => {
    const store = new FakeStore();
    const kind = summaryKind(store);
    for (let i = 0; i < 3; i++) store.add({ name: `o${i}`, tags: ['t'] });
    const all = await readAll(noApi, kind);
    expect(all.map((x) => (x as FakeObj).tags)).toEqual([['t'], ['t'], ['t']]);
  });
});
