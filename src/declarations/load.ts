// Reads declaration files (files and folders given on the command line) and parses their YAML documents,
// keeping source positions. Never throws for bad input: every problem becomes a Diagnostic.
import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import {
  Document,
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
  type Node as YamlNode,
  type Pair,
  type ParsedNode,
  type YAMLMap,
} from 'yaml';
import type { Diagnostic, SourcePos } from '../errors.js';

/** Largest declaration file read. Larger files are refused with a diagnostic. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
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

export interface LoadResult {
  documents: LoadedDocument[];
  diagnostics: Diagnostic[];
  /** Every file read (display paths), in load order. */
  files: string[];
}

const YAML_EXT = /\.ya?ml$/i;

function diag(file: string, message: string, pos: { line: number; column: number } = { line: 1, column: 1 }, path = ''): Diagnostic {
  return { file, line: pos.line, column: pos.column, path, message, severity: 'error' };
}

function isInside(child: string, root: string): boolean {
  return child === root || child.startsWith(root.endsWith(sep) ? root : root + sep);
}

function displayPath(p: string): string {
  const abs = resolve(p);
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : abs;
}

function errnoMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links (a symlink loop)';
  return e instanceof Error ? e.message : String(e);
}

/** Lists the YAML files to read for the given paths: files as given, folders walked (sorted, hidden entries skipped). */
export async function collectFiles(paths: readonly string[]): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const seenReal = new Set<string>();

  const addFile = (display: string, real: string) => {
    if (seenReal.has(real)) return; // the same file reached twice (named twice, or through a symlink): read once
    seenReal.add(real);
    files.push(display);
  };

  async function walk(dirDisplay: string, dirReal: string, root: string, ancestors: Set<string>): Promise<void> {
    let entries;
    try {
      entries = await readdir(dirReal, { withFileTypes: true });
    } catch (e) {
      diagnostics.push(diag(dirDisplay, `cannot read folder: ${errnoMessage(e)}`));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue; // .git, editor swap files, ...
      const display = join(dirDisplay, entry.name);
      const full = join(dirReal, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let real = full;
      if (entry.isSymbolicLink()) {
        try {
          real = await realpath(full);
          const st = await stat(real);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (e) {
          if (YAML_EXT.test(entry.name) || (e as NodeJS.ErrnoException)?.code === 'ELOOP') {
            diagnostics.push(diag(display, `broken symbolic link: ${errnoMessage(e)}`));
          }
          continue;
        }
        if (!isInside(real, root)) {
          if (isDir || YAML_EXT.test(entry.name)) {
            diagnostics.push(diag(display, `symbolic link points outside ${displayPath(root)} (to ${real}); skipped — copy the file in instead`));
          }
          continue;
        }
      }
      if (isDir) {
        if (ancestors.has(real)) {
          diagnostics.push(diag(display, `symbolic link loop: ${real} is a parent of this folder; skipped`));
          continue;
        }
        await walk(display, real, root, new Set([...ancestors, real]));
      } else if (isFile && YAML_EXT.test(entry.name)) {
        addFile(display, real);
      }
    }
  }

  for (const p of paths) {
    if (p.trim() === '') {
      diagnostics.push(diag('(empty path)', 'an empty path was given; name a declaration file or folder'));
      continue;
    }
    const display = displayPath(p);
    try {
      await lstat(p);
      const real = await realpath(p);
      const st = await stat(real);
      if (st.isDirectory()) {
        const before = files.length;
        await walk(display, real, real, new Set([real]));
        if (files.length === before && !diagnostics.some((d) => d.file.startsWith(display))) {
          // an error, not a warning: a wrong folder in CI must not validate or plan nothing and pass
          diagnostics.push(diag(display, 'no *.yaml or *.yml files in this folder; name a folder holding declarations'));
        }
      } else if (st.isFile()) {
        addFile(display, real); // named explicitly: read whatever its extension
      } else {
        diagnostics.push(diag(display, 'not a regular file or folder'));
      }
    } catch (e) {
      diagnostics.push(diag(display, errnoMessage(e)));
    }
  }
  return { files, diagnostics };
}

/** Reads and decodes one file; a diagnostic instead of text when it is too large, binary or not UTF-8. */
export async function readText(file: string): Promise<{ text?: string; diagnostic?: Diagnostic }> {
  try {
    const st = await stat(file);
    if (st.size > MAX_FILE_BYTES) {
      return { diagnostic: diag(file, `file is too large (${st.size} bytes; the limit is ${MAX_FILE_BYTES} bytes = 5 MiB); split it into several files`) };
    }
    const buf = await readFile(file);
    if (buf.length > MAX_FILE_BYTES) return { diagnostic: diag(file, `file is too large (the limit is ${MAX_FILE_BYTES} bytes = 5 MiB)`) };
    const nul = buf.indexOf(0);
    if (nul >= 0) {
      return { diagnostic: diag(file, `binary file (NUL byte at offset ${nul}); declarations must be UTF-8 YAML text`) };
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf); // strips a UTF-8 BOM
    } catch {
      return { diagnostic: diag(file, 'not valid UTF-8; save the file as UTF-8') };
    }
    return { text };
  } catch (e) {
    return { diagnostic: diag(file, `cannot read file: ${errnoMessage(e)}`) };
  }
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
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

/** Most lines plus commas in one file. The YAML reader needs about 1 KB of memory for each item, and an item needs a
 * line or a comma: 5 MiB of `- {a: 1}` lines or `1,` items took 1.4–2.6 GB and 16–26 s. Real files hold a few hundred. */
export const MAX_SEPARATORS = 50_000;

/** Offset where the count of newlines and commas first exceeds `limit`. */
export function separatorOverflow(text: string, limit = MAX_SEPARATORS): number | undefined {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 0x0a || c === 0x2c) && ++n > limit) return i;
  }
  return undefined;
}

/** Parses the text of one file into documents and diagnostics. */
export function parseText(file: string, text: string): { documents: LoadedDocument[]; diagnostics: Diagnostic[] } {
  const documents: LoadedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  const posAt = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };

  const overflow = flowDepthOverflow(text);
  const crowded = overflow === undefined ? separatorOverflow(text) : undefined;
  if (overflow !== undefined || crowded !== undefined) {
    const at = (overflow ?? crowded)!;
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    const message =
      overflow !== undefined
        ? `brackets ([ ] or { }) nested or left open more than ${MAX_FLOW_DEPTH} levels deep; close each [ and { (the file is not parsed)`
        : `the file holds more than ${MAX_SEPARATORS} lines and commas (list items); split it into several files (the file is not parsed)`;
    diagnostics.push(diag(file, message, posAt(at)));
    return { documents, diagnostics };
  }

  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, {
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
    const errors: Diagnostic[] = [];
    let sawSyntaxError = false;
    for (const err of doc.errors) {
      // After the first syntax error the rest of the document is unreliable; duplicate keys are each their own problem.
      if (err.code !== 'DUPLICATE_KEY') {
        if (sawSyntaxError) continue;
        sawSyntaxError = true;
      }
      const pos = err.linePos?.[0] ? { line: err.linePos[0].line, column: err.linePos[0].col } : posAt(err.pos[0]);
      const message =
        err.code === 'DUPLICATE_KEY'
          ? `duplicate key: ${duplicateKeyName(text, err.pos[0])}each key may appear once in a mapping`
          : `YAML syntax error: ${cleanYamlMessage(err.message)}`;
      errors.push(diag(file, message, pos));
    }
    errors.push(...duplicateKeys(doc, text, posAt));
    for (const w of doc.warnings) {
      const pos = w.linePos?.[0] ? { line: w.linePos[0].line, column: w.linePos[0].col } : posAt(w.pos[0]);
      errors.push({ ...diag(file, `YAML: ${cleanYamlMessage(w.message)}`, pos), severity: 'warning' });
    }

    const contents = doc.contents;
    const isEmpty = contents === null || (isScalar(contents) && contents.value === null && contents.source === '' && !sawSyntaxError);
    if (isEmpty && errors.length === 0) return; // an empty document (`---` with nothing after): skipped
    nonEmpty++;

    if (!sawSyntaxError && contents) errors.push(...structureProblems(doc, posAt));

    const start = contents?.range ? contents.range[0] : doc.range[0];
    const source = posAt(start);
    const positionOf = (path: readonly PathSegment[]) => posAt(nodeAt(doc, path, false));
    const keyPositionOf = (path: readonly PathSegment[]) => posAt(nodeAt(doc, path, true));

    diagnostics.push(...errors);
    if (errors.some((d) => d.severity !== 'warning')) return;

    if (!isMap(contents)) {
      const what = isSeq(contents) ? 'a list' : isScalar(contents) ? `a ${contents.value === null ? 'null' : typeof contents.value} value` : 'not a mapping';
      diagnostics.push(diag(file, `a declaration must be a mapping with apiVersion, kind, metadata and spec (got ${what})`, source));
      return;
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
      return;
    }
    documents.push({ file, index, value, source, positionOf, keyPositionOf });
  });

  if (nonEmpty === 0 && diagnostics.length === 0) {
    diagnostics.push(diag(file, 'empty file: no YAML documents (expected at least one declaration)'));
  }
  return { documents, diagnostics };
}

/** Keys repeated in a mapping, each reported at the repeat (scalar keys compared as text, as toJS would merge them). */
function duplicateKeys(doc: Document.Parsed, text: string, posAt: (offset: number) => SourcePos): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = pair.key as YamlNode | null;
        if (!isScalar(k)) continue;
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
  visit(doc, {
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
      if (k && !isScalar(k) && !isAlias(k)) {
        out.push(diag(posAt(offset).file, 'mapping keys must be plain scalars (text), not lists or mappings', posAt(offset)));
      } else if (isScalar(k) && typeof k.value === 'string' && FORBIDDEN_KEYS.has(k.value)) {
        out.push(diag(posAt(offset).file, `key '${k.value}' is not allowed (it could alter object prototypes); rename or remove it`, posAt(offset)));
      } else if (isAlias(k)) {
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
    for (const p of map.items) if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
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
    if (isAlias(node)) node = node.resolve(doc);
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = pairIndex(node).get(String(seg));
      if (!pair) return offset;
      const keyNode = pair.key as ParsedNode;
      const valueNode = pair.value as ParsedNode | null;
      if (last && wantKey) return keyNode.range[0];
      // `key:` with no value: point at the key
      const emptyValue = !valueNode || (isScalar(valueNode) && valueNode.value === null && (valueNode.source ?? '') === '');
      offset = emptyValue ? keyNode.range[0] : valueNode!.range[0];
      node = valueNode;
    } else if (isSeq(node) && typeof seg === 'number') {
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

/** A step run on every parsed document before validation (the environment's `${values.NAME}` substitution): it may
 * change the document's data in place but not its shape, and returns its problems; a document with an error is dropped. */
export type DocumentHook = (doc: LoadedDocument) => Diagnostic[];

export interface LoadOptions {
  transform?: DocumentHook;
}

/** Runs the hook on each document: the one place it is called. */
export function transformDocuments(parsed: { documents: LoadedDocument[]; diagnostics: Diagnostic[] }, options: LoadOptions): { documents: LoadedDocument[]; diagnostics: Diagnostic[] } {
  const hook = options.transform;
  if (!hook) return parsed;
  const documents: LoadedDocument[] = [];
  const diagnostics = [...parsed.diagnostics];
  for (const doc of parsed.documents) {
    const problems = hook(doc);
    diagnostics.push(...problems);
    if (!problems.some((d) => d.severity !== 'warning')) documents.push(doc);
  }
  return { documents, diagnostics };
}

/** Loads every document of the given files and folders. */
export async function loadDocuments(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const { files, diagnostics } = await collectFiles(paths);
  const documents: LoadedDocument[] = [];
  const read: string[] = [];
  for (const file of files) {
    const { text, diagnostic } = await readText(file);
    read.push(file);
    if (diagnostic) {
      diagnostics.push(diagnostic);
      continue;
    }
    const parsed = transformDocuments(parseText(file, text!), options);
    documents.push(...parsed.documents);
    diagnostics.push(...parsed.diagnostics);
  }
  return { documents, diagnostics, files: read };
}
