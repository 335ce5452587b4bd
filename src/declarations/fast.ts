// The fast reader of declaration files: js-yaml 4, set to the YAML 1.2 core schema exactly as `yaml` reads it in
// load.ts (the same regular expressions and conversions, copied from `yaml`'s core schema), for files made of plain
// declarations. It is about ten times faster than `yaml`'s parser on a file of 10,000 declarations.
//
// It declines (returns undefined, and load.ts reads the file with `yaml`) whenever the file holds anything the two
// readers might not read alike or that `yaml` reports on: tags, anchors, aliases, directives, explicit (`?`) or
// collection keys, duplicate keys, forbidden keys, flow collections or quoted texts over several lines (whose
// indentation js-yaml does not check), documents that are not mappings, a file with no document, and any text js-yaml
// refuses. What it accepts, it reads to the same values as `yaml`; the positions of the documents come
// from its listener events; any other position (for a diagnostic, or a plan's annotation) comes from a re-parse with
// `yaml` of that document's text, done only when a position in it is asked for, so every diagnostic keeps its exact
// line:column.
// test/declarations/fast.test.ts checks that both readers agree on the whole corpus.
import jsyaml from 'js-yaml';
import type { Diagnostic, SourcePos } from '../errors.js';
import { FORBIDDEN_KEYS, MAX_COLLECTION_ITEMS, type LoadedDocument, type ParsedText, type PathSegment } from './yaml.js';

const { Type, FAILSAFE_SCHEMA } = jsyaml;

// YAML 1.2 core schema, as `yaml` (node_modules/yaml/dist/schema/core/*.js) resolves plain scalars.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const coreNull = new Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (s: string) => NULL.test(s), construct: () => null });
const coreBool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string) => BOOL.test(s),
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
});
const coreInt = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string) => INT_OCT.test(s) || INT.test(s) || INT_HEX.test(s),
  construct: (s: string) => (INT_OCT.test(s) ? parseInt(s.substring(2), 8) : INT.test(s) ? parseInt(s, 10) : parseInt(s.substring(2), 16)),
});
const coreFloat = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string) => FLOAT_NAN.test(s) || FLOAT_EXP.test(s) || FLOAT.test(s),
  construct: (s: string) => (FLOAT_NAN.test(s) ? (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity) : parseFloat(s)),
});

/** js-yaml with exactly `yaml`'s YAML 1.2 core schema (no timestamps, no `yes`/`no`, no `<<` merge, no `!!binary`). */
export const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [coreNull, coreBool, coreInt, coreFloat] });

/**
 * Text the fast reader leaves to `yaml`: a directive (`%YAML`), an explicit key (`? `), a collection used as a key
 * (`]:` or `}:`), a tag, anchor or alias (`!`, `&`, `*` where a node may start), and a `#` right after a quote or
 * bracket (a comment `yaml` refuses, js-yaml takes). Over-cautious on purpose: a
 * `*` or `!` after a space inside a plain text also sends the file to `yaml`, which only costs time.
 */
const LEAVE_TO_YAML = /^%|^[ \t-]*\?(?:[ \t]|$)|[\]}][ \t]*:(?:[ \t]|$)|(?:^|[\s[{,])[&*!]|["'\]}]#/m;

export function fastEligible(text: string): boolean {
  return !LEAVE_TO_YAML.test(text);
}

/** Offset of the first character at or after `i` that is not a space, tab, line break or comment. */
function skipBlank(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return text.length;
      i = nl + 1;
    } else return i;
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function positionAt(starts: readonly number[], file: string, offset: number): SourcePos {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** A key `yaml` reports on: one that could alter prototypes, or one too long for an implicit key (1,024 characters in
 * YAML; 1,000 here, to stay clear of how each library counts). */
function hasForbiddenKey(v: unknown): boolean {
  if (Array.isArray(v)) {
    for (const x of v) if (x !== null && typeof x === 'object' && hasForbiddenKey(x)) return true;
    return false;
  }
  if (v === null || typeof v !== 'object') return false;
  for (const k of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(k) || k.length > 1000) return true;
    const x = (v as Record<string, unknown>)[k];
    if (x !== null && typeof x === 'object' && hasForbiddenKey(x)) return true;
  }
  return false;
}

/** Documents of one file read again one by one for their positions before the whole file is read instead. */
const WHOLE_FILE_AFTER = 20;

interface ListenerState {
  position: number;
  kind: string | null;
  result: unknown;
}

interface Scan {
  values: unknown[];
  /** Where each document's root starts, and whether it is empty. */
  roots: Array<{ start: number; empty: boolean }>;
  /** Collections over MAX_COLLECTION_ITEMS, by document. */
  crowded: Array<{ offset: number; what: string; n: number; doc: number }>;
}

/** One js-yaml pass over the text, noting where each document starts and which collections are too large; undefined
 * when `yaml` must read the file (a syntax error, or flow collections and quoted text over several lines). */
function scan(file: string, text: string): Scan | undefined {
  const roots: Scan['roots'] = [];
  const opens: number[] = [];
  const crowded: Scan['crowded'] = [];
  let multiLine = false;
  let values: unknown[];
  try {
    values = jsyaml.loadAll(text, undefined, {
      schema: CORE_SCHEMA,
      filename: file,
      listener(event: 'open' | 'close', state: ListenerState) {
        if (event === 'open') {
          if (opens.length === 0) roots.push({ start: state.position, empty: false });
          opens.push(state.position);
          return;
        }
        const openedAt = opens.pop()!;
        const r = state.result;
        // A flow collection or quoted text over several lines: js-yaml is lenient with their indentation where `yaml`
        // is strict (YAML 1.2 wants continuation lines indented), so such files are left to `yaml`.
        const at = skipBlank(text, openedAt);
        const c = text.charCodeAt(at);
        if (c === 0x5b || c === 0x7b || c === 0x22 || c === 0x27) {
          const nl = text.indexOf('\n', at);
          if (nl >= 0 && nl < state.position) multiLine = true;
        }
        if (state.kind === 'sequence' || state.kind === 'mapping') {
          const n = Array.isArray(r) ? r.length : r && typeof r === 'object' ? Object.keys(r).length : 0;
          if (n > MAX_COLLECTION_ITEMS) crowded.push({ offset: skipBlank(text, openedAt), what: state.kind === 'sequence' ? 'this list' : 'this mapping', n, doc: roots.length - 1 });
        }
        if (opens.length === 0) roots[roots.length - 1]!.empty = !state.kind && r === null;
      },
    });
  } catch {
    return undefined; // a syntax error, a duplicate key, ...: `yaml` says where and what
  }
  if (multiLine || roots.length !== values.length || opens.length !== 0) return undefined;
  return { values, roots, crowded };
}

/** Exact positions: the document's own text (from the start of the line its content starts on to the line the next
 * document's content starts on) read by `yaml`, lines shifted back; one small parse per document asked about, so a
 * report on a few documents of a 10,000-document file does not read the whole file again. */
function exactDocuments(
  file: string,
  text: string,
  starts: number[],
  roots: Scan['roots'],
  parsePreciseText: (file: string, text: string) => ParsedText,
): (index: number) => LoadedDocument | undefined {
  const exact = new Map<number, LoadedDocument | undefined>();
  const lineOf = (offset: number) => positionAt(starts, file, offset).line;
  let whole: Map<number, LoadedDocument> | undefined;
  return (index: number): LoadedDocument | undefined => {
    if (exact.has(index)) return exact.get(index);
    if (whole || exact.size >= WHOLE_FILE_AFTER) {
      // many documents asked about (a report on most of the file): one parse of the whole file costs less
      whole ??= new Map(parsePreciseText(file, text).documents.map((d) => [d.index, d]));
      return whole.get(index);
    }
    const firstLine = lineOf(skipBlank(text, roots[index]!.start));
    const next = roots[index + 1];
    const lastLine = next ? lineOf(skipBlank(text, next.start)) : starts.length + 1;
    const slice = text.slice(starts[firstLine - 1], lastLine - 1 < starts.length ? starts[lastLine - 1] : text.length);
    const inner = parsePreciseText(file, slice).documents[0];
    const shift = (p: SourcePos): SourcePos => ({ ...p, line: p.line + firstLine - 1 });
    const doc = inner && { ...inner, positionOf: (path: readonly PathSegment[]) => shift(inner.positionOf(path)), keyPositionOf: (path: readonly PathSegment[]) => shift(inner.keyPositionOf(path)) };
    exact.set(index, doc);
    return doc;
  };
}

/**
 * Reads `text` with js-yaml, or returns undefined when `yaml` must read it. `parsePreciseText` reads text with `yaml`;
 * it is called only when a position other than a document's start is asked for, once a document.
 */
export function parseFast(file: string, text: string, parsePreciseText: (file: string, text: string) => ParsedText): ParsedText | undefined {
  if (!fastEligible(text)) return undefined;
  const scanned = scan(file, text);
  if (!scanned) return undefined;
  const { values, roots, crowded } = scanned;
  const starts = lineStarts(text);
  const documents: LoadedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const exactDoc = exactDocuments(file, text, starts, roots, parsePreciseText);
  let nonEmpty = 0;
  for (let index = 0; index < values.length; index++) {
    const root = roots[index]!;
    if (root.empty) continue;
    nonEmpty++;
    const value = values[index];
    // not a mapping (`yaml` words the diagnostic), or a key that could alter prototypes (`yaml` places it)
    if (value === null || typeof value !== 'object' || Array.isArray(value) || hasForbiddenKey(value)) return undefined;
    const source = positionAt(starts, file, skipBlank(text, root.start));
    const tooMany = crowded.filter((c) => c.doc === index);
    if (tooMany.length) {
      for (const c of tooMany) {
        diagnostics.push({ ...positionAt(starts, file, c.offset), path: '', message: `${c.what} holds ${c.n} items; the limit is ${MAX_COLLECTION_ITEMS} (split the declaration)`, severity: 'error' });
      }
      continue;
    }
    documents.push({
      file,
      index,
      value,
      source,
      positionOf: (path: readonly PathSegment[]) => exactDoc(index)?.positionOf(path) ?? source,
      keyPositionOf: (path: readonly PathSegment[]) => exactDoc(index)?.keyPositionOf(path) ?? source,
    });
  }
  if (nonEmpty === 0) return undefined; // `yaml` reports the empty file
  return { documents, diagnostics, fast: true };
}
