// Property tests of the YAML loader and validator: random documents never crash it, never take long, and always
// give either a valid declaration set or diagnostics with positions.
import { describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { hasErrors, validateText } from '../../src/declarations/validate.js';
import { KIND_NAMES } from '../../src/kinds/index.js';
import { EXAMPLES } from './helpers.js';

const BOUND_MS = 3000; // a safety net per document, not a speed test

const examples: string[] = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((d) => readdirSync(join(EXAMPLES, d.name)).map((f) => readFileSync(join(EXAMPLES, d.name, f), 'utf8')));

/** YAML-ish noise: indicators, quotes, anchors, tags, indentation, document markers. */
const yamlChar = fc.constantFrom(...': -?[]{},#&*!|>\'"%@`\n\t  abcxyz019.~<=\u00e9\u2028\ufeff'.split(''));
const noise = fc.array(yamlChar, { maxLength: 300 }).map((cs) => cs.join(''));

/** A real example with random edits: characters inserted, deleted or replaced at random offsets. */
const mutated = fc
  .tuple(
    fc.constantFrom(...examples),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.array(yamlChar, { maxLength: 6 }).map((a) => a.join(''))), { minLength: 1, maxLength: 6 }),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [at, del, ins] of edits) {
      const i = at % (t.length + 1);
      t = t.slice(0, i) + ins + t.slice(i + del);
    }
    return t;
  });

/** Well-formed YAML of random data inside a declaration envelope (wrong types, unknown fields, odd keys). */
const key = fc.oneof(fc.constantFrom('name', 'rules', 'policyMode', 'qids', 'status', '__proto__', 'constructor', '', ' '), fc.string({ maxLength: 8 }));
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('ACTIVE', 'READ', 'DENY', '2026-01-01', '1e400')),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
})).v;
const envelope = fc
  .record({
    apiVersion: fc.oneof(fc.constant('qcs-gitops/v1'), fc.string({ maxLength: 10 })),
    kind: fc.oneof(fc.constantFrom(...KIND_NAMES), fc.string({ maxLength: 10 })),
    metadata: fc.oneof(fc.record({ name: fc.oneof(fc.string({ maxLength: 12 }), value) }), value),
    spec: value,
  }, { requiredKeys: [] })
  .map((doc) => stringify(doc));

const documents = fc.oneof(noise, mutated, envelope, fc.array(envelope, { minLength: 2, maxLength: 4 }).map((ds) => ds.join('---\n')));

function check(text: string): void {
  const started = Date.now();
  let result: ReturnType<typeof validateText>;
  try {
    result = validateText('fuzz.yaml', text);
  } catch (e) {
    throw new Error(`validateText threw on ${JSON.stringify(text.slice(0, 200))}: ${(e as Error).stack}`);
  }
  const ms = Date.now() - started;
  expect(ms, JSON.stringify(text.slice(0, 200))).toBeLessThan(BOUND_MS);
  const { declarations, diagnostics } = result;
  for (const d of diagnostics) {
    expect(d.file).toBe('fuzz.yaml');
    expect(Number.isInteger(d.line) && d.line >= 1, JSON.stringify(d)).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 1, JSON.stringify(d)).toBe(true);
    expect(typeof d.message === 'string' && d.message.length > 0 && !/\n\s+at /.test(d.message), JSON.stringify(d)).toBe(true);
  }
  if (!hasErrors(diagnostics)) {
    // a valid set: every document became a declaration of a known kind with a name
    for (const decl of declarations) {
      expect(KIND_NAMES).toContain(decl.kind);
      expect(typeof decl.name).toBe('string');
      expect(decl.spec !== null && typeof decl.spec === 'object').toBe(true);
    }
  } else {
    expect(diagnostics.length).toBeGreaterThan(0);
  }
  // nothing leaked into Object.prototype, whatever the keys were
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'isAdmin')).toBe(false);
}

describe('the YAML loader and validator, fuzzed', () => {
  test('random text, mutated examples and random envelopes: no throw, bounded time, a valid set or positioned diagnostics', () => {
    fc.assert(fc.property(documents, check), { numRuns: 400, seed: 20261123 });
  });

  test('the unmodified examples are a valid set (the property can tell valid from invalid)', () => {
    for (const text of examples) {
      const r = validateText('fuzz.yaml', text);
      expect(hasErrors(r.diagnostics)).toBe(false);
      expect(r.declarations.length).toBeGreaterThan(0);
    }
  });

  test('a fresh random run (unseeded) holds too', () => {
    fc.assert(fc.property(documents, check), { numRuns: 150 });
  });
});
