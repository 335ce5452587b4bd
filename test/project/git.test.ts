// The git reader behind --base: every git command has a deadline and a bound on its output, and reads commits
// without touching the work tree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_TIMEOUT_MS, MAX_GIT_OUTPUT, listTree, readBlobs, resolveCommit, runGit, workTreeOf } from '../../src/project/git.js';
import { changesSince, loadBase } from '../../src/project/base.js';
import type { Declaration } from '../../src/types.js';

const ENV = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: { ...process.env, ...ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 }).trim();

let dir: string;
let first: string;
const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  for (const [k, v] of Object.entries(ENV)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  dir = mkdtempSync(join(tmpdir(), 'qcs-git-'));
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'p', '.hidden'), { recursive: true });
  writeFileSync(join(dir, 'p', 'a.yaml'), 'apiVersion: qcs-gitops/v1\nkind: Exception\nmetadata: { name: a }\nspec: {}\n---\nkind: Exception\nmetadata: { name: b }\n');
  writeFileSync(join(dir, 'p', '.hidden', 'x.yaml'), 'kind: Exception\nmetadata: { name: hidden }\n');
  writeFileSync(join(dir, 'p', 'notes.txt'), 'kind: Exception\nmetadata: { name: txt }\n');
  writeFileSync(join(dir, 'p-other.yaml'), 'kind: Exception\nmetadata: { name: sibling }\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'one');
  first = git(dir, 'rev-parse', 'HEAD');
  writeFileSync(join(dir, 'p', 'a.yaml'), 'changed in the work tree');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('git reader', () => {
  it('reads a commit from git objects: the work tree is left as it is', async () => {
    const top = (await workTreeOf(join(dir, 'p')))!;
    expect(await resolveCommit(top, 'HEAD')).toBe(first);
    expect(await resolveCommit(top, 'no-such-ref')).toBeUndefined();
    expect(await resolveCommit(top, '--help')).toBeUndefined(); // never an option
    const files = await listTree(top, first, ['p']);
    expect(files.map((f) => f.path).sort()).toEqual(['p/.hidden/x.yaml', 'p/a.yaml', 'p/notes.txt']); // not p-other.yaml
    const blobs = await readBlobs(top, files.map((f) => f.object));
    expect(blobs.get(files.find((f) => f.path === 'p/a.yaml')!.object)!.toString()).toContain('name: a');
    expect(readFileSync(join(dir, 'p', 'a.yaml'), 'utf8')).toBe('changed in the work tree');
    expect(git(dir, 'status', '--porcelain')).toBe('M p/a.yaml');
  });

  it('loads the declarations of a folder as the loader would (YAML files, hidden entries skipped), by place', async () => {
    const base = await loadBase({ ref: 'HEAD', argPaths: [join(dir, 'p')], cwd: dir });
    expect(base.declarations).toEqual([
      { kind: 'Exception', name: 'a', file: 'p/a.yaml', index: 0 },
      { kind: 'Exception', name: 'b', file: 'p/a.yaml', index: 1 },
    ]);
    const now = (name: string, file: string, line: number) => ({ kind: 'Exception', name, source: { file, line, column: 1 } }) as unknown as Declaration;
    // b kept its place under a new name (a rename); a moved to another file (not a removal)
    expect(changesSince(base, [now('a', join(dir, 'p', 'moved.yaml'), 1), now('c', join(dir, 'p', 'a.yaml'), 1), now('b2', join(dir, 'p', 'a.yaml'), 6)])).toEqual({ removed: [], renames: [{ kind: 'Exception', from: 'b', to: 'b2' }] });
    expect(changesSince(base, [now('a', join(dir, 'p', 'a.yaml'), 1)])).toEqual({ removed: [{ kind: 'Exception', name: 'b' }], renames: [] });
  });

  it('bounds the output and the time of a git command', async () => {
    expect(MAX_GIT_OUTPUT).toBe(128 * 1024 * 1024);
    expect(GIT_TIMEOUT_MS).toBe(30_000);
    await expect(runGit(dir, ['cat-file', '-p', `${first}:p/a.yaml`], { maxBytes: 10 })).rejects.toMatchObject({ code: 'E_GIT', message: expect.stringContaining('printed more than 10 bytes') });
    await expect(runGit(dir, ['-c', 'alias.slow=!sleep 5', 'slow'], { timeoutMs: 300 })).rejects.toMatchObject({ code: 'E_GIT', message: expect.stringContaining('did not finish within 0.3 s') });
  });
});
