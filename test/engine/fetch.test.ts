// Summaries first, details on demand: a plan reads an object's details only when its list item lacks a field
// its declaration manages; undeclared objects are never read in detail; an update is built on the whole object.
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply.js';
import { readAll, readForPlan } from '../../src/engine/fetch.js';
import { buildPlan, makePlan } from '../../src/engine/plan.js';
import type { ApiClient, ListOptions } from '../../src/api/types.js';
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

  it('a field absent from an item is unknown, whatever the kind: the plan reads the details, and the update is built on them (no second read)', async () => {
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
    expect(store.calls).toEqual(['list Exception', 'get Exception id-1']); // color is unknown from the item
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

describe('a plan starts its work as the list pages arrive', () => {
  /** A kind whose list is two pages told through the api's onPage, the second only once `release` is called. */
  function pagedKind(store: FakeStore, summaries: boolean) {
    const base = fakeKind(store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const kind = {
      ...base,
      ...(summaries ? { detailFields: ['tags'] } : {}),
      async list(api: ApiClient) {
        store.calls.push('list Exception');
        return api.list<FakeObj>('/x');
      },
    };
    const items = () => [...store.objs.values()].map((o) => (summaries ? (({ tags: _t, ...rest }) => rest)(o) : { ...o }) as FakeObj);
    const api = {
      ...noApi,
      list: async (_path: string, options: ListOptions = {}) => {
        const all = items();
        const pages = [all.slice(0, 2), all.slice(2)];
        options.onPage?.(pages[0]!);
        await gate;
        options.onPage?.(pages[1]!);
        return all;
      },
      get stats() {
        return { calls: 0, retries: 0 };
      },
    } as unknown as ApiClient;
    return { kind, api, release };
  }

  it('diffs each declared object of a page before the last page has arrived, and plans as buildPlan does', async () => {
    const store = new FakeStore();
    for (let i = 0; i < 4; i++) store.add({ name: `o${i}`, color: 'red', tags: ['a'] });
    const { kind, api, release } = pagedKind(store, false);
    const viewed: string[] = [];
    const spy = { ...kind, canonicalLive: (o: FakeObj) => (viewed.push(o.name), kind.canonicalLive(o)) };
    const decls = [decl('Exception', 'o0', { color: 'blue' }), decl('Exception', 'o1', { color: 'red' }), decl('Exception', 'o3', { color: 'green' })];
    const planned = makePlan(api, [spy], decls);
    await new Promise((r) => setImmediate(r));
    expect(viewed.sort()).toEqual(['o0', 'o1']); // the first page's declared objects, while the second is awaited
    release();
    const { plan, live } = await planned;
    expect(viewed.filter((n) => n === 'o1')).toHaveLength(1); // unchanged: viewed once, not again after the read
    expect(plan).toEqual(buildPlan([kind], decls, live));
    expect(plan.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['update o0', 'update o3']);
  });

  it('an item read in detail afterwards is diffed on its details, not on the early summary', async () => {
    const store = new FakeStore();
    for (let i = 0; i < 4; i++) store.add({ name: `o${i}`, color: 'red', tags: ['a'] });
    const { kind, api, release } = pagedKind(store, true);
    release();
    // o0 manages tags, which the summary lacks: no early view; its details show tags [a] → [b]
    const { plan } = await makePlan(api, [kind], [decl('Exception', 'o0', { tags: ['b'] }), decl('Exception', 'o1', { tags: ['a'] })]);
    expect(store.calls).toEqual(['list Exception', 'get Exception id-1', 'get Exception id-2']);
    expect(plan.changes.map((c) => `${c.action} ${c.name} ${JSON.stringify(c.patch)}`)).toEqual([`update o0 ${JSON.stringify([{ op: 'replace', path: '/tags/0', value: 'b' }])}`]);
  });
});
