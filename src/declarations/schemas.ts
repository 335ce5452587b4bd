// The JSON Schemas in `schemas/` are the single source of truth: this module reads those files at run time
// (from the package root, found by walking up from this module) and compiles them once with ajv.
// Nothing else holds a copy of them, so the editor schemas and the CLI can never drift apart.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Import from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';

// ajv and ajv-formats are CommonJS; under ESM the default import is `module.exports`, which TypeScript types as
// the namespace. Both forms work at run time.
type AjvCtor = typeof Ajv2020Import.default;
const Ajv2020: AjvCtor = ((Ajv2020Import as unknown as { default?: AjvCtor }).default ?? Ajv2020Import) as AjvCtor;
type AddFormats = typeof addFormatsImport.default;
const addFormats: AddFormats = ((addFormatsImport as unknown as { default?: AddFormats }).default ?? addFormatsImport) as AddFormats;

/** The schema every document is validated against: the envelope plus the kind's spec, dispatched on `kind`. */
export const DECLARATION_SCHEMA = 'declaration.schema.json';

/** The schema files of declarations: the envelope, one a kind, and the dispatcher. (schemas/ may hold others, e.g. the plan file's.) */
export const DECLARATION_SCHEMA_FILES = [
  'envelope.schema.json',
  'centralized-policy.schema.json',
  'runtime-policy.schema.json',
  'exception.schema.json',
  'sensor-profile.schema.json',
  'secret-rule.schema.json',
  DECLARATION_SCHEMA,
] as const;

/** Keywords of the YAML/JSON language servers that ajv should accept as annotations. */
const EDITOR_KEYWORDS = ['patternErrorMessage', 'errorMessage', 'markdownDescription', 'deprecationMessage', 'enumDescriptions'];

export interface SchemaSet {
  /** Absolute path of the `schemas/` directory the schemas were read from. */
  dir: string;
  /** Each schema file's parsed content, by file name (`exception.schema.json`). */
  schemas: ReadonlyMap<string, Record<string, unknown>>;
  /** Validates one whole document (envelope + spec). */
  validate: ValidateFunction;
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
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true, // errors carry parentSchema: the allowed field names, titles and error messages come from it
    strict: true,
    strictRequired: false,
    strictTypes: false, // `if` sub-schemas use `required` without repeating `type: object`
    allowUnionTypes: true,
  });
  addFormats(ajv, ['date-time', 'date', 'uuid']);
  for (const keyword of EDITOR_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ['string', 'array'] });

  const schemas = new Map<string, Record<string, unknown>>();
  for (const file of DECLARATION_SCHEMA_FILES) {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    if (schema.$id !== file) throw new Error(`schema ${join(dir, file)} must have "$id": "${file}"`);
    schemas.set(file, schema);
    ajv.addSchema(schema);
  }
  const validate = ajv.getSchema(DECLARATION_SCHEMA);
  if (!validate) throw new Error(`schema ${DECLARATION_SCHEMA} is missing from ${dir}`);
  return { dir, schemas, validate };
}

/** The schemas, read and compiled once per process. */
export function schemaSet(): SchemaSet {
  cached ??= compileSchemas();
  return cached;
}
