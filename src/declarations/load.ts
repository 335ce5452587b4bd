// Reads declaration files (files and folders given on the command line) and parses their YAML documents,
// keeping source positions. Never throws for bad input: every problem becomes a Diagnostic.
import type { Dirent } from 'node:fs';
import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { parseFast } from './fast.js';
import { diag, flowDepthOverflow, parsePrecise, type LoadedDocument, type ParsedText } from './yaml.js';

/** Largest declaration file read (32 MiB: a file of 10,000 declarations is about 3 MB). Larger files are refused with a
 * diagnostic. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

export type { LoadedDocument, ParsedText, PathSegment } from './yaml.js';

export interface LoadResult {
  documents: LoadedDocument[];
  diagnostics: Diagnostic[];
  /** Every file read (display paths), in load order. */
  files: string[];
}

const YAML_EXT = /\.ya?ml$/i;

/** The project file's names (src/project/load.ts): in a folder walked for declarations it is the project file, not a
 * declaration, and is skipped (named on the command line, a file is read whatever its name). */
const PROJECT_FILES = new Set(['qcs-gitops.yaml', 'qcs-gitops.yml']);

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

/** The files found so far (display paths, each real file once) and the problems met. */
interface Collected {
  files: string[];
  diagnostics: Diagnostic[];
  seenReal: Set<string>;
}

/** Lists the YAML files to read for the given paths: files as given, folders walked (sorted, hidden entries skipped). */
export async function collectFiles(paths: readonly string[]): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const c: Collected = { files: [], diagnostics: [], seenReal: new Set() };
  for (const p of paths) await collectPath(c, p);
  return { files: c.files, diagnostics: c.diagnostics };
}

function addFile(c: Collected, display: string, real: string): void {
  if (c.seenReal.has(real)) return; // the same file reached twice (named twice, or through a symlink): read once
  c.seenReal.add(real);
  c.files.push(display);
}

/** One path given on the command line: a file (read whatever its extension) or a folder (walked). */
async function collectPath(c: Collected, p: string): Promise<void> {
  if (p.trim() === '') {
    c.diagnostics.push(diag('(empty path)', 'an empty path was given; name a declaration file or folder'));
    return;
  }
  const display = displayPath(p);
  try {
    await lstat(p);
    const real = await realpath(p);
    const st = await stat(real);
    if (st.isDirectory()) {
      const before = c.files.length;
      await walk(c, display, real, real, new Set([real]));
      if (c.files.length === before && !c.diagnostics.some((d) => d.file.startsWith(display))) {
        // an error, not a warning: a wrong folder in CI must not validate or plan nothing and pass
        c.diagnostics.push(diag(display, 'no *.yaml or *.yml files in this folder; name a folder holding declarations'));
      }
    } else if (st.isFile()) {
      addFile(c, display, real); // named explicitly: read whatever its extension
    } else {
      c.diagnostics.push(diag(display, 'not a regular file or folder'));
    }
  } catch (e) {
    c.diagnostics.push(diag(display, errnoMessage(e)));
  }
}

/** A folder's entry as it counts: its real path and whether it is a folder or a file; undefined (with a diagnostic
 * when it matters) for a broken symbolic link or one that points outside the folder given. */
async function resolveEntry(c: Collected, entry: Dirent, display: string, full: string, root: string): Promise<{ real: string; isDir: boolean; isFile: boolean } | undefined> {
  if (!entry.isSymbolicLink()) return { real: full, isDir: entry.isDirectory(), isFile: entry.isFile() };
  let real: string;
  let isDir: boolean;
  let isFile: boolean;
  try {
    real = await realpath(full);
    const st = await stat(real);
    isDir = st.isDirectory();
    isFile = st.isFile();
  } catch (e) {
    if (YAML_EXT.test(entry.name) || (e as NodeJS.ErrnoException)?.code === 'ELOOP') {
      c.diagnostics.push(diag(display, `broken symbolic link: ${errnoMessage(e)}`));
    }
    return undefined;
  }
  if (!isInside(real, root)) {
    if (isDir || YAML_EXT.test(entry.name)) {
      c.diagnostics.push(diag(display, `symbolic link points outside ${displayPath(root)} (to ${real}); skipped — copy the file in instead`));
    }
    return undefined;
  }
  return { real, isDir, isFile };
}

/** A folder's YAML files, sorted by name, its subfolders walked (hidden entries skipped, symbolic link loops refused). */
async function walk(c: Collected, dirDisplay: string, dirReal: string, root: string, ancestors: Set<string>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dirReal, { withFileTypes: true });
  } catch (e) {
    c.diagnostics.push(diag(dirDisplay, `cannot read folder: ${errnoMessage(e)}`));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue; // .git, editor swap files, ...
    const display = join(dirDisplay, entry.name);
    const resolved = await resolveEntry(c, entry, display, join(dirReal, entry.name), root);
    if (!resolved) continue;
    const { real, isDir, isFile } = resolved;
    if (isDir) {
      if (ancestors.has(real)) {
        c.diagnostics.push(diag(display, `symbolic link loop: ${real} is a parent of this folder; skipped`));
        continue;
      }
      await walk(c, display, real, root, new Set([...ancestors, real]));
    } else if (isFile && YAML_EXT.test(entry.name) && !PROJECT_FILES.has(entry.name)) {
      addFile(c, display, real);
    }
  }
}

/** Reads and decodes one file; a diagnostic instead of text when it is too large, binary or not UTF-8. */
export async function readText(file: string): Promise<{ text?: string; diagnostic?: Diagnostic }> {
  try {
    const st = await stat(file);
    if (st.size > MAX_FILE_BYTES) {
      return { diagnostic: diag(file, `file is too large (${st.size} bytes; the limit is ${MAX_FILE_BYTES} bytes = 32 MiB); split it into several files`) };
    }
    const buf = await readFile(file);
    if (buf.length > MAX_FILE_BYTES) return { diagnostic: diag(file, `file is too large (the limit is ${MAX_FILE_BYTES} bytes = 32 MiB)`) };
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

/**
 * Parses the text of one file into documents and diagnostics. A file that the fast reader accepts as plain
 * declarations (src/declarations/fast.ts) is read by it; any other file, and any file the fast reader finds a problem
 * in, is read by `yaml`, which gives every diagnostic its exact line and column. `precise` forces `yaml`.
 */
export function parseText(file: string, text: string, options: { precise?: boolean } = {}): ParsedText {
  if (!options.precise && flowDepthOverflow(text) === undefined) {
    const fast = parseFast(file, text, (f, t) => parsePrecise(f, t, true));
    if (fast) return fast;
  }
  return parsePrecise(file, text);
}

/** A step run on every parsed document before validation (the environment's `${values.NAME}` substitution): it may
 * change the document's data in place but not its shape, and returns its problems; a document with an error is dropped. */
export type DocumentHook = (doc: LoadedDocument) => Diagnostic[];

export interface LoadOptions {
  transform?: DocumentHook;
  /** Values outside a known set the project accepts (`acceptValues` in qcs-gitops.yaml): `Kind.field` → values. */
  acceptValues?: Readonly<Record<string, readonly string[]>>;
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
