// Issue 26: export writes only inside --out. With --force it refuses a kind folder or file that is a symbolic link,
// deletes only files it can prove it wrote (the marker on their first line), checks every path before deleting
// anything, and reports filesystem problems as typed errors.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIsStale, runCli } from '../helpers/cli.js';

let dir: string;
const state = () => join(dir, 'state.json');
const exportTo = (out: string, more: string[] = []) => runCli(['export', '--simulator', '--state', state(), '--out', out, ...more]);

beforeAll(async () => {
  if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `node scripts/build.mjs`');
  dir = mkdtempSync(join(tmpdir(), 'qcs-export-force-'));
  const applied = await runCli(['apply', 'examples/policies', '--simulator', '--state', state(), '--auto-approve']);
  expect(applied.code, applied.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export --force (issue 26)', () => {
  it('replaces its own files and leaves a hand-written YAML file alone', { timeout: 60_000 }, async () => {
    const out = join(dir, 'own');
    expect((await exportTo(out)).code).toBe(0);
    const exceptions = readdirSync(join(out, 'exceptions'));
    expect(exceptions.length).toBeGreaterThan(0);
    writeFileSync(join(out, 'exceptions', 'hand-written.yaml'), 'apiVersion: qcs-gitops/v1\nkind: Exception\n');
    const again = await exportTo(out, ['--force']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Replaced \d+ files? of a previous export/);
    expect(readFileSync(join(out, 'exceptions', 'hand-written.yaml'), 'utf8')).toBe('apiVersion: qcs-gitops/v1\nkind: Exception\n');
  });

  it('refuses a hand-written file where it would write, deleting nothing', { timeout: 60_000 }, async () => {
    const out = join(dir, 'clash');
    expect((await exportTo(out)).code).toBe(0);
    const [first, second] = readdirSync(join(out, 'exceptions')).sort();
    writeFileSync(join(out, 'exceptions', first!), 'my own edits\n');
    const before = readFileSync(join(out, 'exceptions', second!), 'utf8');
    const r = await exportTo(out, ['--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error \[E_EXPORT_UNSAFE\]: export --force refuses to write into .*Nothing was deleted or written\./m);
    expect(r.stderr).toContain(`${join(out, 'exceptions', first!)} exists and was not written by export`);
    expect(readFileSync(join(out, 'exceptions', first!), 'utf8')).toBe('my own edits\n');
    expect(readFileSync(join(out, 'exceptions', second!), 'utf8')).toBe(before);
  });

  it('refuses a kind folder that is a symbolic link, touching nothing outside --out (or in it)', { timeout: 60_000 }, async () => {
    const out = join(dir, 'linked');
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'precious.yaml'), 'keep me\n');
    expect((await exportTo(out)).code).toBe(0);
    rmSync(join(out, 'exceptions'), { recursive: true });
    symlinkSync(outside, join(out, 'exceptions'));
    const kept = readdirSync(join(out, 'runtime-policies'));
    const r = await exportTo(out, ['--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_EXPORT_UNSAFE/);
    expect(r.stderr).toContain(`${join(out, 'exceptions')} is a symbolic link`);
    expect(readdirSync(outside)).toEqual(['precious.yaml']);
    expect(readFileSync(join(outside, 'precious.yaml'), 'utf8')).toBe('keep me\n');
    expect(readdirSync(join(out, 'runtime-policies'))).toEqual(kept);
    expect(existsSync(join(outside, readdirSync(join(dir, 'own', 'exceptions')).find((f) => f !== 'hand-written.yaml')!))).toBe(false);
  });
});
