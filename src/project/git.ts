// Reading files as they were at a git commit, without touching the work tree or the index: `git rev-parse`,
// `git ls-tree` and `git cat-file --batch`, each run with execFile, a deadline and a bound on its output.
import { execFile } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { QcsError } from '../errors.js';

/** Deadline of one git command. */
export const GIT_TIMEOUT_MS = 30_000;
/** Most bytes one git command may print (a listing, or every file read at the commit together). */
export const MAX_GIT_OUTPUT = 128 * 1024 * 1024;

/** Runs git in `cwd`; its stdout. Never prompts, never reads the user's or the system's git configuration hooks. */
export function runGit(cwd: string, args: readonly string[], opts: { input?: string; maxBytes?: number; timeoutMs?: number } = {}): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      'git',
      [...args],
      {
        cwd,
        encoding: 'buffer',
        timeout: opts.timeoutMs ?? GIT_TIMEOUT_MS,
        maxBuffer: opts.maxBytes ?? MAX_GIT_OUTPUT,
        killSignal: 'SIGKILL',
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      },
      (err, stdout, stderr) => {
        if (!err) return resolvePromise(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string; code?: unknown };
        const what = `git ${args[0] ?? ''}`;
        if (e.code === 'ENOENT') return reject(new QcsError('E_GIT', 'git is not installed (or not on PATH): --base reads the declarations of a commit with git', { hint: 'Install git, or run without --base.' }));
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return reject(new QcsError('E_GIT', `${what} printed more than ${opts.maxBytes ?? MAX_GIT_OUTPUT} bytes; stopped`, { hint: 'The declarations at the base commit are too large to read; name smaller paths.' }));
        }
        if (e.killed || e.signal) return reject(new QcsError('E_GIT', `${what} did not finish within ${(opts.timeoutMs ?? GIT_TIMEOUT_MS) / 1000} s; stopped`, { hint: 'Check the repository (a slow disk, a huge history), then run again.' }));
        const message = Buffer.from(stderr ?? '').toString('utf8').trim().split('\n').slice(-3).join(' ');
        reject(Object.assign(new QcsError('E_GIT', `${what} failed: ${message || `exit ${String(e.code)}`}`), { exitCode: e.code }));
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** The real absolute form of `p`, resolving the part of it that exists (a deleted folder keeps its name). */
export function realish(p: string): string {
  let abs = resolve(p);
  const rest: string[] = [];
  while (!existsSync(abs)) {
    const parent = dirname(abs);
    if (parent === abs) break;
    rest.unshift(abs.slice(parent.length).replace(/^[/\\]+/, ''));
    abs = parent;
  }
  const real = existsSync(abs) ? realpathSync(abs) : abs;
  return rest.length ? resolve(real, ...rest) : real;
}

/** The top folder of the git work tree holding `p` (a file or folder, existing or not); undefined outside one. */
export async function workTreeOf(p: string): Promise<string | undefined> {
  let dir = realish(p);
  while (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  try {
    const out = (await runGit(dir, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
    return out ? realish(out) : undefined;
  } catch (e) {
    if (e instanceof QcsError && /dubious ownership/.test(e.message)) {
      throw new QcsError('E_GIT', `git refuses the repository at ${dir}: it is owned by another user (dubious ownership)`, { hint: `Mark it safe: git config --global --add safe.directory ${dir}` });
    }
    if (e instanceof QcsError && (e as { exitCode?: unknown }).exitCode !== undefined) return undefined; // not a repository
    throw e;
  }
}

/** `p` relative to the work tree `top`, with '/' separators ('' for the top itself); undefined outside it. */
export function repoPath(top: string, p: string): string | undefined {
  const rel = relative(top, realish(p));
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** The commit `ref` names (full sha); undefined when it names none. */
export async function resolveCommit(top: string, ref: string): Promise<string | undefined> {
  if (ref === '' || ref.startsWith('-') || /[\0\n]/.test(ref)) return undefined;
  try {
    const out = (await runGit(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).toString('utf8').trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
  } catch (e) {
    if (e instanceof QcsError && (e as { exitCode?: unknown }).exitCode !== undefined) return undefined;
    throw e;
  }
}

/** The short form of a commit's sha, as git abbreviates it. */
export async function shortSha(top: string, commit: string): Promise<string> {
  return (await runGit(top, ['rev-parse', '--short', commit])).toString('utf8').trim() || commit.slice(0, 7);
}

export interface TreeFile {
  /** Repository-relative path ('/' separators). */
  path: string;
  object: string;
  size: number;
}

/** The regular files (blobs; no symbolic links, no submodules) of the commit under `paths` (repository-relative;
 * '' is the whole tree), each once. */
export async function listTree(top: string, commit: string, paths: readonly string[]): Promise<TreeFile[]> {
  const whole = paths.includes('');
  const args = ['ls-tree', '-r', '-z', '-l', '--full-tree', commit, ...(whole ? [] : ['--', ...paths.map((p) => `:(literal)${p}`)])];
  const out = (await runGit(top, args)).toString('utf8');
  const files: TreeFile[] = [];
  for (const entry of out.split('\0')) {
    if (!entry) continue;
    const tab = entry.indexOf('\t');
    const [mode, type, object, size] = entry.slice(0, tab).split(/ +/);
    const path = entry.slice(tab + 1);
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) continue;
    if (!whole && !paths.some((p) => path === p || path.startsWith(p + '/'))) continue;
    files.push({ path, object: object!, size: Number(size) });
  }
  return files;
}

/** The contents of the given blobs (one `git cat-file --batch`), by object id. */
export async function readBlobs(top: string, objects: readonly string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(objects)];
  const out = new Map<string, Buffer>();
  if (unique.length === 0) return out;
  const buf = await runGit(top, ['cat-file', '--batch'], { input: unique.join('\n') + '\n' });
  let at = 0;
  for (const id of unique) {
    const nl = buf.indexOf(0x0a, at);
    if (nl < 0) break;
    const header = buf.subarray(at, nl).toString('utf8').split(' ');
    at = nl + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    out.set(id, buf.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}

/** Fetches one commit (and only it: `--depth=1`) from `origin` into a shallow clone that lacks it. True when the
 * commit is there afterwards. */
export async function fetchCommit(top: string, sha: string): Promise<boolean> {
  if (!/^[0-9a-f]{40,64}$/.test(sha)) return false;
  try {
    await runGit(top, ['fetch', '--no-tags', '--no-write-fetch-head', '--depth=1', 'origin', sha], { maxBytes: 1024 * 1024 });
  } catch (e) {
    if (e instanceof QcsError && (e as { exitCode?: unknown }).exitCode !== undefined) return false;
    throw e;
  }
  return (await resolveCommit(top, sha)) !== undefined;
}
