// The kind is the registry: KINDS (src/kinds/index.ts) is the one list; everything that enumerates kinds is
// derived from it or checked equal to it, and kind-specific decisions are optional Kind members with defaults.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECLARATION_SCHEMA_FILES, compileSchemas, registryMismatches, schemaSet } from '../../src/declarations/schemas.js';
import { validateText } from '../../src/declarations/validate.js';
import { buildPlan } from '../../src/engine/plan.js';
import { exportFiles } from '../../src/export/export.js';
import { dispatchText, envelopeText, registrySchemaTexts } from '../../src/declarations/registry-schemas.js';
import { defineKind, pinnedId, pinnedIdPath } from '../../src/kinds/defaults.js';
import { KIND_NAMES, KINDS } from '../../src/kinds/index.js';
import { ALL_ROUTES } from '../../src/simulator/routes/index.js';
import { SEED_KEYS, accountFromSeed, dumpAccount } from '../../src/simulator/seed.js';
import { FakeStore, fakeKind } from '../engine/fake-kind.js';
import type { Declaration } from '../../src/types.js';

const SCHEMAS = resolve('schemas');

function withSchemaCopy(edit: (dir: string) => void): () => unknown {
  const dir = mkdtempSync(join(tmpdir(), 'qcs-registry-'));
  cpSync(SCHEMAS, dir, { recursive: true });
  edit(dir);
  return () => {
    try {
      return compileSchemas(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const readJson = (dir: string, f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));

describe('the kind registry', () => {
  it('every schema file is a kind\'s, or one of the files of the tool itself (no orphan schema)', () => {
    const own = ['envelope.schema.json', 'declaration.schema.json', 'plan.schema.json', 'plan-environments.schema.json', 'project.schema.json'];
    const kinds = new Set(KINDS.map((k) => k.schemaFile));
    for (const f of readdirSync(SCHEMAS).filter((x) => x.endsWith('.schema.json'))) {
      expect(own.includes(f) || kinds.has(f), `schemas/${f} is no kind's schemaFile: register its kind in src/kinds/index.ts, or remove the file`).toBe(true);
    }
  });

  it('every kind has its tests: test/kinds/<kind>.test.ts and test/simulator/<kind>.test.ts (docs/adding-a-kind.md)', () => {
    for (const k of KINDS) {
      const base = k.schemaFile.replace(/\.schema\.json$/, '');
      for (const dir of ['test/kinds', 'test/simulator']) expect(existsSync(join(dir, `${base}.test.ts`)), `${k.kind}: ${dir}/${base}.test.ts is missing`).toBe(true);
    }
  });

  it('KIND_NAMES and the declaration schema files derive from KINDS', () => {
    expect(KIND_NAMES).toEqual(KINDS.map((k) => k.kind));
    expect(DECLARATION_SCHEMA_FILES).toEqual(['envelope.schema.json', ...KINDS.map((k) => k.schemaFile), 'declaration.schema.json']);
  });

  it('the plan schema names every registered kind (a plan of any kind validates against it)', () => {
    const plan = JSON.parse(readFileSync('schemas/plan.schema.json', 'utf8'));
    expect([...plan.properties.changes.items.properties.kind.enum].sort()).toEqual(KINDS.map((k) => k.kind).sort());
  });

  it('the schema files agree with KINDS: envelope enum, dispatch, each kind const', () => {
    expect(registryMismatches(schemaSet().schemas)).toEqual([]);
    expect(readJson(SCHEMAS, 'envelope.schema.json').$defs.kind.enum.slice().sort()).toEqual([...KIND_NAMES].sort());
  });

  it('the committed envelope enum, dispatch and plan kind enum are what the build generates from KINDS (npm run build rewrites them)', () => {
    const read = (f: string) => readFileSync(join(SCHEMAS, f), 'utf8');
    const texts = registrySchemaTexts(KINDS, read('envelope.schema.json'), read('declaration.schema.json'), read('plan.schema.json'));
    expect([...texts.keys()].sort()).toEqual(['declaration.schema.json', 'envelope.schema.json', 'plan.schema.json']);
    for (const [file, text] of texts) expect(read(file), `${file}: run npm run build`).toBe(text);
  });

  it('generation appends a new kind and keeps the order users already read', () => {
    const env = readFileSync(join(SCHEMAS, 'envelope.schema.json'), 'utf8');
    const names = [...KIND_NAMES];
    const before = JSON.parse(env).$defs.kind.enum;
    const withWidget = JSON.parse(envelopeText(env, ['UnregisteredKind', ...names]));
    expect(withWidget.$defs.kind.enum).toEqual([...before, 'UnregisteredKind']);
    expect(JSON.parse(envelopeText(env, names.slice(1))).$defs.kind.enum).toEqual(before.filter((k: string) => k !== names[0]));
    const d = JSON.parse(dispatchText([...KINDS, { kind: 'UnregisteredKind', schemaFile: 'unregistered-kind.schema.json' }], readFileSync(join(SCHEMAS, 'declaration.schema.json'), 'utf8')));
    expect(d.allOf.at(-1)).toEqual({ if: { properties: { kind: { const: 'UnregisteredKind' } }, required: ['kind'] }, then: { $ref: 'unregistered-kind.schema.json' } });
  });

  it('a kind missing from the envelope enum stops the schemas from compiling, naming the kind and the file', () => {
    const compile = withSchemaCopy((dir) => {
      const env = readJson(dir, 'envelope.schema.json');
      env.$defs.kind.enum = env.$defs.kind.enum.filter((k: string) => k !== KINDS[0]!.kind);
      writeFileSync(join(dir, 'envelope.schema.json'), JSON.stringify(env));
    });
    expect(compile).toThrow(new RegExp(`envelope\\.schema\\.json: \\$defs\\.kind\\.enum lacks ${KINDS[0]!.kind}`));
  });

  it('a kind missing from the dispatch, or a missing schema file, is named', () => {
    const last = KINDS[KINDS.length - 1]!;
    const noBranch = withSchemaCopy((dir) => {
      const d = readJson(dir, 'declaration.schema.json');
      d.allOf = d.allOf.filter((b: any) => b.if.properties.kind.const !== last.kind);
      writeFileSync(join(dir, 'declaration.schema.json'), JSON.stringify(d));
    });
    expect(noBranch).toThrow(new RegExp(`declaration\\.schema\\.json: allOf has no branch for ${last.kind}`));
    const noFile = withSchemaCopy((dir) => rmSync(join(dir, last.schemaFile)));
    expect(noFile).toThrow(new RegExp(`${last.schemaFile.replace(/\./g, '\\.')} is missing`));
  });

  it('a registered name the registry does not know is reported too', () => {
    const schemas = new Map(schemaSet().schemas);
    const env = structuredClone(schemas.get('envelope.schema.json')!) as any;
    env.$defs.kind.enum.push('UnregisteredKind');
    schemas.set('envelope.schema.json', env);
    expect(registryMismatches(schemas)).toEqual(['envelope.schema.json: $defs.kind.enum names UnregisteredKind, which src/kinds/index.ts does not register']);
  });

  it('every kind has a simulator route, and the seed keys come from the routes', () => {
    const routed = new Set(ALL_ROUTES.map((r) => r.kind));
    for (const k of KIND_NAMES) expect(routed.has(k), `${k} has no simulator route: add src/simulator/routes/<kind>.ts and register it in src/simulator/routes/index.ts (docs/adding-a-kind.md)`).toBe(true);
    expect(new Set(ALL_ROUTES.map((r) => r.kind))).toEqual(new Set(KIND_NAMES));
    expect(SEED_KEYS).toEqual(ALL_ROUTES.flatMap((r) => r.seedKeys));
    expect(new Set(SEED_KEYS).size).toBe(SEED_KEYS.length);
    // each route's dump has exactly its own keys, and a dump seeds the same dump back
    const a = accountFromSeed({}, 1_700_000_000_000);
    for (const r of ALL_ROUTES) for (const k of Object.keys(r.dump(a))) expect(r.seedKeys).toContain(k);
    const dumped = dumpAccount(a);
    expect(dumpAccount(accountFromSeed(dumped, 1_700_000_000_000))).toEqual(dumped);
  });
});

describe('optional Kind members and their defaults', () => {
  it('defineKind derives can from the operations a module implements', () => {
    const store = new FakeStore();
    const { can: _c, create: _cr, remove: _r, ...rest } = fakeKind(store, 'Widget');
    const readOnly = defineKind({ ...rest });
    expect(readOnly.can).toEqual({ create: false, update: true, delete: false });
    const full = defineKind({ ...rest, create: _cr, remove: _r });
    expect(full.can).toEqual({ create: true, update: true, delete: true });
    expect(defineKind({ ...rest, can: { create: false, update: false, delete: false } }).can).toEqual({ create: false, update: false, delete: false });
  });

  it('an operation a defined kind lacks fails with E_UNSUPPORTED', async () => {
    const { can: _c, create: _cr, remove: _r, ...rest } = fakeKind(new FakeStore(), 'Widget');
    const k = defineKind(rest);
    await expect(k.create({} as any, 'x', {})).rejects.toMatchObject({ code: 'E_UNSUPPORTED', message: 'Widget objects cannot be created through the Qualys API' });
    await expect(k.remove({} as any, { id: 'x', name: 'x' })).rejects.toMatchObject({ code: 'E_UNSUPPORTED', message: /cannot be deleted/ });
  });

  it('idField: a pinned id is read from spec[idField] and reported at that field', () => {
    const store = new FakeStore();
    const kind = fakeKind(store, 'Widget', { idField: 'widgetId' });
    expect(pinnedId(kind, { widgetId: 'w-1' })).toBe('w-1');
    expect(pinnedId(kind, { widgetId: '' })).toBeUndefined();
    expect(pinnedIdPath(kind)).toEqual(['spec', 'widgetId']);
    const live = store.add({ id: 'w-1', name: 'Real', color: 'red' });
    const decl = (spec: Record<string, unknown>): Declaration => ({
      apiVersion: 'qcs-gitops/v1',
      kind: 'Widget',
      name: 'Label',
      spec,
      source: { file: 'w.yaml', line: 1, column: 1 },
      positionOf: (p) => ({ file: 'w.yaml', line: p.length, column: 3 }),
    });
    const plan = buildPlan([kind], [decl({ widgetId: 'w-1', color: 'blue' })], new Map([['Widget', [live]]]));
    expect(plan.changes.map((c) => [c.action, c.id])).toEqual([['update', 'w-1']]);
    try {
      buildPlan([kind], [decl({ widgetId: 'nope' })], new Map([['Widget', [live]]]));
      expect.unreachable();
    } catch (e: any) {
      expect(e.diagnostics[0]).toMatchObject({ path: 'spec.widgetId', line: 2, message: "no live Widget has id 'nope'" });
    }
  });

  it('exportFile: a kind exported to one file, names that clash pinned by idField', () => {
    const store = new FakeStore();
    const kind = fakeKind(store, 'Widget', { exportFile: 'widgets.yaml', idField: 'widgetId', toSpec: (o) => ({ color: o.color }) });
    const objs = [store.add({ id: 'b', name: 'same', color: 'red' }), store.add({ id: 'a', name: 'same', color: 'blue' }), store.add({ id: 'c', name: 'solo' })];
    const { files, warnings } = exportFiles([kind], new Map([['Widget', objs]]));
    expect([...files.keys()]).toEqual(['widgets.yaml']);
    const text = files.get('widgets.yaml')!;
    expect(text.split('---\n')).toHaveLength(3);
    expect(text).toContain('name: same [a]\nspec:\n  color: blue\n  widgetId: a\n');
    expect(text).toContain('name: solo\nspec: {}\n');
    expect(warnings).toEqual(["Widget objects sharing a name ('same') are pinned by spec.widgetId in widgets.yaml"]);
  });

  it('duplicate pinned ids are refused for every kind with an idField (SecretRule ruleUuid here)', () => {
    const id = 'c6c4165e-c960-11ed-afa1-0242ac120002';
    const doc = (name: string) => `apiVersion: qcs-gitops/v1\nkind: SecretRule\nmetadata: { name: ${name} }\nspec: { status: Active, ruleUuid: ${id.toUpperCase()} }\n`;
    const { diagnostics } = validateText('s.yaml', `${doc('a')}---\n${doc('b').replace(id.toUpperCase(), id)}`);
    expect(diagnostics.map((d) => `${d.line}:${d.path}: ${d.message}`)).toEqual([`9:spec.ruleUuid: SecretRule ruleUuid '${id}' is declared twice: first at s.yaml:4:${diagnostics[0]!.column}; keep one`]);
  });
});
