// The plan digest: the same changes give the same digest; any change to a field's old or new value, an action, a
// name or a kind moves it; objects outside the changes (unchanged, unmanaged, ids, fingerprints) never do.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigest, digestDifferences, expectedFromPlanDocument, planDigest, planDigests, shortDigests } from '../../src/engine/digest.js';
import { buildPlan } from '../../src/engine/plan.js';
import { PlanError } from '../../src/errors.js';
import type { Plan } from '../../src/engine/model.js';
import { decl, fakeKind, FakeStore, type FakeObj } from './fake-kind.js';

const kind = fakeKind(new FakeStore());
const other = fakeKind(new FakeStore(), 'SensorProfile');
const kinds = [kind, other];

const live = (): FakeObj[] => [
  { id: 'id-a', name: 'a', color: 'red', tags: ['x'] },
  { id: 'id-b', name: 'b', color: 'blue' },
  { id: 'id-keep', name: 'keep', color: 'green' },
  { id: 'id-loose', name: 'loose', color: 'grey' },
];
const decls = () => [
  decl('Exception', 'a', { color: 'orange', tags: ['x', 'y'] }),
  decl('Exception', 'b', { color: 'blue' }), // unchanged
  decl('Exception', 'keep', { color: 'green' }), // unchanged
  decl('Exception', 'new', { color: 'pink', tags: ['z'] }),
];
const plan = (objs = live(), ds = decls(), prune = false): Plan => buildPlan(kinds, ds, new Map([['Exception', objs]]), { prune });

describe('planDigest', () => {
  it('is a sha256 hex, the same for the same plan however often and in whatever order its changes are listed', () => {
    const p = plan();
    expect(p.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['update a', 'create new']);
    const d = planDigest(p);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(planDigest(plan())).toBe(d);
    expect(planDigest({ changes: [...p.changes].reverse() })).toBe(d);
    // the live objects arriving in another order, with their keys in another order
    const shuffled = live()
      .reverse()
      .map((o) => Object.fromEntries(Object.entries(o).reverse()) as unknown as FakeObj);
    expect(planDigest(plan(shuffled))).toBe(d);
  });

  it('ignores what is not a change: unchanged and unmanaged objects, ids, fingerprints, notes, summary, timestamps', () => {
    const d = planDigest(plan());
    const objs = live();
    objs.find((o) => o.name === 'loose')!.color = 'purple'; // an unmanaged object edited in the UI
    objs.push({ id: 'id-extra', name: 'extra', color: 'white' }); // and one added
    const p2 = plan(objs);
    expect(p2.summary.unmanaged).toBe(2);
    expect(planDigest(p2)).toBe(d);
    // the updated object re-created under another id with the same content
    const moved = live().map((o) => (o.name === 'a' ? { ...o, id: 'id-a2' } : o));
    expect(planDigest(plan(moved))).toBe(d);
    const decorated = { ...plan(), createdAt: '2030-01-01T00:00:00Z', notes: ['x'], gateway: 'https://elsewhere', summary: { create: 9, update: 9, delete: 9, unchanged: 9, unmanaged: 9 } };
    expect(planDigest(decorated)).toBe(d);
  });

  it('moves with any field value, old or new, and names the object that moved', () => {
    const base = plan();
    const d = planDigests(base);
    // the live (old) value of a changed field moved after review
    const objs = live();
    objs[0]!.color = 'yellow';
    const p2 = plan(objs);
    expect(planDigest(p2)).not.toBe(d.digest);
    expect(digestDifferences(d, p2)).toEqual(['Exception/a (update): its changes differ from the reviewed ones']);
    // a new value
    const ds = decls();
    ds[3] = decl('Exception', 'new', { color: 'pink', tags: ['z', 'w'] });
    expect(digestDifferences(shortDigests(d), plan(live(), ds))).toEqual(['Exception/new (create): its changes differ from the reviewed ones']);
    // an unchanged object now differs: a change nobody reviewed
    const objs3 = live();
    objs3[2]!.color = 'black';
    expect(digestDifferences(d, plan(objs3))).toEqual(['Exception/keep (update): not in the reviewed plan']);
    // a reviewed change that is no longer needed
    const objs4 = live();
    objs4[0] = { ...objs4[0]!, color: 'orange', tags: ['x', 'y'] };
    expect(digestDifferences(d, plan(objs4))).toEqual(['Exception/a: in the reviewed plan, but no longer a change']);
  });

  it('moves with the action, the name and the kind', () => {
    const p = plan(live(), decls(), true); // with prune: loose is deleted
    const base = planDigest(p);
    const del = p.changes.find((c) => c.action === 'delete')!;
    expect(del.name).toBe('loose');
    expect(planDigest({ changes: p.changes.map((c) => (c === del ? { ...c, action: 'update' as const } : c)) })).not.toBe(base);
    expect(planDigest({ changes: p.changes.map((c) => (c === del ? { ...c, name: 'loose2' } : c)) })).not.toBe(base);
    expect(planDigest({ changes: p.changes.map((c) => (c === del ? { ...c, kind: 'SensorProfile' as const } : c)) })).not.toBe(base);
    expect(planDigest({ changes: [] })).not.toBe(base);
  });

  it('property: any change to one field value of any change moves the digest', () => {
    const p = plan();
    const d = planDigest(p);
    fc.assert(
      fc.property(fc.nat(p.changes.length - 1), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), (i, v) => {
        const c = p.changes[i]!;
        const op = c.patch[0]!;
        if ('value' in op && JSON.stringify(op.value) === JSON.stringify(v)) return;
        const changed = { ...c, patch: [{ ...op, value: v } as typeof op, ...c.patch.slice(1)] };
        expect(planDigest({ changes: p.changes.map((x) => (x === c ? changed : x)) })).not.toBe(d);
      }),
    );
  });

  it('checkDigest passes the reviewed plan and refuses another with a typed error naming the objects', () => {
    const reviewed = planDigests(plan());
    expect(() => checkDigest(reviewed, plan())).not.toThrow();
    const objs = live();
    objs[0]!.tags = ['q'];
    const err = (() => {
      try {
        checkDigest({ digest: reviewed.digest }, plan(objs));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(PlanError);
    expect((err as PlanError).code).toBe('E_DIGEST_MISMATCH');
    expect((err as PlanError).message).toMatch(/Nothing was applied/);
    // only the plan digest was given: every object of the fresh plan is named
    expect((err as PlanError).message).toMatch(/Only the plan digest was given, so the objects that differ cannot be told apart/);
    expect((err as PlanError).details).toEqual(['Exception/a (update): in the fresh plan', 'Exception/new (create): in the fresh plan']);
    // with the reviewed plan document, the one object is named
    const doc = JSON.parse(JSON.stringify({ ...plan(), digest: reviewed.digest }));
    const expected = expectedFromPlanDocument(doc)!;
    expect(expected.objects).toEqual(reviewed.objects);
    expect(() => checkDigest(expected, plan(objs))).toThrow(/This object differs/);
    expect(digestDifferences(expected, plan(objs))).toEqual(['Exception/a (update): its changes differ from the reviewed ones']);
    // a document whose digest is not that of its changes is no reviewed plan
    expect(expectedFromPlanDocument({ ...doc, digest: '1'.repeat(64) })).toBeUndefined();
  });

  it('is pinned: sha256 of the sorted-key JSON of [{action, fields: [{n, o, p}], kind, name}] in kind, name, action order', () => {
    const p: Pick<Plan, 'changes'> = {
      changes: [
        { kind: 'SensorProfile', name: 'z', action: 'delete', patch: [{ op: 'remove', path: '/description' }], before: { description: 'old' } },
        { kind: 'Exception', name: 'a', action: 'update', patch: [{ op: 'replace', path: '/reason', value: 'FALSE_POSITIVE' }, { op: 'add', path: '/qids/1', value: 7 }], before: { reason: 'RISK_ACCEPTED', qids: [5] } },
      ],
    };
    const text = JSON.stringify([
      { action: 'update', fields: [{ n: 7, p: '/qids/1' }, { n: 'FALSE_POSITIVE', o: 'RISK_ACCEPTED', p: '/reason' }], kind: 'Exception', name: 'a' },
      { action: 'delete', fields: [{ o: 'old', p: '/description' }], kind: 'SensorProfile', name: 'z' },
    ]);
    expect(planDigest(p)).toBe(createHash('sha256').update(text).digest('hex'));
    expect(planDigests(p).objects['SensorProfile/z']).toBe(createHash('sha256').update(`[${JSON.stringify({ action: 'delete', fields: [{ o: 'old', p: '/description' }], kind: 'SensorProfile', name: 'z' })}]`).digest('hex'));
  });

  it('never passes when the plan digests differ, even if every per-object digest agrees', () => {
    const d = planDigests(plan());
    expect(digestDifferences({ ...d, digest: '0'.repeat(64) }, plan())).toEqual(['every object agrees with the reviewed per-object digests, but the plan digest differs']);
  });
});
