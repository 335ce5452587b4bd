// The exact YAML reader of declaration files (the `yaml` library): every document with its source positions, and
// every problem at its line and column — syntax errors, duplicate keys, prototype keys, non-scalar keys, undefined
// aliases, alias bombs and oversized collections. src/declarations/fast.ts reads plain files faster and asks this
// reader for positions only when it needs them.
import { createRequire } from 'node:module';
import type * as YamlLib from 'yaml';
import type { Document, Node as YamlNode, Pair, ParsedNode, YAMLMap } from 'yaml';
import type { Diagnostic, SourcePos } from '../errors.js';

/** Largest number of alias expansions in one document (the `yaml` library's "billion laughs" guard). */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of unclosed `[`/`{` accepted. The YAML parser's error recovery grows without bound on deeply
 * nested unclosed flow collections (a few thousand `[` exhaust the heap), so such text is refused before parsing. */
export const MAX_FLOW_DEPTH = 64;
/** Most items in one list or mapping. Real declarations hold tens or hundreds; schema validation of a huge list of
 * bad items grows faster than linearly (60 000 took 20 s), so larger collections are refused before it. */
export const MAX_COLLECTION_ITEMS = 10_000;
/** Keys that could pollute object prototypes downstream; refused wherever they appear. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

let yamlLib: typeof YamlLib | undefined;

/** `yaml`, loaded the first time a file needs it: a run whose files all go through the fast reader, and asks no
 * position, never parses it. `require` is the bundles' (their banner defines it; esbuild bundles what it names into
 * dist/); where there is none (the sources under test), one made here. */
function Y(): typeof YamlLib {
  if (!yamlLib) {
    try {
      yamlLib = require('yaml') as typeof YamlLib;
    } catch {
      yamlLib = createRequire(import.meta.url)('yaml') as typeof YamlLib;
    }
  }
  return yamlLib;
}

export type PathSegment = string | number;

/** One parsed, non-empty YAML document. */
export interface LoadedDocument {
  file: string;
  /** 0-based index of the document in its file (empty documents count). */
  index: number;
  /** The document as plain JS data (only for documents without errors). */
  value: unknown;
  /** Where the document's content starts. */
  source: SourcePos;
  /** Position of the node at `path`, or of its nearest existing parent. */
  positionOf(path: readonly PathSegment[]): SourcePos;
  /** Position of the key of the last segment of `path` (the node itself for list items), else as positionOf. */
  keyPositionOf(path: readonly PathSegment[]): SourcePos;
}

export interface ParsedText {
  documents: LoadedDocument[];
  diagnostics: Diagnostic[];
  /** True when the fast reader (js-yaml) read the file; positions then come from a lazy re-parse with `yaml`. */
  fast?: boolean;
}

export function diag(file: string, message: string, pos: { line: number; column: number } = { line: 1, column: 1 }, path = ''): Diagnostic {
  return { file, line: pos.line, column: pos.column, path, message, severity: 'error' };
}

/** A YAML library message, cut to its first sentence (the position is given separately). */
function cleanYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (/maximum call stack/i.test(first)) return 'the document is nested too deeply to read; flatten it';
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

/** Offset where the count of unclosed `[`/`{` first exceeds `limit` (brackets in strings and comments count too:
 * a conservative over-estimate that real declarations, nested a handful of levels, never approach). */
export function flowDepthOverflow(text: string, limit = MAX_FLOW_DEPTH): number | undefined {
  let depth = 0;
  const brackets = /[[\]{}]/g; // jumps from bracket to bracket: much faster than a loop over every character
  for (let m = brackets.exec(text); m; m = brackets.exec(text)) {
    const c = m[0];
    if (c === '[' || c === '{') {
      if (++depth > limit) return m.index;
    } else if (depth > 0) depth--;
  }
  return undefined;
}


/** Parses the text of one file with `yaml` (every position exact). `positionsOnly` (the fast reader asking where
 * things stand in text it has read and checked already) skips the checks and the conversion to JS values. */
export function parsePrecise(file: string, text: string, positionsOnly = false): ParsedText {
  const documents: LoadedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new (Y().LineCounter)();
  const posAt = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };

  const overflow = flowDepthOverflow(text);
  if (overflow !== undefined) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < overflow; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    const message = `brackets ([ ] or { }) nested or left open more than ${MAX_FLOW_DEPTH} levels deep; close each [ and { (the file is not parsed)`;
    diagnostics.push(diag(file, message, posAt(overflow)));
    return { documents, diagnostics };
  }

  let docs: Document.Parsed[];
  try {
    const parsed = Y().parseAllDocuments(text, {
      lineCounter,
      prettyErrors: true,
      // The library's own uniqueKeys check compares each key with every earlier one (quadratic: a 5 MiB file of
      // short keys takes hours); duplicateKeys() below finds them with a set per mapping instead.
      uniqueKeys: false,
      version: '1.2',
      schema: 'core', // YAML 1.2 core: `2026-01-01` stays a string, `yes` is not a boolean, even under %YAML 1.1
      merge: false,
      strict: true,
      logLevel: 'silent',
    });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    diagnostics.push(diag(file, `cannot parse YAML: ${e instanceof Error ? e.message : String(e)}`));
    return { documents, diagnostics };
  }

  let nonEmpty = 0;
  docs.forEach((doc, index) => {
    if (readDocument({ file, text, posAt, positionsOnly, documents, diagnostics }, doc, index)) nonEmpty++;
  });

  if (nonEmpty === 0 && diagnostics.length === 0) {
    // a warning: a file emptied on purpose (everything commented out) declares nothing, and that is allowed
    diagnostics.push({ ...diag(file, 'empty file: no YAML documents, so it declares nothing (add a declaration, or remove the file)'), severity: 'warning' });
  }
  return { documents, diagnostics };
}

interface ReadContext {
  file: string;
  text: string;
  posAt: (offset: number) => SourcePos;
  positionsOnly: boolean;
  documents: LoadedDocument[];
  diagnostics: Diagnostic[];
}

/** The library's errors and warnings of one document: after the first syntax error the rest of the document is
 * unreliable (not reported); duplicate keys are each their own problem. */
function documentProblems(ctx: ReadContext, doc: Document.Parsed): { errors: Diagnostic[]; sawSyntaxError: boolean } {
  const { file, text, posAt } = ctx;
  const errors: Diagnostic[] = [];
  let sawSyntaxError = false;
  for (const err of doc.errors) {
    if (err.code !== 'DUPLICATE_KEY') {
      if (sawSyntaxError) continue;
      sawSyntaxError = true;
    }
    const over = err.code === 'BLOCK_AS_IMPLICIT_KEY' ? overIndented(text, err.pos[0]) : undefined;
    if (over) {
      errors.push(diag(file, over.message, posAt(over.offset)));
      continue;
    }
    const pos = err.linePos?.[0] ? { line: err.linePos[0].line, column: err.linePos[0].col } : posAt(err.pos[0]);
    const message =
      err.code === 'DUPLICATE_KEY'
        ? `duplicate key: ${duplicateKeyName(text, err.pos[0])}each key may appear once in a mapping`
        : `YAML syntax error: ${cleanYamlMessage(err.message)}`;
    errors.push(diag(file, message, pos));
  }
  if (!ctx.positionsOnly) errors.push(...duplicateKeys(doc, text, posAt));
  for (const w of doc.warnings) {
    const pos = w.linePos?.[0] ? { line: w.linePos[0].line, column: w.linePos[0].col } : posAt(w.pos[0]);
    errors.push({ ...diag(file, `YAML: ${cleanYamlMessage(w.message)}`, pos), severity: 'warning' });
  }
  return { errors, sawSyntaxError };
}

/** One parsed document into `ctx.documents` (or its problems into `ctx.diagnostics`); false for an empty document. */
function readDocument(ctx: ReadContext, doc: Document.Parsed, index: number): boolean {
  const { file, posAt, documents, diagnostics } = ctx;
  const { errors, sawSyntaxError } = documentProblems(ctx, doc);
  const contents = doc.contents;
  const isEmpty = contents === null || (Y().isScalar(contents) && contents.value === null && contents.source === '' && !sawSyntaxError);
  if (isEmpty && errors.length === 0) return false; // an empty document (`---` with nothing after): skipped

  if (!sawSyntaxError && contents && !ctx.positionsOnly) errors.push(...structureProblems(doc, posAt));

  const start = contents?.range ? contents.range[0] : doc.range[0];
  const source = posAt(start);
  const positionOf = (path: readonly PathSegment[]) => posAt(nodeAt(doc, path, false));
  const keyPositionOf = (path: readonly PathSegment[]) => posAt(nodeAt(doc, path, true));

  diagnostics.push(...errors);
  if (errors.some((d) => d.severity !== 'warning')) return true;

  if (!Y().isMap(contents)) {
    const what = Y().isSeq(contents) ? 'a list' : Y().isScalar(contents) ? `a ${contents.value === null ? 'null' : typeof contents.value} value` : 'not a mapping';
    diagnostics.push(diag(file, `a declaration must be a mapping with apiVersion, kind, metadata and spec (got ${what})`, source));
    return true;
  }
  if (ctx.positionsOnly) {
    documents.push({ file, index, value: undefined, source, positionOf, keyPositionOf });
    return true;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const text2 = /alias count/i.test(msg)
      ? `too many alias expansions (more than ${MAX_ALIAS_COUNT}); anchors and aliases may not be used to inflate a document`
      : `cannot read the document: ${msg}`;
    diagnostics.push(diag(file, text2, source));
    return true;
  }
  documents.push({ file, index, value, source, positionOf, keyPositionOf });
  return true;
}

/** Keys repeated in a mapping, each reported at the repeat (scalar keys compared as text, as toJS would merge them). */
function duplicateKeys(doc: Document.Parsed, text: string, posAt: (offset: number) => SourcePos): Diagnostic[] {
  const out: Diagnostic[] = [];
  Y().visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = pair.key as YamlNode | null;
        if (!Y().isScalar(k)) continue;
        const name = String(k.value);
        if (!seen.has(name)) {
          seen.add(name);
          continue;
        }
        const offset = (k as ParsedNode).range?.[0] ?? 0;
        out.push(diag(posAt(offset).file, `duplicate key: ${duplicateKeyName(text, offset)}each key may appear once in a mapping`, posAt(offset)));
      }
    },
  });
  return out;
}

/** An over-indented key: the library reports it at the value of the key above (`scope: IMAGE` then `    reason: …`:
 * "nested mappings are not allowed in compact mappings" at `IMAGE`). Finds the line that is indented too far (the
 * first key line after the value, indented more than its key) and says so there, with the fix; undefined when the
 * text does not look like that. */
function overIndented(text: string, valueOffset: number): { offset: number; message: string } | undefined {
  const lineStart = text.lastIndexOf('\n', valueOffset - 1) + 1;
  const line = text.slice(lineStart, text.indexOf('\n', lineStart) < 0 ? text.length : text.indexOf('\n', lineStart));
  const parent = /^( *(?:- +)*)([^\s:#][^:#]*?)\s*:/.exec(line);
  if (!parent) return undefined;
  const parentIndent = parent[1]!.length;
  let at = text.indexOf('\n', lineStart);
  for (let i = 0; at >= 0 && i < 1000; i++) {
    const start = at + 1;
    const end = text.indexOf('\n', start) < 0 ? text.length : text.indexOf('\n', start);
    const next = text.slice(start, end);
    at = end < text.length ? end : -1;
    if (next.trim() === '' || next.trimStart().startsWith('#')) continue;
    const indent = next.length - next.trimStart().length;
    const key = /^([^\s:#][^:#]*?)\s*:(?:\s|$)/.exec(next.trimStart());
    if (indent <= parentIndent || !key) return undefined;
    const name = parent[2]!.trim();
    return {
      offset: start + indent,
      message:
        `'${key[1]!.trim()}' is indented ${indent} spaces, more than '${name}' on the line above (${parentIndent}), ` +
        `so YAML reads it as part of the value of '${name}'; indent it ${parentIndent} spaces like '${name}' ` +
        `(to nest it under '${name}', '${name}' must have no value on its own line)`,
    };
  }
  return undefined;
}

function duplicateKeyName(text: string, offset: number): string {
  const m = /^["']?([^"':\n]{1,80})/.exec(text.slice(offset, offset + 100));
  return m ? `'${m[1]!.trim()}' — ` : '';
}

/** Problems the YAML library accepts but declarations must not contain: prototype keys, non-scalar keys, undefined aliases. */
function structureProblems(doc: Document.Parsed, posAt: (offset: number) => SourcePos): Diagnostic[] {
  const out: Diagnostic[] = [];
  const anchors = new Set<string>();
  const tooMany = (node: { items: unknown[] }, what: string) => {
    if (node.items.length <= MAX_COLLECTION_ITEMS) return;
    const offset = (node as unknown as ParsedNode).range?.[0] ?? 0;
    out.push(diag(posAt(offset).file, `${what} holds ${node.items.length} items; the limit is ${MAX_COLLECTION_ITEMS} (split the declaration)`, posAt(offset)));
  };
  Y().visit(doc, {
    // a Seq/Map visitor replaces Node for collections: record their anchors here too
    Seq(_key, seq) {
      if (seq.anchor) anchors.add(seq.anchor);
      tooMany(seq, 'this list');
    },
    Map(_key, map) {
      if (map.anchor) anchors.add(map.anchor);
      tooMany(map, 'this mapping');
    },
    Pair(_key, pair) {
      const k = pair.key as YamlNode | null;
      const offset = (k as ParsedNode | null)?.range?.[0] ?? 0;
      if (k && !Y().isScalar(k) && !Y().isAlias(k)) {
        out.push(diag(posAt(offset).file, 'mapping keys must be plain scalars (text), not lists or mappings', posAt(offset)));
      } else if (Y().isScalar(k) && typeof k.value === 'string' && FORBIDDEN_KEYS.has(k.value)) {
        out.push(diag(posAt(offset).file, `key '${k.value}' is not allowed (it could alter object prototypes); rename or remove it`, posAt(offset)));
      } else if (Y().isAlias(k)) {
        out.push(diag(posAt(offset).file, 'mapping keys must not be aliases', posAt(offset)));
      }
    },
    Node(_key, node) {
      if (node.anchor) anchors.add(node.anchor);
    },
    Alias(_key, alias) {
      if (!anchors.has(alias.source)) {
        const offset = (alias as ParsedNode).range?.[0] ?? 0;
        out.push(diag(posAt(offset).file, `alias *${alias.source} refers to no anchor defined before it`, posAt(offset)));
      }
    },
  });
  return out;
}

const pairIndexes = new WeakMap<object, Map<string, Pair>>();

/** The pairs of a mapping by key text (first wins), built once: a linear search per diagnostic is quadratic on a
 * mapping with many (unknown) keys. */
function pairIndex(map: YAMLMap): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) if (Y().isPair(p) && Y().isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    pairIndexes.set(map, index);
  }
  return index;
}

/**
 * Offset of the node at `path` (following aliases). When a segment does not exist, the nearest existing parent.
 * With `wantKey`, the offset of the key of the last segment when that segment is a mapping key.
 */
function nodeAt(doc: Document.Parsed, path: readonly PathSegment[], wantKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as ParsedNode | null)?.range?.[0] ?? doc.range[0];
  for (let i = 0; i < path.length; i++) {
    if (Y().isAlias(node)) node = node.resolve(doc);
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (Y().isMap(node)) {
      const pair = pairIndex(node).get(String(seg));
      if (!pair) return offset;
      const keyNode = pair.key as ParsedNode;
      const valueNode = pair.value as ParsedNode | null;
      if (last && wantKey) return keyNode.range[0];
      // `key:` with no value: point at the key
      const emptyValue = !valueNode || (Y().isScalar(valueNode) && valueNode.value === null && (valueNode.source ?? '') === '');
      offset = emptyValue ? keyNode.range[0] : valueNode!.range[0];
      node = valueNode;
    } else if (Y().isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as ParsedNode | undefined;
      if (!item) return offset;
      offset = item.range[0];
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}
