// The project file, qcs-gitops.yaml: found in the working directory or given with --config, validated with positions
// like declarations (the same YAML reader and schema messages), and returned as plain data. The one module that reads
// it; the CLI commands and the Action consume what it returns.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { UsageError, ValidationError, type Diagnostic, type SourcePos } from '../errors.js';
import type { KindName } from '../types.js';
import { KIND_NAMES } from '../kinds/index.js';
import { parseText, readText, type LoadedDocument, type PathSegment } from '../declarations/load.js';
import { suggest, translateErrors } from '../declarations/messages.js';
import { formatPath } from '../json.js';
import { findSchemaDir, loadCompiler } from '../declarations/schemas.js';
import { registerSecret } from '../redact.js';
import { compareDiagnostics } from '../declarations/validate.js';
import { ignorePathProblem } from '../declarations/ignore.js';
import { kindByName } from '../kinds/index.js';
import { normValue, VALUE_SETS } from '../kinds/values.js';

/** File names looked for in the working directory, in this order. */
export const PROJECT_FILES = ['qcs-gitops.yaml', 'qcs-gitops.yml'] as const;
export const PROJECT_SCHEMA = 'project.schema.json';

/** A value substituted for `${values.NAME}`: plain data, never code. */
export type ProjectValue = string | number | boolean | Array<string | number | boolean>;

export interface Environment {
  name: string;
  platform?: string;
  gatewayUrl?: string;
  usernameEnv?: string;
  passwordEnv?: string;
  tokenEnv?: string;
  /** Declaration paths, resolved against the project file's folder (as display paths); empty when none given. */
  paths: string[];
  values: Record<string, ProjectValue>;
  /** Where the environment's entry stands in the project file. */
  source: SourcePos;
}

export interface Governance {
  exceptionExpiryWarningDays: number;
  exceptionMaxDays: number | null;
  requireTicket: boolean;
}

export const DEFAULT_GOVERNANCE: Readonly<Governance> = Object.freeze({ exceptionExpiryWarningDays: 14, exceptionMaxDays: null, requireTicket: false });

export interface Project {
  /** The project file (display path); undefined for the defaults used when there is none. */
  file?: string;
  /** Its folder: paths in the file are relative to it. */
  dir: string;
  /** By name, in file order. */
  environments: Record<string, Environment>;
  governance: Governance;
  /** Project-wide ignored spec paths by kind (validated against each kind's fields here; applied by the engine). */
  ignore: Partial<Record<KindName, string[]>>;
  /** Project-wide prune scope: name globs and kinds limiting --prune; `always` prunes (in that scope) on every plan. */
  prune: { match: string[]; kinds?: KindName[]; always?: boolean };
  /** Values outside a known set accepted on purpose (`acceptValues`), by `Kind.field` (src/kinds/values.ts). */
  acceptValues: Record<string, string[]>;
  /** Positions of fields in the project file (for messages about it). */
  positions: Record<string, SourcePos>;
}

/** The project used when there is no project file: no environments, default governance. */
export function defaultProject(dir: string = process.cwd()): Project {
  return { dir, environments: {}, governance: { ...DEFAULT_GOVERNANCE }, ignore: {}, prune: { match: [] }, acceptValues: {}, positions: {} };
}

let validator: ValidateFunction | undefined;

/** The project file's validator, compiled the first time a project file is read (never at start-up). */
function projectValidator(): ValidateFunction {
  if (validator) return validator;
  const { Ajv2020 } = loadCompiler();
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  for (const keyword of ['patternErrorMessage', 'errorMessage', 'markdownDescription']) ajv.addKeyword({ keyword, schemaType: ['string', 'array'] });
  const schema = JSON.parse(readFileSync(join(findSchemaDir(), PROJECT_SCHEMA), 'utf8')) as Record<string, unknown>;
  validator = ajv.compile(schema);
  return validator;
}

function displayPath(p: string): string {
  const abs = resolve(p);
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : rel === '' ? '.' : abs;
}

/** The project file to read: --config FILE, else qcs-gitops.yaml (or .yml) in `cwd`; undefined when there is none. */
export function findProjectFile(config: string | undefined, cwd: string = process.cwd()): string | undefined {
  if (config !== undefined) return config;
  for (const name of PROJECT_FILES) {
    const p = join(cwd, name);
    if (existsSync(p)) return displayPath(p);
  }
  return undefined;
}

/** Keys that would hold a credential itself; only the names of variables holding them (`passwordEnv`) are allowed. */
const LITERAL_SECRETS: Record<string, string> = { password: 'passwordEnv', token: 'tokenEnv', secret: 'passwordEnv', apiKey: 'tokenEnv', jwt: 'tokenEnv', username: 'usernameEnv' };

function diag(pos: SourcePos, path: readonly PathSegment[], message: string): Diagnostic {
  return { file: pos.file, line: pos.line, column: pos.column, path: formatPath(path), message, severity: 'error' };
}

/** Literal credentials anywhere in an environment entry: errors, and the value is registered for redaction at once. */
function literalCredentials(doc: LoadedDocument, value: Record<string, unknown>): { diagnostics: Diagnostic[]; paths: Set<string> } {
  const diagnostics: Diagnostic[] = [];
  const paths = new Set<string>();
  const envs = value.environments;
  if (!envs || typeof envs !== 'object' || Array.isArray(envs)) return { diagnostics, paths };
  for (const [name, env] of Object.entries(envs as Record<string, unknown>)) {
    if (!env || typeof env !== 'object' || Array.isArray(env)) continue;
    for (const [key, v] of Object.entries(env as Record<string, unknown>)) {
      const instead = Object.entries(LITERAL_SECRETS).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
      if (!instead) continue;
      if (typeof v === 'string' && key.toLowerCase() !== 'username') registerSecret(v);
      const path = ['environments', name, key];
      paths.add(formatPath(path));
      const what = key.toLowerCase() === 'username' ? 'a user name' : 'a credential';
      diagnostics.push(
        diag(doc.keyPositionOf(path), path, `${what} must not be written in the project file (it is committed to Git); put it in an environment variable (a CI secret) and name the variable with ${instead}: QUALYS_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${instead.replace(/Env$/, '').toUpperCase()}`),
      );
    }
  }
  return { diagnostics, paths };
}

/** Parses and validates project file text; returns the project or every problem, each at file:line:column. */
export function parseProject(file: string, text: string): { project?: Project; diagnostics: Diagnostic[] } {
  const parsed = parseText(file, text);
  const diagnostics = parsed.diagnostics
    .filter((d) => d.severity !== 'warning')
    .map((d) => (d.message.startsWith('a declaration must be a mapping') ? { ...d, message: 'the project file must be a mapping with apiVersion: qcs-gitops/v1 and kind: Project' } : d));
  if (diagnostics.length) return { diagnostics };
  if (parsed.documents.length !== 1) {
    const second = parsed.documents[1];
    return { diagnostics: [diag(second?.source ?? { file, line: 1, column: 1 }, [], 'the project file holds one YAML document; remove the others (declarations go in their own files)')] };
  }
  const doc = parsed.documents[0]!;
  const value = doc.value as Record<string, unknown>;
  const secrets = literalCredentials(doc, value);
  diagnostics.push(...secrets.diagnostics);
  const validate = projectValidator();
  if (!validate(value)) {
    for (const p of translateErrors(validate.errors ?? [], value)) {
      if (secrets.paths.has(formatPath(p.path))) continue; // already said, better
      diagnostics.push(diag(p.atKey ? doc.keyPositionOf(p.path) : doc.positionOf(p.path), p.path, p.message));
    }
  }
  if (diagnostics.length) return { diagnostics: diagnostics.sort(compareDiagnostics) };

  const dir = dirname(file);
  const positions: Record<string, SourcePos> = {};
  const environments: Record<string, Environment> = {};
  for (const [name, raw] of Object.entries((value.environments ?? {}) as Record<string, Record<string, unknown>>)) {
    const env: Environment = {
      name,
      paths: ((raw.paths as string[] | undefined) ?? []).map((p) => displayPath(resolve(dir, p))),
      values: { ...((raw.values as Record<string, ProjectValue> | undefined) ?? {}) },
      source: doc.keyPositionOf(['environments', name]),
    };
    for (const k of ['platform', 'gatewayUrl', 'usernameEnv', 'passwordEnv', 'tokenEnv'] as const) if (typeof raw[k] === 'string') env[k] = raw[k] as string;
    environments[name] = env;
    positions[`environments.${name}`] = env.source;
  }
  const gov = (value.governance ?? {}) as Partial<Governance>;
  const governance: Governance = {
    exceptionExpiryWarningDays: gov.exceptionExpiryWarningDays ?? DEFAULT_GOVERNANCE.exceptionExpiryWarningDays,
    exceptionMaxDays: gov.exceptionMaxDays ?? DEFAULT_GOVERNANCE.exceptionMaxDays,
    requireTicket: gov.requireTicket ?? DEFAULT_GOVERNANCE.requireTicket,
  };
  for (const k of ['governance', 'ignore', 'prune', 'acceptValues'] as const) if (value[k] !== undefined) positions[k] = doc.keyPositionOf([k]);
  const acceptValues: Record<string, string[]> = {};
  for (const [key, values] of Object.entries((value.acceptValues ?? {}) as Record<string, string[]>)) {
    const known = VALUE_SETS[key];
    if (!known || known.class !== 'known') {
      const keys = Object.values(VALUE_SETS).filter((s) => s.class === 'known').map((s) => s.key);
      const guess = suggest(key, keys);
      const why = known ? `${key} is ${known.class === 'closed' ? 'closed (the notes list every valid value)' : 'open (any upper-case token is accepted, with a warning)'}: nothing to accept` : `'${key}' is not a field with a known set of values${guess ? ` — did you mean '${guess}'?` : ''}`;
      diagnostics.push(diag(doc.keyPositionOf(['acceptValues', key]), ['acceptValues', key], `${why}; the fields are: ${keys.join(', ')}`));
      continue;
    }
    values.forEach((v, i) => {
      const norm = normValue(known, v);
      if (known.values.includes(norm)) diagnostics.push(diag(doc.positionOf(['acceptValues', key, i]), ['acceptValues', key, i], `${norm} is already a known ${key} value: remove it from acceptValues`));
    });
    acceptValues[key] = values.map((v) => normValue(known, v));
  }
  const ignore: Partial<Record<KindName, string[]>> = {};
  for (const [k, paths] of Object.entries((value.ignore ?? {}) as Record<string, string[]>)) {
    if (!(KIND_NAMES as readonly string[]).includes(k)) continue;
    ignore[k as KindName] = [...paths];
    const kind = kindByName(k)!;
    paths.forEach((p, i) => {
      const problem = ignorePathProblem(kind, p);
      if (problem) diagnostics.push(diag(doc.positionOf(['ignore', k, i]), ['ignore', k, i], problem));
    });
  }
  if (diagnostics.length) return { diagnostics: diagnostics.sort(compareDiagnostics) };
  const rawPrune = (value.prune ?? {}) as { match?: string[]; kinds?: string[]; always?: boolean };
  const prune: Project['prune'] = { match: [...(rawPrune.match ?? [])] };
  if (rawPrune.kinds?.length) {
    prune.kinds = [];
    rawPrune.kinds.forEach((k, i) => {
      const known = KIND_NAMES.find((n) => n.toLowerCase() === k.toLowerCase());
      if (known) prune.kinds!.push(known);
      else {
        const guess = suggest(k, [...KIND_NAMES]);
        diagnostics.push(diag(doc.positionOf(['prune', 'kinds', i]), ['prune', 'kinds', i], `unknown kind '${k}'${guess ? ` — did you mean '${guess}'?` : ''}; the kinds are: ${KIND_NAMES.join(', ')}`));
      }
    });
    if (diagnostics.length) return { diagnostics: diagnostics.sort(compareDiagnostics) };
  }
  if (rawPrune.always === true) prune.always = true;
  return { project: { file, dir, environments, governance, ignore, prune, acceptValues, positions }, diagnostics: [] };
}

/** Reads the project file (`--config FILE`, or qcs-gitops.yaml in the working directory). Without one, the defaults.
 * Throws ValidationError (every problem at its line) for a bad file. */
export async function loadProject(config?: string, cwd: string = process.cwd()): Promise<Project> {
  const file = findProjectFile(config, cwd);
  if (file === undefined) return defaultProject(cwd);
  const { text, diagnostic } = await readText(file);
  if (diagnostic) {
    throw new ValidationError([config !== undefined && /no such file/.test(diagnostic.message) ? { ...diagnostic, message: `${diagnostic.message} (given with --config)` } : diagnostic], 'the project file');
  }
  const { project, diagnostics } = parseProject(file, text!);
  if (!project) throw new ValidationError(diagnostics, 'the project file');
  return project;
}

/** The environment named `name`; an unknown name is an error naming the defined ones (and the likely typo). */
export function environmentOf(project: Project, name: string): Environment {
  const env = Object.hasOwn(project.environments, name) ? project.environments[name] : undefined;
  if (env) return env;
  const names = Object.keys(project.environments);
  if (!project.file) {
    throw new UsageError(
      `--env ${name}: there is no project file (looked for ${PROJECT_FILES.join(' and ')} in ${displayPath(project.dir)})`,
      'Create qcs-gitops.yaml with an environments section (see docs/environments.md), or pass --config FILE.',
    );
  }
  const pos = project.positions['environments.' + names[0]] ?? { file: project.file, line: 1, column: 1 };
  const guess = suggest(name, names);
  throw new ValidationError([
    {
      file: project.file,
      line: names.length ? pos.line : 1,
      column: names.length ? pos.column : 1,
      path: 'environments',
      message: `unknown environment '${name}'${guess ? ` — did you mean '${guess}'?` : ''}; ${names.length ? `the environments are: ${names.join(', ')}` : 'the project file defines no environments'}`,
      severity: 'error',
    },
  ], 'the project file');
}
