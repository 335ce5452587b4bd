import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/engine/plan.js';
import { PlanError, ValidationError } from '../../src/errors.js';
import { decl, fakeKind, FakeStore } from './fake-kind.js';

function setup() {
  const store = new FakeStore();
  const kind = fakeKind(store);
  return { store, kind };
}

describe('buildPlan', () => {
  it('plans nothing when live matches, ignoring set order', () => {
    const { store, kind } = setup();
    const a = store.add({ name: 'a', color: 'red', tags: ['y', 'x'] });
    const plan = buildPlan([kind], [decl('Exception', 'a', { color: 'red', tags: ['x', 'y'] })], new Map([['Exception', [a]]]));
    expect(plan.changes).toEqual([]);
    expect(plan.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 1, unmanaged: 0 });
  });

  it('plans exactly the changed field as an update, a create for a new name, and counts the undeclared', () => {
    const { store, kind } = setup();
    const a = store.add({ name: 'a', color: 'red' });
    const b = store.add({ name: 'b', color: 'blue' });
    const plan = buildPlan([kind], [decl('Exception', 'a', { color: 'green' }), decl('Exception', 'new', { color: 'red' })], new Map([['Exception', [a, b]]]));
    expect(plan.changes.map((c) => [c.action, c.name])).toEqual([
      ['update', 'a'],
      ['create', 'new'],
    ]);
    expect(plan.changes[0]!.patch).toEqual([{ op: 'replace', path: '/color', value: 'green' }]);
    expect(plan.changes[0]!.fingerprint).toMatch(/^sha256:/);
    expect(plan.changes[1]!.fingerprint).toBeNull();
    expect(plan.summary.unmanaged).toBe(1);
    expect(plan.notes.join(' ')).toMatch(/1 live object is not declared/);
  });

  it('deletes undeclared objects only with prune, never protected ones, and only of declared kinds', () => {
    const { store, kind } = setup();
    const other = fakeKind(new FakeStore(), 'SensorProfile');
    const a = store.add({ name: 'a' });
    const b = store.add({ name: 'b' });
    const sys = store.add({ name: 'Default', system: true });
    const live = new Map<any, unknown[]>([
      ['Exception', [a, b, sys]],
      ['SensorProfile', [{ id: 's1', name: 'undeclared-kind' }]],
    ]);
    const plan = buildPlan([kind, other], [decl('Exception', 'a', {})], live, { prune: true });
    expect(plan.changes.map((c) => `${c.action} ${c.kind}/${c.name}`)).toEqual(['delete Exception/b']);
    const noPrune = buildPlan([kind, other], [decl('Exception', 'a', {})], live);
    expect(noPrune.changes).toEqual([]);
  });

  it('refuses more deletes than --max-deletes, listing them, unless mass delete is allowed', () => {
    const { store, kind } = setup();
    const objs = Array.from({ length: 4 }, (_, i) => store.add({ name: `x${i}` }));
    const live = new Map<any, unknown[]>([['Exception', objs]]);
    const run = (o: object) => buildPlan([kind], [decl('Exception', 'keep', {})], live, { prune: true, ...o });
    expect(() => run({ maxDeletes: 3 })).toThrow(PlanError);
    try {
      run({ maxDeletes: 3 });
    } catch (e) {
      expect((e as PlanError).details).toEqual(['Exception/x0', 'Exception/x1', 'Exception/x2', 'Exception/x3']);
    }
    expect(run({ maxDeletes: 3, allowMassDelete: true }).summary.delete).toBe(4);
  });

  it('never changes a protected object, and says so', () => {
    const { store, kind } = setup();
    const sys = store.add({ name: 'Default', system: true, color: 'grey' });
    const plan = buildPlan([kind], [decl('Exception', 'Default', { color: 'pink' })], new Map([['Exception', [sys]]]));
    expect(plan.changes).toEqual([]);
    expect(plan.notes[0]).toMatch(/protected system object/);
  });

  it('reports a live name shared by two objects instead of guessing', () => {
    const { store, kind } = setup();
    const live = [store.add({ name: 'dup' }), store.add({ name: 'dup' })];
    expect(() => buildPlan([kind], [decl('Exception', 'dup', {})], new Map([['Exception', live]]))).toThrow(/more than one live object/);
  });

  it('a declaration of a kind that cannot be created, naming nothing live, is an error with a position', () => {
    const store = new FakeStore();
    const kind = fakeKind(store, 'SecretRule', { can: { create: false, update: true, delete: false } });
    expect(() => buildPlan([kind], [decl('SecretRule', 'Nope', { color: 'x' })], new Map([['SecretRule', []]]))).toThrow(ValidationError);
  });

  it('limits the plan to --target objects', () => {
    const { store, kind } = setup();
    const a = store.add({ name: 'a', color: 'red' });
    const plan = buildPlan([kind], [decl('Exception', 'a', { color: 'blue' }), decl('Exception', 'b', {})], new Map([['Exception', [a]]]), { targets: ['Exception/b'] });
    expect(plan.changes.map((c) => c.name)).toEqual(['b']);
    expect(() => buildPlan([kind], [], new Map(), { targets: ['nokind'] })).toThrow(/KIND\/NAME/);
  });

  it('orders upserts by kind dependency and deletes in reverse', () => {
    const s1 = new FakeStore();
    const s2 = new FakeStore();
    const parent = fakeKind(s1, 'SensorProfile');
    const child = fakeKind(s2, 'Exception', { dependsOn: ['SensorProfile'] });
    const live = new Map<any, unknown[]>([
      ['SensorProfile', [s1.add({ name: 'old-parent' })]],
      ['Exception', [s2.add({ name: 'old-child' })]],
    ]);
    // child kind listed first in the registry: the dependency still puts the parent first
    const plan = buildPlan([child, parent], [decl('Exception', 'c', {}), decl('SensorProfile', 'p', {})], live, { prune: true });
    expect(plan.changes.map((c) => `${c.action} ${c.kind}/${c.name}`)).toEqual([
      'create SensorProfile/p',
      'create Exception/c',
      'delete Exception/old-child',
      'delete SensorProfile/old-parent',
    ]);
  });
});

describe('pinned ids', () => {
  it('matches a declaration by its pinned id and says so when the live name differs', () => {
    const store = new FakeStore();
    const kind = fakeKind(store, 'SecretRule', { declaredId: (s: any) => s.pin });
    const rule = store.add({ id: 'r-1', name: 'Real Name', color: 'red' });
    const plan = buildPlan([kind], [decl('SecretRule', 'Other Label', { pin: 'r-1', color: 'blue' } as any)], new Map([['SecretRule', [rule]]]));
    expect(plan.changes.map((c) => [c.action, c.id])).toEqual([['update', 'r-1']]);
    expect(plan.notes.join('\n')).toMatch(/pins id r-1, which Qualys names 'Real Name'/);
    const same = buildPlan([kind], [decl('SecretRule', 'Real Name', { pin: 'r-1', color: 'blue' } as any)], new Map([['SecretRule', [rule]]]));
    expect(same.notes.join('\n')).not.toMatch(/pins id/);
  });
});
