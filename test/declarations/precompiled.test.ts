// The validator precompiled at build time (scripts/gen-validators.mjs → build/validators.generated.cjs, bundled into
// build/cli.js and dist/index.js) is made from the very files in schemas/, is fresh, and reports exactly what the
// run-time compiler reports.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import * as gen from '../../scripts/gen-validators.mjs';
import { AJV_OPTIONS, DECLARATION_SCHEMA_FILES, EDITOR_KEYWORDS, FORMATS, compileSchemas, schemaHash, schemaSetFrom } from '../../src/declarations/schemas.js';
import { parseText } from '../../src/declarations/load.js';
import { translateErrors } from '../../src/declarations/messages.js';
import { INVALID_DIR } from './helpers.js';

const SCHEMAS = resolve('schemas');
// inside the repository, so the generated code's require('ajv/dist/runtime/…') finds node_modules
const tmp = mkdtempSync(join(resolve('build'), '.precompiled-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const code: string = gen.generateValidators(SCHEMAS);
writeFileSync(join(tmp, 'v.cjs'), code);
const pre = createRequire(import.meta.url)(join(tmp, 'v.cjs')) as { validate: any; sourceHash: string };

function documents(): unknown[] {
  const files = [
    ...readdirSync(INVALID_DIR).map((f) => join(INVALID_DIR, f)),
    ...readdirSync('examples/policies', { recursive: true }).map((f) => join('examples/policies', String(f))),
  ].filter((f) => /\.ya?ml$/.test(f));
  const out: unknown[] = files.flatMap((f) => parseText(f, readFileSync(f, 'utf8')).documents.map((d) => d.value));
  // a few more bad ones: wrong types, unknown fields, formats, every kind
  out.push({}, null, [], 'x', { apiVersion: 'qcs-gitops/v1', kind: 'Exception', metadata: { name: 1 }, spec: { startDate: '2026-02-30', qids: ['x'], extra: true } });
  out.push({ apiVersion: 'qcs-gitops/v1', kind: 'SensorProfile', metadata: { name: 'p' }, spec: { associatedRegistryIds: ['not-a-uuid'] } });
  out.push({ apiVersion: 'qcs-gitops/v1', kind: 'RuntimePolicy', metadata: { name: 'r' }, spec: { rules: [{ ruleType: 'NOPE', port: 1e400 }] } });
  out.push({ apiVersion: 'qcs-gitops/v1', kind: 'CentralizedPolicy', metadata: { name: 'c' }, spec: { centralizedPolicyRules: [{}], policyType: 'x' } });
  out.push({ apiVersion: 'qcs-gitops/v1', kind: 'SecretRule', metadata: { name: 's' }, spec: { status: 'maybe' } });
  return out;
}

describe('the precompiled validator', () => {
  test('is generated with the run-time compiler’s options, from the same files', () => {
    expect(gen.AJV_OPTIONS).toEqual(AJV_OPTIONS);
    expect(gen.FORMATS).toEqual([...FORMATS]);
    expect(gen.EDITOR_KEYWORDS).toEqual(EDITOR_KEYWORDS);
    expect([...gen.declarationSchemaFiles(SCHEMAS)].sort()).toEqual([...DECLARATION_SCHEMA_FILES].sort());
    const texts = DECLARATION_SCHEMA_FILES.map((f) => [f, readFileSync(join(SCHEMAS, f), 'utf8')] as const);
    expect(pre.sourceHash).toBe(schemaHash(texts));
  });

  test('the build’s copy is fresh: build/validators.generated.cjs is what schemas/ gives now, and dist/ bundles it', () => {
    expect(readFileSync('build/validators.generated.cjs', 'utf8')).toBe(code);
    expect(readFileSync('dist/index.js', 'utf8')).toContain(pre.sourceHash);
  });

  test('reports exactly the errors, and so the messages, of the run-time compiler', () => {
    const compiled = compileSchemas(SCHEMAS).validate;
    const docs = documents();
    expect(docs.length).toBeGreaterThan(40);
    let invalid = 0;
    for (const doc of docs) {
      const a = compiled(doc);
      const b = pre.validate(doc);
      expect(b).toBe(a);
      expect(pre.validate.errors ?? null).toEqual(compiled.errors ?? null);
      if (!a) {
        invalid++;
        expect(translateErrors(pre.validate.errors, doc)).toEqual(translateErrors(compiled.errors ?? [], doc));
      }
    }
    // (issue 30 moved the known-set enums out of the schemas into the kinds' checks: fewer schema failures)
    expect(invalid).toBeGreaterThan(25);
  });

  test('is used only while schemas/ hashes as the files it was made from; else the files are compiled', () => {
    expect(schemaSetFrom(SCHEMAS, pre).precompiled).toBe(true);
    expect(schemaSetFrom(SCHEMAS, undefined).precompiled).toBe(false);
    const dir = join(tmp, 'schemas');
    cpSync(SCHEMAS, dir, { recursive: true });
    const f = join(dir, 'secret-rule.schema.json');
    const sr = JSON.parse(readFileSync(f, 'utf8'));
    sr.$defs.spec.properties.severity.pattern = '^LOW$';
    writeFileSync(f, JSON.stringify(sr));
    const set = schemaSetFrom(dir, pre);
    expect(set.precompiled).toBe(false);
    expect(set.validate({ apiVersion: 'qcs-gitops/v1', kind: 'SecretRule', metadata: { name: 'x' }, spec: { severity: 'HIGH' } })).toBe(false);
  });
});
