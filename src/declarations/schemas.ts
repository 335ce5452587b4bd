// The JSON Schemas in `schemas/` are the single source of truth: this module reads those files at run time
// (from the package root, found by walking up from this module). The bundles carry a validator precompiled from those
// very files at build time (ajv standalone code, scripts/gen-validators.mjs, see precompiled.ts), used only while the
// files still hash as they did then; otherwise (and when run from the sources) the files are compiled with ajv, once.
// Nothing else holds a copy of them, so the editor schemas and the CLI can never drift apart.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { KINDS } from '../kinds/index.js';
import type { Kind } from '../kinds/types.js';
import type Ajv2020Module from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';
import { precompiled, type Precompiled } from './precompiled.js';

type AjvCtor = typeof Ajv2020Module.default;
type AddFormats = typeof addFormatsModule.default;

/** ajv's compiler, loaded only when a schema is compiled (a start-up with the precompiled validator never loads it).
 * `require` is the bundles' (their banner defines it, and esbuild bundles what it names into dist/); from the sources,
 * one made here. ajv and ajv-formats are CommonJS: `.default` or the module itself. */
export function loadCompiler(): { Ajv2020: AjvCtor; addFormats: AddFormats } {
  let ajvModule;
  let formatsModule;
  try {
    ajvModule = require('ajv/dist/2020.js');
    formatsModule = require('ajv-formats');
  } catch {
    const req = createRequire(import.meta.url);
    ajvModule = req('ajv/dist/2020.js');
    formatsModule = req('ajv-formats');
  }
  return {
    Ajv2020: (ajvModule.default ?? ajvModule) as AjvCtor,
    addFormats: (formatsModule.default ?? formatsModule) as AddFormats,
  };
}

/** The schema every document is validated against: the envelope plus the kind's spec, dispatched on `kind`. */
export const DECLARATION_SCHEMA = 'declaration.schema.json';

/** The envelope every document shares (its `$defs.kind.enum` lists every kind). */
export const ENVELOPE_SCHEMA = 'envelope.schema.json';

/** The schema files of declarations: the envelope, one a kind (from the kind registry), and the dispatcher.
 * (schemas/ may hold others, e.g. the plan file's.) */
export const DECLARATION_SCHEMA_FILES: readonly string[] = [ENVELOPE_SCHEMA, ...KINDS.map((k) => k.schemaFile), DECLARATION_SCHEMA];

/** Where the schema files disagree with the kind registry (KINDS): the envelope's kind enum, the dispatch of
 * declaration.schema.json, and each kind schema's `kind` const must name exactly the registered kinds. The
 * files stay plain JSON Schema for editors; this check keeps them equal to what KINDS implies. */
export function registryMismatches(schemas: ReadonlyMap<string, Record<string, unknown>>, kinds: readonly Kind[] = KINDS): string[] {
  const out: string[] = [];
  const names = kinds.map((k) => k.kind);
  const envelope = schemas.get(ENVELOPE_SCHEMA) as { $defs?: { kind?: { enum?: unknown } } } | undefined;
  const enumList = Array.isArray(envelope?.$defs?.kind?.enum) ? (envelope!.$defs!.kind!.enum as unknown[]) : [];
  const missing = names.filter((n) => !enumList.includes(n));
  const extra = enumList.filter((n) => !names.includes(n as string));
  if (missing.length) out.push(`${ENVELOPE_SCHEMA}: $defs.kind.enum lacks ${missing.join(', ')}: add ${missing.length === 1 ? 'it' : 'them'}`);
  if (extra.length) out.push(`${ENVELOPE_SCHEMA}: $defs.kind.enum names ${extra.join(', ')}, which src/kinds/index.ts does not register`);
  const dispatch = schemas.get(DECLARATION_SCHEMA) as { allOf?: unknown } | undefined;
  const branches = new Map<string, string>();
  for (const b of Array.isArray(dispatch?.allOf) ? dispatch!.allOf : []) {
    const x = b as { if?: { properties?: { kind?: { const?: unknown } } }; then?: { $ref?: unknown } };
    const k = x.if?.properties?.kind?.const;
    if (typeof k === 'string') branches.set(k, String(x.then?.$ref));
  }
  for (const k of kinds) {
    const ref = branches.get(k.kind);
    if (ref === undefined) {
      out.push(`${DECLARATION_SCHEMA}: allOf has no branch for ${k.kind}: add { "if": { "properties": { "kind": { "const": "${k.kind}" } }, "required": ["kind"] }, "then": { "$ref": "${k.schemaFile}" } }`);
    } else if (ref !== k.schemaFile) {
      out.push(`${DECLARATION_SCHEMA}: the ${k.kind} branch refers to ${ref}; the kind's schemaFile is ${k.schemaFile}`);
    }
    const own = schemas.get(k.schemaFile) as { properties?: { kind?: { const?: unknown } } } | undefined;
    if (own && own.properties?.kind?.const !== k.kind) out.push(`${k.schemaFile}: properties.kind must be { "const": "${k.kind}" }`);
  }
  for (const k of branches.keys()) if (!names.includes(k)) out.push(`${DECLARATION_SCHEMA}: allOf dispatches ${k}, which src/kinds/index.ts does not register`);
  return out;
}

/** Keywords of the YAML/JSON language servers that ajv should accept as annotations. */
export const EDITOR_KEYWORDS = ['patternErrorMessage', 'errorMessage', 'markdownDescription', 'deprecationMessage', 'enumDescriptions'];

export interface SchemaSet {
  /** Absolute path of the `schemas/` directory the schemas were read from. */
  dir: string;
  /** Each schema file's parsed content, by file name (`exception.schema.json`). */
  schemas: ReadonlyMap<string, Record<string, unknown>>;
  /** Validates one whole document (envelope + spec). */
  validate: ValidateFunction;
  /** True when `validate` is the build's precompiled code (made from files that hash as these do). */
  precompiled: boolean;
}

/** The options of the compiler; scripts/gen-validators.mjs generates the precompiled code with the same. */
export const AJV_OPTIONS = {
  allErrors: true,
  verbose: true, // errors carry parentSchema: the allowed field names, titles and error messages come from it
  strict: true,
  strictRequired: false,
  strictTypes: false, // `if` sub-schemas use `required` without repeating `type: object`
  allowUnionTypes: true,
} as const;
export const FORMATS = ['date-time', 'date', 'uuid'] as const;

/** sha256 of the schema files, in order, each preceded by its name (as scripts/gen-validators.mjs computes it). */
export function schemaHash(texts: ReadonlyArray<readonly [string, string]>): string {
  const h = createHash('sha256');
  for (const [file, text] of [...texts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) h.update(`${file}\n${text}\n`);
  return h.digest('hex');
}

/** The declaration schema files of `dir`, each checked to exist, to be named by its `$id`, and (together) to agree
 * with the kind registry; throws saying which file and what to do. */
export function readSchemaFiles(dir: string): { texts: Array<[string, string]>; schemas: Map<string, Record<string, unknown>> } {
  const texts: Array<[string, string]> = [];
  const schemas = new Map<string, Record<string, unknown>>();
  for (const file of DECLARATION_SCHEMA_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`schema ${path} is missing: every kind in src/kinds/index.ts needs its schema file (see docs/adding-a-kind.md)`);
    const text = readFileSync(path, 'utf8');
    const schema = JSON.parse(text) as Record<string, unknown>;
    if (schema.$id !== file) throw new Error(`schema ${path} must have "$id": "${file}"`);
    texts.push([file, text]);
    schemas.set(file, schema);
  }
  const mismatches = registryMismatches(schemas);
  if (mismatches.length) throw new Error(`the schemas in ${dir} disagree with the kind registry:\n  ${mismatches.join('\n  ')}`);
  return { texts, schemas };
}

let cached: SchemaSet | undefined;

/** Finds `schemas/` by walking up from `from` (this module: src/declarations/, build/ or dist/). */
export function findSchemaDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'schemas');
    if (existsSync(join(candidate, DECLARATION_SCHEMA))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the schemas/ directory (with ${DECLARATION_SCHEMA}) above ${from}; the qcs-gitops installation is incomplete`);
    }
    dir = parent;
  }
}

/** Reads the declaration schema files from `dir` and compiles the declaration schema. */
export function compileSchemas(dir: string = findSchemaDir()): SchemaSet {
  return compileRead(dir, readSchemaFiles(dir).schemas);
}

function compileRead(dir: string, schemas: Map<string, Record<string, unknown>>): SchemaSet {
  const { Ajv2020, addFormats } = loadCompiler();
  const ajv = new Ajv2020({ ...AJV_OPTIONS });
  addFormats(ajv, [...FORMATS]);
  for (const keyword of EDITOR_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ['string', 'array'] });
  for (const schema of schemas.values()) ajv.addSchema(schema);
  const validate = ajv.getSchema(DECLARATION_SCHEMA);
  if (!validate) throw new Error(`schema ${DECLARATION_SCHEMA} is missing from ${dir}`);
  return { dir, schemas, validate, precompiled: false };
}

/** The schemas, read once per process: the precompiled validator when the files are the ones it was made from, else
 * the files compiled. */
export function schemaSet(): SchemaSet {
  cached ??= schemaSetFrom(findSchemaDir(), precompiled);
  return cached;
}

/** Reads the schema files in `dir`; uses `pre` when they hash as the files it was generated from, else compiles them. */
export function schemaSetFrom(dir: string, pre: Precompiled | undefined): SchemaSet {
  const { texts, schemas } = readSchemaFiles(dir);
  if (!pre || pre.sourceHash !== schemaHash(texts)) return compileRead(dir, schemas);
  const validate = pre.validate;
  if (!('schema' in validate)) Object.assign(validate, { schema: schemas.get(DECLARATION_SCHEMA) });
  return { dir, schemas, validate, precompiled: true };
}
