// Validates loaded documents: the JSON Schemas in schemas/ (ajv, compiled once), each kind's own checks, and
// checks across documents (one declaration per kind and name). Returns problems as data; never throws for bad input.
import { ValidationError, type Diagnostic, type SourcePos } from '../errors.js';
import { formatPath } from '../json.js';
import type { Declaration, KindName } from '../types.js';
import { kindByName } from '../kinds/index.js';
import type { CheckIssue } from '../kinds/types.js';
import { pinnedIdPath } from '../kinds/defaults.js';
import { loadDocuments, parseText, transformDocuments, type LoadOptions, type LoadResult, type LoadedDocument, type PathSegment } from './load.js';
import { translateErrors } from './messages.js';
import { schemaSet } from './schemas.js';
import { ignorePathProblem } from './ignore.js';

export interface ValidationResult {
  /** Documents that passed every check. */
  declarations: Declaration[];
  /** Every problem found, sorted by file, line and column. */
  diagnostics: Diagnostic[];
  /** Every file read, in load order. */
  files: string[];
}

function at(pos: SourcePos, path: readonly PathSegment[], message: string): Diagnostic {
  return { file: pos.file, line: pos.line, column: pos.column, path: formatPath(path), message, severity: 'error' };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Numbers JSON cannot carry exactly (issue 26): NaN (`.nan`), infinities (`.inf`, `1e400`) and integers beyond
 * 2^53, anywhere in a document (metaData included). They would be sent as null or rounded and never converge. */
function unsafeNumbers(value: unknown, path: PathSegment[], out: Array<{ path: PathSegment[]; message: string }>): void {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) out.push({ path: [...path], message: 'NaN (.nan) is not a number the API accepts; write a number' });
    else if (!Number.isFinite(value)) out.push({ path: [...path], message: 'an infinite number (.inf, or one too large such as 1e400) is not a number the API accepts; write a finite number' });
    else if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      out.push({ path: [...path], message: `the integer is beyond 2^53 (${Number.MAX_SAFE_INTEGER}) and cannot be sent exactly; write a smaller number, or a string where the field allows one` });
    }
    return;
  }
  if (out.length >= MAX_PROBLEMS || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) value.forEach((v, i) => unsafeNumbers(v, [...path, i], out));
  else for (const [k, v] of Object.entries(value)) unsafeNumbers(v, [...path, k], out);
}

/** Schema and kind checks of one document. */
function validateDocument(doc: LoadedDocument, accepted: Readonly<Record<string, readonly string[]>> = {}): { declaration?: Declaration; diagnostics: Diagnostic[] } {
  const { validate } = schemaSet();
  const diagnostics: Diagnostic[] = [];
  const numbers: Array<{ path: PathSegment[]; message: string }> = [];
  unsafeNumbers(doc.value, [], numbers);
  if (numbers.length > 0) return { diagnostics: numbers.map((n) => at(doc.positionOf(n.path), n.path, n.message)) };
  if (!validate(doc.value)) {
    // ajv reports every error (a list of 100 000 bad items gives 100 000); wording each costs time, so a document
    // gets at most MAX_PROBLEMS of them (validateLoaded says when the limit cut the report short)
    for (const p of translateErrors((validate.errors ?? []).slice(0, MAX_PROBLEMS), doc.value)) {
      const pos = p.atKey ? doc.keyPositionOf(p.path) : doc.positionOf(p.path);
      diagnostics.push(at(pos, p.path, p.message));
    }
    diagnostics.push(...knownValueProblems(doc, accepted, diagnostics));
    return { diagnostics };
  }
  const value = doc.value as { apiVersion: string; kind: KindName; metadata: { name: string; annotations?: Record<string, string>; ignore?: string[] }; spec: Record<string, unknown> };
  const declaration: Declaration = {
    apiVersion: value.apiVersion,
    kind: value.kind,
    name: value.metadata.name,
    spec: value.spec,
    ...(value.metadata.annotations ? { annotations: { ...value.metadata.annotations } } : {}),
    ...(value.metadata.ignore?.length ? { ignore: [...value.metadata.ignore] } : {}),
    source: doc.source,
    positionOf: (path) => doc.positionOf(path),
  };
  const kind = kindByName(value.kind);
  (value.metadata.ignore ?? []).forEach((p, i) => {
    const problem = kind && ignorePathProblem(kind, p);
    const path: PathSegment[] = ['metadata', 'ignore', i];
    if (problem) diagnostics.push(at(doc.positionOf(path), path, problem));
  });
  let issues;
  try {
    issues = kindByName(value.kind)?.check?.(value.spec, value.metadata.name) ?? [];
  } catch (e) {
    // A kind's check must not crash validation; report it as a problem of this document.
    return { diagnostics: [at(doc.source, [], `internal error while checking this ${value.kind}: ${e instanceof Error ? e.message : String(e)}`)] };
  }
  for (const issue of issues) {
    // a value outside a known set that the project file accepts (acceptValues) is no problem
    if (issue.accept && (accepted[issue.accept.key] ?? []).some((v) => v.trim().toUpperCase() === issue.accept!.value)) continue;
    const path: PathSegment[] = ['spec', ...issue.path];
    diagnostics.push(issue.severity === 'warning' ? { ...at(doc.positionOf(path), path, issue.message), severity: 'warning' } : at(doc.positionOf(path), path, issue.message));
  }
  return hasErrors(diagnostics) ? { diagnostics } : { declaration, diagnostics };
}

/** The known-set value errors of a document the schema refused (the known sets left the schemas for the kinds'
 * checks, issue 30): reported with the schema's problems, so a bad `reason` is not hidden by a missing date. The
 * check runs on a document of any shape; a crash of it, or any other issue, is left for the next run. */
function knownValueProblems(doc: LoadedDocument, accepted: Readonly<Record<string, readonly string[]>>, already: readonly Diagnostic[]): Diagnostic[] {
  const v = doc.value as { kind?: unknown; spec?: unknown; metadata?: { name?: unknown } } | null;
  if (!v || typeof v !== 'object' || typeof v.kind !== 'string' || !v.spec || typeof v.spec !== 'object' || Array.isArray(v.spec)) return [];
  const kind = kindByName(v.kind);
  let issues: CheckIssue[];
  try {
    issues = kind?.check?.(v.spec as Record<string, unknown>, typeof v.metadata?.name === 'string' ? v.metadata.name : '') ?? [];
  } catch {
    return [];
  }
  const seen = new Set(already.map((d) => d.path));
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    if (!issue.accept || (accepted[issue.accept.key] ?? []).some((a) => a.trim().toUpperCase() === issue.accept!.value)) continue;
    const path: PathSegment[] = ['spec', ...issue.path];
    const d = at(doc.positionOf(path), path, issue.message);
    if (!seen.has(d.path)) out.push(d);
  }
  return out;
}

/** One declaration per kind and name (and per pinned id, for kinds with an `idField`); reported at the second, naming the first. */
function duplicateProblems(documents: readonly LoadedDocument[]): { diagnostics: Diagnostic[]; involved: Set<LoadedDocument> } {
  const out: Diagnostic[] = [];
  const involved = new Set<LoadedDocument>();
  const firstByKey = new Map<string, LoadedDocument>();
  const claim = (key: string, doc: LoadedDocument, path: PathSegment[], what: string) => {
    const first = firstByKey.get(key);
    if (!first) {
      firstByKey.set(key, doc);
      return;
    }
    involved.add(first).add(doc);
    const p = first.positionOf(path);
    out.push(at(doc.positionOf(path), path, `${what} is declared twice: first at ${p.file}:${p.line}:${p.column}; keep one`));
  };
  for (const doc of documents) {
    const v = doc.value as { kind?: unknown; metadata?: { name?: unknown }; spec?: Record<string, unknown> } | null;
    const kind = v && typeof v === 'object' && typeof v.kind === 'string' ? kindByName(v.kind) : undefined;
    if (!v || !kind) continue;
    const name = v.metadata && typeof v.metadata === 'object' ? v.metadata.name : undefined;
    if (typeof name === 'string' && name !== '') claim(`${kind.kind}\u0000${name}`, doc, ['metadata', 'name'], `${kind.kind} '${name}'`);
    const id = kind.idField !== undefined && v.spec && typeof v.spec === 'object' ? v.spec[kind.idField] : undefined;
    if (typeof id === 'string' && id !== '') claim(`${kind.kind}/id\u0000${id.toLowerCase()}`, doc, pinnedIdPath(kind), `${kind.kind} ${kind.idField} '${id}'`);
  }
  return { diagnostics: out, involved };
}

/** Values of a kind's `claims` field (one object a value) claimed by two declarations: an error at both lines. */
function claimProblems(declarations: readonly Declaration[]): { diagnostics: Diagnostic[]; involved: Set<Declaration> } {
  const out: Diagnostic[] = [];
  const involved = new Set<Declaration>();
  const first = new Map<string, { decl: Declaration; path: PathSegment[] }>();
  for (const d of declarations) {
    const kind = kindByName(d.kind);
    const claim = kind?.claims;
    if (!kind || !claim) continue;
    const spec = d.spec as Record<string, unknown>;
    const key = Object.keys(spec).find((k) => (kind.aliases?.[k] ?? k) === claim.field && Array.isArray(spec[k]));
    if (key === undefined) continue;
    (spec[key] as unknown[]).forEach((v, i) => {
      if (typeof v !== 'string' || v === '') return;
      const path: PathSegment[] = ['spec', key, i];
      const id = `${d.kind}\u0000${v.toLowerCase()}`;
      const earlier = first.get(id);
      if (!earlier) {
        first.set(id, { decl: d, path });
        return;
      }
      if (earlier.decl === d) return;
      const a = earlier.decl.positionOf(earlier.path);
      const b = d.positionOf(path);
      const rule = `one ${d.kind} a ${claim.what}`;
      out.push(at(a, earlier.path, `${claim.what} ${v} is claimed by ${d.kind} '${earlier.decl.name}' and by '${d.name}' (${b.file}:${b.line}:${b.column}): ${rule}; keep it in one of them`));
      out.push(at(b, path, `${claim.what} ${v} is claimed by ${d.kind} '${d.name}' and by '${earlier.decl.name}' (${a.file}:${a.line}:${a.column}): ${rule}; keep it in one of them`));
      involved.add(earlier.decl).add(d);
    });
  }
  return { diagnostics: out, involved };
}

/** Loads and validates every declaration under `paths`. Never throws for bad input. */
export async function loadAndValidate(paths: readonly string[], options: LoadOptions = {}): Promise<ValidationResult> {
  return validateLoaded(await loadDocuments(paths, options), options);
}

/** Validates the text of one file as if it had been read from `file` (for tests and in-memory sources). */
export function validateText(file: string, text: string, options: LoadOptions = {}): ValidationResult {
  const parsed = transformDocuments(parseText(file, text), options);
  return validateLoaded({ ...parsed, files: [file] }, options);
}

/** Problems after which checking stops (a broken or hostile file can hold hundreds of thousands). */
export const MAX_PROBLEMS = 1000;

function validateLoaded(loaded: LoadResult, options: LoadOptions = {}): ValidationResult {
  const diagnostics = [...loaded.diagnostics];
  const declarations: Declaration[] = [];
  const dups = duplicateProblems(loaded.documents);
  diagnostics.push(...dups.diagnostics);
  for (const doc of loaded.documents) {
    if (diagnostics.length >= MAX_PROBLEMS) {
      diagnostics.push(at(doc.source, [], `more than ${MAX_PROBLEMS} problems found; stopped checking here. Fix those reported and run again`));
      break;
    }
    const r = validateDocument(doc, options.acceptValues);
    diagnostics.push(...r.diagnostics);
    // A duplicated declaration is not usable either: neither copy is returned.
    if (r.declaration && !dups.involved.has(doc)) declarations.push(r.declaration);
  }
  const clashes = claimProblems(declarations);
  if (clashes.diagnostics.length) {
    diagnostics.push(...clashes.diagnostics);
    for (let i = declarations.length - 1; i >= 0; i--) if (clashes.involved.has(declarations[i]!)) declarations.splice(i, 1);
  }
  diagnostics.sort(compareDiagnostics);
  if (diagnostics.length > MAX_PROBLEMS + 1) {
    // duplicates and parse problems are not limited above: cut the report, saying how much was left out
    const last = diagnostics[MAX_PROBLEMS]!;
    const more = diagnostics.length - MAX_PROBLEMS;
    diagnostics.length = MAX_PROBLEMS;
    diagnostics.push(at(last, [], `${more} more problems not shown (at most ${MAX_PROBLEMS} are reported); fix those reported and run again`));
  }
  return { declarations, diagnostics, files: loaded.files };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity !== 'warning');
}

/** Loads and validates; throws ValidationError (holding every diagnostic) when any is an error. The warnings of
 * valid declarations (a value the notes do not name) are told to `onWarning`, in position order. */
export async function loadDeclarations(paths: readonly string[], options: LoadOptions = {}, onWarning?: (d: Diagnostic) => void): Promise<Declaration[]> {
  const { declarations, diagnostics } = await loadAndValidate(paths, options);
  if (hasErrors(diagnostics)) throw new ValidationError(diagnostics);
  if (onWarning) for (const d of diagnostics) onWarning(d);
  return declarations;
}

