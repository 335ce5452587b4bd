// The schemas in schemas/ are the ones the validator uses: read at run time from that folder, with no copy elsewhere.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { DECLARATION_SCHEMA, DECLARATION_SCHEMA_FILES, compileSchemas, findSchemaDir, schemaSet } from '../../src/declarations/schemas.js';
import { KINDS } from '../../src/kinds/index.js';
import { longDescriptions } from './helpers.js';

const SCHEMAS = resolve('schemas');
const readSchema = (f: string) => JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')) as Record<string, any>;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('schemas/ is the single source', () => {
  test('the validator reads its schemas from the repository’s schemas/ folder', () => {
    const set = schemaSet();
    expect(set.dir).toBe(SCHEMAS);
    expect([...set.schemas.keys()].sort()).toEqual([...DECLARATION_SCHEMA_FILES].sort());
    for (const f of DECLARATION_SCHEMA_FILES) expect(set.schemas.get(f)).toEqual(readSchema(f));
    // the compiled function is the declaration schema itself
    expect(set.validate.schema).toEqual(readSchema(DECLARATION_SCHEMA));
  });

  test('schemas are draft 2020-12, with $id equal to the file name and additionalProperties false on every object with properties', () => {
    for (const f of DECLARATION_SCHEMA_FILES) {
      const s = readSchema(f);
      expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.$id).toBe(f);
      const walk = (v: any, where: string) => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}/${i}`));
        else if (v && typeof v === 'object') {
          // maps of free strings (labels, annotations) and metaData are the only open objects
          if (v.properties && !where.endsWith('/if')) expect(v.additionalProperties, `${f}#${where}`).toBe(false);
          for (const [k, x] of Object.entries(v)) walk(x, `${where}/${k}`);
        }
      };
      walk(s, '');
    }
  });

  test('every kind names a schema file that the declaration schema dispatches to', () => {
    const dispatch = readSchema(DECLARATION_SCHEMA).allOf.map((b: any) => [b.if.properties.kind.const, b.then.$ref]);
    expect(new Map(dispatch)).toEqual(new Map(KINDS.map((k) => [k.kind, k.schemaFile])));
    for (const k of KINDS) {
      expect(DECLARATION_SCHEMA_FILES).toContain(k.schemaFile);
      expect(readSchema(k.schemaFile).properties.kind).toEqual({ const: k.kind });
    }
  });

  test('a changed schema file changes what the validator accepts (it compiles the files, not a built-in copy)', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'qcs-schemas-'));
    try {
      cpSync(SCHEMAS, tmp, { recursive: true });
      const doc = { apiVersion: 'qcs-gitops/v1', kind: 'SecretRule', metadata: { name: 'x' }, spec: { severity: 'HIGH' } };
      expect(compileSchemas(tmp).validate(doc)).toBe(true);
      const sr = JSON.parse(readFileSync(join(tmp, 'secret-rule.schema.json'), 'utf8'));
      sr.$defs.spec.properties.severity.pattern = '^LOW$';
      writeFileSync(join(tmp, 'secret-rule.schema.json'), JSON.stringify(sr));
      expect(compileSchemas(tmp).validate(doc)).toBe(false);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('no source file holds a copy of the schemas', () => {
    const texts = filesUnder('src').filter((f) => /\.(ts|js|mjs|json)$/.test(f)).map((f) => [f, readFileSync(f, 'utf8')] as const);
    const descriptions = longDescriptions();
    expect(descriptions.length).toBeGreaterThan(20);
    for (const d of descriptions) {
      for (const [f, t] of texts) expect(t.includes(d), `${f} contains a schema description: ${d}`).toBe(false);
    }
  });

  test('the bundles (build/, dist/) find schemas/ one level up from themselves', () => {
    expect(findSchemaDir(resolve('build'))).toBe(SCHEMAS);
    expect(findSchemaDir(resolve('dist'))).toBe(SCHEMAS);
    expect(() => findSchemaDir(tmpdir())).toThrow(/cannot find the schemas\/ directory/);
  });
});

describe('editor set-up', () => {
  test('each example file names, in its yaml-language-server modeline, the schema of the kinds it holds', () => {
    const files = filesUnder('examples/policies').filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const m = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
      expect(m, f).not.toBeNull();
      const schemaPath = resolve(dirname(f), m![1]!);
      expect(dirname(schemaPath)).toBe(SCHEMAS);
      const schemaFile = schemaPath.slice(SCHEMAS.length + 1);
      const kinds = new Set(text.split(/^---$/m).map((d) => (parse(d) as { kind?: string } | null)?.kind).filter(Boolean));
      for (const kind of kinds) {
        const expected = kinds.size > 1 ? DECLARATION_SCHEMA : KINDS.find((k) => k.kind === kind)!.schemaFile;
        expect(schemaFile, f).toBe(expected);
      }
    }
  });
});
