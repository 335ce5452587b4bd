// `--base REF`: the declarations as they were at a git commit. Git history, not a state file, says what was removed:
// an object declared at the base and no longer declared now is a reviewed delete. The declarations at REF are read
// with the same paths, project file and environment resolution as at REF (the project file and the environment's
// paths and values are those of the commit), from git objects only: the work tree is never checked out or changed.
import { join, relative, resolve, sep } from 'node:path';
import { QcsError, ValidationError, type Diagnostic } from '../errors.js';
import { parseText, transformDocuments, MAX_FILE_BYTES } from '../declarations/load.js';
import { KIND_NAMES, kindByName } from '../kinds/index.js';
import type { Declaration } from '../types.js';
import { PROJECT_FILES, defaultProject, parseProject, type Environment, type Project } from './load.js';
import { loadOptionsFor } from './select.js';
import { fetchCommit, listTree, readBlobs, realish, repoPath, resolveCommit, shortSha, workTreeOf } from './git.js';

/** One object declared at the base: its kind and name, and where it stood (repository-relative file, and its rank
 * among the named documents of that file). */
export interface BaseDeclaration {
  kind: string;
  name: string;
  file: string;
  index: number;
}

export interface Base {
  ref: string;
  commit: string;
  short: string;
  /** The git work tree the paths are in. */
  top: string;
  declarations: BaseDeclaration[];
  /** Files or documents at the base that could not be read (their objects are not known: no delete is planned for them). */
  unreadable: string[];
}

export interface BaseRequest {
  ref: string;
  /** Paths given on the command line (else the environment's at REF). */
  argPaths: readonly string[];
  /** --config, if given. */
  config?: string;
  /** --env, if given. */
  env?: string;
  cwd?: string;
  /** When the commit (a full sha) is missing, as in a shallow clone, fetch it from `origin` (the Action does). */
  fetchMissing?: boolean;
}

const YAML_EXT = /\.ya?ml$/i;

/** Where the declarations' git repository is, and the commit REF names; exit-1 errors when either cannot be found. */
async function locate(ref: string, anchors: readonly string[], fetchMissing = false): Promise<{ top: string; commit: string; short: string }> {
  let top: string | undefined;
  for (const p of anchors) {
    const t = await workTreeOf(p);
    if (t === undefined) {
      throw new QcsError('E_GIT_REPO', `--base ${ref}: ${p} is not inside a git repository`, { hint: 'Run from a clone of the repository holding the declarations (git history says what was removed), or leave out --base.' });
    }
    if (top !== undefined && t !== top) throw new QcsError('E_GIT_REPO', `--base ${ref}: the declaration paths are in different git repositories (${top} and ${t})`, { hint: 'Plan each repository on its own.' });
    top = t;
  }
  let commit = await resolveCommit(top!, ref);
  if (commit === undefined && fetchMissing && /^[0-9a-f]{40,64}$/.test(ref) && (await fetchCommit(top!, ref))) commit = ref;
  if (commit === undefined) {
    throw new QcsError('E_GIT_REF', `--base ${ref}: no such commit in the git repository ${top}${fetchMissing ? ' (fetching it from origin failed too)' : ''}`, {
      hint: 'Name a commit, branch or tag that exists (HEAD~1, origin/main, a sha). In a shallow clone (actions/checkout fetches one commit by default) fetch it first, or check out with fetch-depth: 0.',
    });
  }
  return { top: top!, commit, short: await shortSha(top!, commit) };
}

/** The project file at the commit (its repository path), or none. */
async function projectAtBase(top: string, commit: string, req: BaseRequest, cwd: string): Promise<Project | undefined> {
  const candidates = req.config !== undefined ? [req.config] : PROJECT_FILES.map((f) => join(cwd, f));
  for (const c of candidates) {
    const rel = repoPath(top, c);
    if (rel === undefined) continue;
    const [file] = await listTree(top, commit, [rel]);
    if (!file || file.path !== rel) continue;
    const text = (await readBlobs(top, [file.object])).get(file.object)?.toString('utf8') ?? '';
    const display = displayOf(top, rel, cwd);
    const { project, diagnostics } = parseProject(display, text);
    if (!project) throw new ValidationError(diagnostics, `the project file at ${req.ref}`);
    return project;
  }
  return undefined;
}

function displayOf(top: string, rel: string, cwd: string): string {
  const abs = resolve(top, ...rel.split('/'));
  const r = relative(realish(cwd), abs);
  return r && !r.startsWith('..') ? r.split(sep).join('/') : abs;
}

/** The files a path names at the commit: a file as named (whatever its extension), a folder's YAML files (hidden
 * entries skipped, as the loader skips them). */
function filesOf(all: Awaited<ReturnType<typeof listTree>>, rel: string) {
  return all.filter((f) => {
    if (f.path === rel) return true;
    const inner = rel === '' ? f.path : f.path.startsWith(rel + '/') ? f.path.slice(rel.length + 1) : undefined;
    return inner !== undefined && YAML_EXT.test(inner) && !inner.split('/').some((seg) => seg.startsWith('.'));
  });
}

/** The declarations at `req.ref`: each object's kind, name and place. Documents that cannot be read are listed in
 * `unreadable` (never guessed at). */
export async function loadBase(req: BaseRequest): Promise<Base> {
  const cwd = req.cwd ?? process.cwd();
  const { top, commit, short } = await locate(req.ref, req.argPaths.length ? req.argPaths : [req.config ?? cwd], req.fetchMissing);
  const project = await projectAtBase(top, commit, req, cwd);
  let env: Environment | undefined;
  if (req.env !== undefined) env = project?.environments[req.env];
  const paths = req.argPaths.length ? [...req.argPaths] : env ? env.paths : [];
  const base: Base = { ref: req.ref, commit, short, top, declarations: [], unreadable: [] };
  if (paths.length === 0) return base; // the environment did not exist at the base: nothing was declared
  const rels: string[] = [];
  for (const p of paths) {
    const rel = repoPath(top, p);
    if (rel === undefined) throw new QcsError('E_GIT_REPO', `--base ${req.ref}: ${p} is not inside the git repository ${top}`, { hint: 'Keep every declaration path in one repository.' });
    rels.push(rel);
  }
  const all = await listTree(top, commit, rels);
  const seen = new Set<string>();
  const files = rels.flatMap((r) => filesOf(all, r)).filter((f) => !seen.has(f.path) && (seen.add(f.path), true));
  const tooLarge = files.filter((f) => f.size > MAX_FILE_BYTES);
  for (const f of tooLarge) base.unreadable.push(`${f.path} (larger than ${MAX_FILE_BYTES} bytes)`);
  const readable = files.filter((f) => f.size <= MAX_FILE_BYTES);
  const blobs = await readBlobs(top, readable.map((f) => f.object));
  const options = loadOptionsFor(project ?? defaultProject(cwd), env);
  for (const f of readable) {
    const buf = blobs.get(f.object);
    let text: string;
    try {
      if (!buf || buf.includes(0)) throw new Error('binary');
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      base.unreadable.push(`${f.path} (not UTF-8 text)`);
      continue;
    }
    const parsed = transformDocuments(parseText(displayOf(top, f.path, cwd), text), options);
    if (parsed.diagnostics.some((d) => d.severity !== 'warning')) base.unreadable.push(f.path);
    let index = 0;
    for (const doc of parsed.documents) {
      const v = doc.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (!v || typeof v !== 'object' || typeof v.kind !== 'string' || typeof v.metadata?.name !== 'string') continue;
      if ((KIND_NAMES as readonly string[]).includes(v.kind)) base.declarations.push({ kind: v.kind, name: v.metadata.name, file: f.path, index });
      index++;
    }
  }
  return base;
}

/** A declaration of now at its place: repository-relative file and rank among the file's declarations. */
export function placesOf(top: string, declarations: readonly Declaration[]): Map<Declaration, { file: string; index: number }> {
  const byFile = new Map<string, Declaration[]>();
  for (const d of declarations) {
    const list = byFile.get(d.source.file);
    if (list) list.push(d);
    else byFile.set(d.source.file, [d]);
  }
  const out = new Map<Declaration, { file: string; index: number }>();
  for (const [file, list] of byFile) {
    const rel = repoPath(top, file);
    if (rel === undefined) continue;
    list.sort((a, b) => a.source.line - b.source.line || a.source.column - b.source.column);
    list.forEach((d, index) => out.set(d, { file: rel, index }));
  }
  return out;
}

export interface BaseChanges {
  /** Declared at the base, declared nowhere now (by kind and name). */
  removed: Array<{ kind: string; name: string }>;
  /** Same file, same place, same kind, only the name changed (and neither name is declared on the other side). */
  renames: Array<{ kind: string; from: string; to: string }>;
}

/** What left the declarations since the base: removals and renames. A declaration moved to another file or folder is
 * still declared: neither. */
export function changesSince(base: Base, declarations: readonly Declaration[]): BaseChanges {
  const key = (kind: string, name: string) => `${kind}\0${name}`;
  const now = new Set(declarations.map((d) => key(d.kind, d.name)));
  const before = new Set(base.declarations.map((d) => key(d.kind, d.name)));
  const at = new Map<string, Declaration>();
  for (const [d, place] of placesOf(base.top, declarations)) at.set(`${place.file}\0${place.index}`, d);
  const removed: BaseChanges['removed'] = [];
  const renames: BaseChanges['renames'] = [];
  const done = new Set<string>();
  for (const b of base.declarations) {
    const k = key(b.kind, b.name);
    if (now.has(k) || done.has(k)) continue;
    done.add(k);
    const there = at.get(`${b.file}\0${b.index}`);
    if (there && there.kind === b.kind && there.name !== b.name && !before.has(key(there.kind, there.name))) renames.push({ kind: b.kind, from: b.name, to: there.name });
    else removed.push({ kind: b.kind, name: b.name });
  }
  return { removed, renames };
}

/** What a plan needs of the base: the plan options (removals, renames), the commit to record, and what could not be
 * read at it (to warn about). */
export interface PlanBase {
  options: { removed: { since: string; objects: BaseChanges['removed'] }; renames: BaseChanges['renames'] };
  base: { ref: string; commit: string };
  warnings: string[];
}

/** Loads the declarations at `req.ref` and compares them with `declarations` (those of now). */
export async function planBase(req: BaseRequest, declarations: readonly Declaration[]): Promise<PlanBase> {
  const base = await loadBase(req);
  const { removed, renames } = changesSince(base, declarations);
  const warnings = base.unreadable.length
    ? [`Warning: ${base.unreadable.length} file${base.unreadable.length === 1 ? '' : 's'} at the base ${base.short} could not be read, so removals from ${base.unreadable.length === 1 ? 'it' : 'them'} are not planned: ${base.unreadable.slice(0, 5).join(', ')}${base.unreadable.length > 5 ? ', …' : ''}`]
    : [];
  return { options: { removed: { since: base.short, objects: removed }, renames }, base: { ref: req.ref, commit: base.commit }, warnings };
}

/** Validation of the renames since the base (validate --base): a rename of a kind that cannot rename is an error at
 * the declaration's name, as the plan reports it. */
export function renameDiagnostics(renames: BaseChanges['renames'], declarations: readonly Declaration[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of renames) {
    const kind = kindByName(r.kind);
    if (!kind || (kind.can.update && kind.can.rename !== false)) continue;
    const d = declarations.find((x) => x.kind === r.kind && x.name === r.to);
    if (!d || kind.declaredId?.(d.spec) !== undefined) continue; // pinned by id: matched by it, never renamed
    out.push({ ...d.positionOf(['metadata', 'name']), path: 'metadata.name', severity: 'error', message: `${r.kind} objects cannot be renamed: metadata.name was '${r.from}' at the base commit; keep that name (Qualys names ${r.kind} objects itself)` });
  }
  return out;
}
