import { isDeepStrictEqual } from 'node:util';
import jsonpatch from 'fast-json-patch';
import { describe, expect, it, test } from 'vitest';
import { formatPath, identicalJson, pointerToPath, pointerTokens, sameValue, stableStringify, valueAt } from '../src/json.js';

test('stableStringify sorts keys at every level, keeps array order and drops undefined members', () => {
  expect(stableStringify({ b: [{ z: 1, y: 2 }, 1], a: undefined, c: null })).toBe('{"b":[{"y":2,"z":1},1],"c":null}');
  expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  expect(sameValue(undefined, null)).toBe(false);
});

test('pointer tokens decode ~1 before ~0', () => {
  expect(pointerTokens('/a~1b/c~0d/~01')).toEqual(['a/b', 'c~d', '~1']);
  expect(pointerTokens('')).toEqual([]);
  expect(valueAt({ 'a/b': [{ c: 3 }] }, '/a~1b/0/c')).toBe(3);
  expect(valueAt({ a: 1 }, '/a/b')).toBeUndefined();
});

test('paths: pointers quote dashed keys, diagnostics dot them and shorten long keys', () => {
  expect(pointerToPath('/spec/rules/2/x-y')).toBe('spec.rules[2]["x-y"]');
  expect(formatPath(['spec', 'rules', 2, 'x-y'])).toBe('spec.rules[2].x-y');
  expect(formatPath(['k'.repeat(70)])).toBe(`["${'k'.repeat(57)}..."]`);
});

describe('identicalJson', () => {
  it('is true exactly when a JSON patch between the two is empty (and never for NaN or undefined against absent)', () => {
    const values: unknown[] = [0, 1, '', 'a', true, false, null, [], [1], [1, 2], [2, 1], {}, { a: 1 }, { a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }, { a: undefined }, { a: [] }, [{}], [null]];
    for (const a of values) {
      for (const b of values) {
        const same = identicalJson(a, b);
        if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
          expect(same, `${JSON.stringify(a)} ~ ${JSON.stringify(b)}`).toBe(jsonpatch.compare(a as object, b as object).length === 0 && isDeepStrictEqual(a, b));
        } else {
          expect(same, `${JSON.stringify(a)} ~ ${JSON.stringify(b)}`).toBe(a === b);
        }
      }
    }
    expect(identicalJson(Number.NaN, Number.NaN)).toBe(false);
    expect(identicalJson({ a: undefined }, {})).toBe(false);
    expect(identicalJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  });
});
