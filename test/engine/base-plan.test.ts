// The engine's side of --base (removals, renames), the undeclared objects named by kind, and --target matching:
// with the generic fake kind, so no kind is special-cased.
import { describe, expect, it } from 'vitest';
import { buildPlan, makePlan } from '../../src/engine/plan.js';
import { planDigest } from '../../src/engine/digest.js';
import { PlanError, ValidationError } from '../../src/errors.js';
import { renderPlanText } from '../../src/render/text.js';
import { renderPlanMarkdown } from '../../src/render/markdown.js';
import { planToJson } from '../../src/render/json.js';
import type { ApiClient } from '../../src/api/types.js';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { isReviewedSubset, planDigests } from '../../src/engine/digest.js';
import { decl, fakeKind, FakeStore } from './fake-kind.js';

const removed = (...names: string[]) => ({ since: 'abc1234', objects: names.map((name) => ({ kind: 'Exception', name })) });

describe('--base removals', () => {
  it('a removed declaration still live is a delete with reason removed; one not live plans nothing; protected never', () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const keep = store.add({ name: 'keep', color: 'red' });
    const gone = store.add({ name: 'gone', color: 'red' });
    const sys = store.add({ name: 'system', system: true });
    const other = store.add({ name: 'other' });
    const plan = buildPlan([kind], [decl('Exception', 'keep', { color: 'red' })], new Map([['Exception', [keep, gone, sys, other]]]), { removed: removed('gone', 'system', 'never-live') });
    expect(plan.changes.map((c) => [c.action, c.name, c.reason, c.since, c.id])).toEqual([['delete', 'gone', 'removed', 'abc1234', gone.id]]);
    expect(plan.summary).toMatchObject({ delete: 1, unmanaged: 1 });
    expect(plan.undeclared).toEqual({ Exception: ['other'] });
    expect(plan.notes.join('\n')).toContain('Exception/system was removed from the declarations, but it is a protected system object: it is never deleted.');
    expect(renderPlanText(plan)).toContain('  - Exception/gone (declaration removed since abc1234)');
    expect(renderPlanMarkdown(plan)).toContain('```diff\n- Exception/gone (declaration removed since abc1234)\n- color: "red"');
  });

  it('counts in --max-deletes, obeys --target (any case), and moves the digest', () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const objs = ['a', 'b', 'c'].map((name) => store.add({ name }));
    const live = new Map([['Exception', objs]]);
    expect(() => buildPlan([kind], [], live, { removed: removed('a', 'b', 'c'), maxDeletes: 2 })).toThrow(expect.objectContaining({ code: 'E_MASS_DELETE' }));
    const one = buildPlan([kind], [], live, { removed: removed('a', 'b', 'c'), targets: ['exception/b'] });
    expect(one.changes.map((c) => c.name)).toEqual(['b']);
    const none = buildPlan([kind], [], live, {});
    expect(planDigest(one)).not.toBe(planDigest(none));
  });

  it('a kind no longer declared at all is still read for its removals (and nothing else of it is pruned or listed)', async () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    store.add({ name: 'gone' });
    store.add({ name: 'unrelated' });
    const api = {} as ApiClient;
    const { plan } = await makePlan(api, [kind], [], { removed: removed('gone'), prune: true });
    expect(plan.changes.map((c) => [c.action, c.name, c.reason])).toEqual([['delete', 'gone', 'removed']]);
    expect(plan.undeclared).toBeUndefined();
    const { plan: without } = await makePlan(api, [kind], [], {});
    expect(without.changes).toEqual([]);
    expect(store.calls.filter((c) => c.startsWith('list')).length).toBe(1); // the plan without removals read nothing
  });

  it('a kind that can neither create nor delete counts its undeclared objects apart, never deletes them', () => {
    const store = new FakeStore();
    const kind = fakeKind(store, 'Exception', { can: { create: false, update: true, delete: false }, folder: 'secret-rules' });
    const objs = ['r1', 'r2', 'r3'].map((name) => store.add({ name }));
    const plan = buildPlan([kind], [decl('Exception', 'r1', {})], new Map([['Exception', objs]]), { removed: removed('r2'), prune: true });
    expect(plan.changes).toEqual([]);
    expect(plan.summary.unmanaged).toBe(0);
    expect(plan.builtIn).toEqual({ Exception: 2 });
    expect(plan.undeclared).toBeUndefined();
    expect(plan.notes).toContain('2 built-in secret rules are not declared; they are never deleted.');
  });
});

describe('--base renames', () => {
  it('a renamed declaration updates the live object of its old name, keeping its id', () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const old = store.add({ name: 'old', color: 'red' });
    const plan = buildPlan([kind], [decl('Exception', 'new', { color: 'red' })], new Map([['Exception', [old]]]), { renames: [{ kind: 'Exception', from: 'old', to: 'new' }] });
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'update', name: 'new', renamedFrom: 'old', id: old.id, patch: [] })]);
    expect(plan.summary).toMatchObject({ update: 1, delete: 0, create: 0, unmanaged: 0 });
    expect(renderPlanText(plan)).toContain('~ Exception/old → new (renamed)');
    expect(renderPlanMarkdown(plan)).toContain('<b>Exception/old → new</b> (renamed)');
    expect(renderPlanMarkdown(plan)).toContain('```diff\n~ Exception/old → new (renamed)\n```');
    expect(planToJson(plan).changes).toEqual([expect.objectContaining({ renamedFrom: 'old' })]);
    // the digest names the old name: the same update without it differs
    expect(planDigest(plan)).not.toBe(planDigest({ changes: plan.changes.map(({ renamedFrom: _, ...c }) => c) }));
  });

  it('a rename onto a name already live updates that one, and the old one is deleted as removed', () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const old = store.add({ name: 'old' });
    const taken = store.add({ name: 'new', color: 'blue' });
    const plan = buildPlan([kind], [decl('Exception', 'new', { color: 'red' })], new Map([['Exception', [old, taken]]]), { renames: [{ kind: 'Exception', from: 'old', to: 'new' }] });
    expect(plan.changes.map((c) => [c.action, c.name, c.id, c.reason])).toEqual([
      ['update', 'new', taken.id, undefined],
      ['delete', 'old', old.id, 'removed'],
    ]);
  });

  it('a kind that cannot rename says so at the declaration name', () => {
    const store = new FakeStore();
    const kind = fakeKind(store, 'Exception', { can: { create: false, update: true, delete: false, rename: false } });
    const old = store.add({ name: 'old' });
    let error: unknown;
    try {
      buildPlan([kind], [decl('Exception', 'new', {})], new Map([['Exception', [old]]]), { renames: [{ kind: 'Exception', from: 'old', to: 'new' }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).diagnostics[0]).toMatchObject({ path: 'metadata.name', message: expect.stringContaining("Exception objects cannot be renamed: metadata.name was 'old'") });
  });
});

describe('undeclared objects, named', () => {
  it('text lists the first 20 and "and N more"; markdown a collapsed list; json all', () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const objs = Array.from({ length: 25 }, (_, i) => store.add({ name: `u-${String(i).padStart(2, '0')}` }));
    const plan = buildPlan([kind], [decl('Exception', 'u-00', {})], new Map([['Exception', objs]]));
    expect(plan.undeclared!.Exception).toHaveLength(24);
    const text = renderPlanText(plan);
    expect(text).toContain('Not declared, left alone: 24 Exception objects:');
    expect(text).toContain('  u-20\n  … and 4 more');
    expect(text).not.toContain('u-21');
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('<details><summary>24 Exception objects not declared (left alone)</summary>');
    expect(md).toContain('- u-24');
    expect((planToJson(plan).undeclared as Record<string, string[]>).Exception).toHaveLength(24);
  });
});

describe('--target', () => {
  it('matching nothing is E_TARGET_NOT_FOUND with a did-you-mean; an unknown kind is E_TARGET; kinds in any case', () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const a = store.add({ name: 'log4j-accepted' });
    const live = new Map([['Exception', [a]]]);
    let error: unknown;
    try {
      buildPlan([kind], [decl('Exception', 'log4j-accepted', {})], live, { targets: ['Exception/log4j-acepted'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).code).toBe('E_TARGET_NOT_FOUND');
    expect((error as PlanError).message).toBe("--target Exception/log4j-acepted: no declared or live Exception named 'log4j-acepted'; did you mean 'Exception/log4j-accepted'?");
    expect(() => buildPlan([kind], [], live, { targets: ['Exeption/x'] })).toThrow(/unknown kind 'Exeption'; did you mean 'Exception'\?/);
    const plan = buildPlan([kind], [decl('Exception', 'log4j-accepted', { color: 'red' })], live, { targets: ['EXCEPTION/log4j-accepted'] });
    expect(plan.changes.map((c) => c.name)).toEqual(['log4j-accepted']);
  });
});

describe('json and the reviewed digest', () => {
  it('a plan with a removal, a rename, undeclared and built-in objects validates against schemas/plan.schema.json', () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const objs = [store.add({ name: 'old' }), store.add({ name: 'gone' }), store.add({ name: 'loose' })];
    const plan = buildPlan([kind], [decl('Exception', 'new', {})], new Map([['Exception', objs]]), { removed: removed('gone'), renames: [{ kind: 'Exception', from: 'old', to: 'new' }] });
    plan.base = { ref: 'HEAD~1', commit: 'a'.repeat(40) };
    plan.builtIn = { SecretRule: 60 };
    const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv2020.default({ strict: false }).compile(schema);
    const doc = planToJson(plan);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc).toMatchObject({ undeclared: { Exception: ['loose'] }, builtIn: { SecretRule: 60 }, base: plan.base });
  });

  it('isReviewedSubset: what is left of a reviewed plan, each change as reviewed; anything else is not', () => {
    const store = new FakeStore();
    const kind = fakeKind(store);
    const objs = ['a', 'b'].map((name) => store.add({ name }));
    const reviewed = buildPlan([kind], [], new Map([['Exception', objs]]), { removed: removed('a', 'b') });
    const expected = planDigests(reviewed);
    const rest = buildPlan([kind], [], new Map([['Exception', [objs[1]!]]]), { removed: removed('a', 'b') });
    expect(isReviewedSubset(expected, rest)).toBe(true);
    expect(isReviewedSubset(expected, { changes: [] })).toBe(true);
    expect(isReviewedSubset({ digest: expected.digest }, rest)).toBe(false); // no per-object digests: cannot tell
    const other = buildPlan([kind], [decl('Exception', 'c', {})], new Map([['Exception', [objs[1]!]]]), { removed: removed('a', 'b') });
    expect(isReviewedSubset(expected, other)).toBe(false); // a create nobody reviewed
  });
});
