// `plan --base REF` / `apply --base REF`: git history says what was removed. Real temporary git repositories
// (fixed authors and dates, no system or user git configuration), the built CLI and the simulator (--state).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', timeout: 20_000 });
}

const exception = (name: string, explanation = 'accepted') => `apiVersion: qcs-gitops/v1
kind: Exception
metadata:
  name: ${name}
spec:
  scope: IMAGE
  reason: RISK_ACCEPTED
  explanation: ${explanation}
  startDate: 2026-01-01
  endDate: 2027-06-30
  entityAssignmentType: DYNAMIC
  dynamicFilter: repo.repository:${name}/*
  qids: [376157]
`;

interface JsonPlan {
  changes: Array<{ kind: string; name: string; action: string; id: string | null; reason?: string; since?: string; renamedFrom?: string }>;
  summary: { create: number; update: number; delete: number; unchanged: number; unmanaged: number };
  notes: string[];
  undeclared?: Record<string, string[]>;
  builtIn?: Record<string, number>;
  base?: { ref: string; commit: string };
  digest: string;
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'qcs-base-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A new repository holding `files` (path → text) in one commit; its folder. */
function repo(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, files);
  commit(dir, 'first');
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

function commit(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
}

const cli = (dir: string, args: string[]) => runCli([...args, '--simulator', '--state', join(dir, '..', `${dir.split('/').pop()}.state.json`)], GIT_ENV, { cwd: dir });
const json = (stdout: string) => JSON.parse(stdout) as JsonPlan;

async function seed(dir: string): Promise<void> {
  const r = await cli(dir, ['apply', 'policies', '--auto-approve']);
  expect(r.code, r.stderr).toBe(0);
}

describe('--base: a removed declaration is a reviewed delete', () => {
  it('plans exactly the one removed exception, named, with the reason; apply deletes it and nothing else; the second plan is empty', async () => {
    const dir = repo('removal', {
      'policies/exceptions/log4j-legacy.yaml': exception('log4j-legacy'),
      'policies/exceptions/keep.yaml': exception('keep-me'),
    });
    await seed(dir);
    const short = git(dir, 'rev-parse', '--short', 'HEAD').trim();
    rmSync(join(dir, 'policies/exceptions/log4j-legacy.yaml'));
    commit(dir, 'revoke log4j-legacy');

    // without --base the removal is only an undeclared object, named
    const plain = await cli(dir, ['plan', 'policies', '--format', 'json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(json(plain.stdout).changes).toEqual([]);
    expect(json(plain.stdout).undeclared).toEqual({ Exception: ['log4j-legacy'] });

    const text = await cli(dir, ['plan', 'policies', '--base', 'HEAD~1']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`- Exception/log4j-legacy (declaration removed since ${short})`);
    expect(text.stdout).toContain('Plan: 0 to create, 0 to update, 1 to delete.');

    const md = await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--format', 'markdown']);
    expect(md.stdout).toContain(`> - \`Exception/log4j-legacy\` (declaration removed since ${short})`);

    const doc = json((await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--format', 'json'])).stdout);
    expect(doc.changes).toHaveLength(1);
    expect(doc.changes[0]).toMatchObject({ kind: 'Exception', name: 'log4j-legacy', action: 'delete', reason: 'removed', since: short });
    expect(doc.summary.delete).toBe(1);
    expect(doc.base).toEqual({ ref: 'HEAD~1', commit: git(dir, 'rev-parse', 'HEAD~1').trim() });
    // the digest covers the delete: the same plan with --max-deletes 0 is refused
    const capped = await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--max-deletes', '0']);
    expect(capped.code).toBe(1);
    expect(capped.stderr).toContain('E_MASS_DELETE');
    // --target limits it: another target plans no delete
    const other = json((await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--target', 'exception/keep-me', '--format', 'json'])).stdout);
    expect(other.changes).toEqual([]);
    const nope = await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--target', 'Exception/log4j-legacyy']);
    expect(nope.code).toBe(1);
    expect(nope.stderr).toContain("Error [E_TARGET_NOT_FOUND]: --target Exception/log4j-legacyy: no declared or live Exception named 'log4j-legacyy'; did you mean 'Exception/log4j-legacy'?");

    const applied = await cli(dir, ['apply', 'policies', '--base', 'HEAD~1', '--auto-approve', '--format', 'json']);
    expect(applied.code, applied.stderr).toBe(0);
    const result = JSON.parse(applied.stdout) as { results: Array<{ name: string; status: string }>; summary: { deleted: number; created: number; updated: number } };
    expect(result.results.map((r) => `${r.name}:${r.status}`)).toEqual(['log4j-legacy:deleted']);
    expect(result.summary).toMatchObject({ deleted: 1, created: 0, updated: 0 });

    const again = json((await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--format', 'json'])).stdout);
    expect(again.changes).toEqual([]);
    expect(again.summary.unchanged).toBe(1);
  });

  it('a saved plan with a removal applies with apply --plan, and is refused once stale', async () => {
    const dir = repo('saved', { 'policies/a.yaml': exception('alpha'), 'policies/b.yaml': exception('beta') });
    await seed(dir);
    rmSync(join(dir, 'policies/b.yaml'));
    commit(dir, 'remove beta');
    const planFile = join(dir, '..', 'saved-plan.json');
    const p = await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--out', planFile]);
    expect(p.code, p.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(planFile, 'utf8')) as JsonPlan;
    expect(saved.changes.map((c) => [c.name, c.action, c.reason])).toEqual([['beta', 'delete', 'removed']]);
    expect(saved.base?.ref).toBe('HEAD~1');
    const both = await cli(dir, ['apply', '--plan', planFile, '--base', 'HEAD~1', '--auto-approve']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--base makes a fresh plan');
    const ok = await cli(dir, ['apply', '--plan', planFile, '--auto-approve']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Apply: 0 created, 0 updated, 1 deleted, 0 failed, 0 skipped.');
    const stale = await cli(dir, ['apply', '--plan', planFile, '--auto-approve']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/E_STALE_PLAN[\s\S]*Exception\/beta: planned for deletion, but already gone/);
  });

  it('a moved file (another folder within the paths) plans nothing; a removed declaration that is not live plans nothing', async () => {
    const dir = repo('moved', { 'policies/team-a/x.yaml': exception('moving'), 'policies/team-a/y.yaml': exception('stays') });
    await seed(dir);
    mkdirSync(join(dir, 'policies/team-b'), { recursive: true });
    git(dir, 'mv', 'policies/team-a/x.yaml', 'policies/team-b/moved.yaml');
    write(dir, { 'policies/team-b/ghost.yaml': exception('never-applied') });
    commit(dir, 'move x, add a ghost');
    rmSync(join(dir, 'policies/team-b/ghost.yaml'));
    commit(dir, 'remove the ghost, never applied');
    const r = await cli(dir, ['plan', 'policies', '--base', 'HEAD~2', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout).changes).toEqual([]);
    const g = await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--format', 'json']);
    expect(json(g.stdout).changes).toEqual([]); // removed since HEAD~1, but nothing live: nothing planned
  });

  it('a rename in place (same file, same document) renames the object and keeps its id', async () => {
    const dir = repo('rename', { 'policies/both.yaml': exception('first') + '---\n' + exception('old-name', 'kept') });
    const seeded = await cli(dir, ['apply', 'policies', '--auto-approve', '--format', 'json']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const oldId = (JSON.parse(seeded.stdout) as { results: Array<{ name: string; id: string }> }).results.find((r) => r.name === 'old-name')!.id;
    expect(oldId).toBeTruthy();

    writeFileSync(join(dir, 'policies/both.yaml'), exception('first') + '---\n' + exception('new-name', 'kept'));
    commit(dir, 'rename');
    const text = await cli(dir, ['plan', 'policies', '--base', 'HEAD~1']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('~ Exception/old-name → new-name (renamed)');
    expect(text.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete.');
    const doc = json((await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--format', 'json'])).stdout);
    expect(doc.changes).toEqual([expect.objectContaining({ name: 'new-name', action: 'update', renamedFrom: 'old-name', id: oldId })]);

    const applied = await cli(dir, ['apply', 'policies', '--base', 'HEAD~1', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    // the object named new-name is the one old-name was: same id, its qids kept
    writeFileSync(join(dir, 'policies/both.yaml'), exception('first') + '---\n' + exception('new-name', 'edited'));
    const edited = json((await cli(dir, ['plan', 'policies', '--format', 'json'])).stdout);
    expect(edited.changes).toEqual([expect.objectContaining({ name: 'new-name', action: 'update', id: oldId })]);
    git(dir, 'checkout', '--', 'policies/both.yaml');
    const again = json((await cli(dir, ['plan', 'policies', '--base', 'HEAD~1', '--format', 'json'])).stdout);
    expect(again.changes).toEqual([]);
  });

  it('the project file, environment paths and values are those of the base commit', async () => {
    const project = (paths: string) => `apiVersion: qcs-gitops/v1\nkind: Project\nenvironments:\n  prod:\n    platform: US1\n    tokenEnv: PROD_TOKEN\n    paths: [${paths}]\n    values: { prefix: prod }\n`;
    const dir = repo('project', {
      'qcs-gitops.yaml': project('team-old'),
      'team-old/x.yaml': exception('${values.prefix}-x'),
      'team-old/y.yaml': exception('${values.prefix}-legacy'),
    });
    const seeded = await cli(dir, ['apply', '--env', 'prod', '--auto-approve']);
    expect(seeded.code, seeded.stderr).toBe(0);
    // the environment's folder is renamed, x moves with it, y is revoked
    mkdirSync(join(dir, 'team-new'));
    git(dir, 'mv', 'team-old/x.yaml', 'team-new/x.yaml');
    git(dir, 'rm', '-q', 'team-old/y.yaml');
    writeFileSync(join(dir, 'qcs-gitops.yaml'), project('team-new'));
    commit(dir, 'reorganise');
    const doc = json((await cli(dir, ['plan', '--env', 'prod', '--base', 'HEAD~1', '--format', 'json'])).stdout);
    expect(doc.changes.map((c) => [c.action, c.name, c.reason])).toEqual([['delete', 'prod-legacy', 'removed']]);
  });

  it('a secret rule cannot be renamed: validate --base and plan --base say so at metadata.name (exit 1)', async () => {
    const rule = (name: string) => `apiVersion: qcs-gitops/v1\nkind: SecretRule\nmetadata:\n  name: ${name}\nspec:\n  severity: CRITICAL\n`;
    const dir = repo('secret-rename', { 'policies/rules.yaml': rule('Shopify Token') });
    writeFileSync(join(dir, 'policies/rules.yaml'), rule('Shopify Tokens'));
    commit(dir, 'rename a built-in rule');
    const v = await runCli(['validate', 'policies', '--base', 'HEAD~1'], GIT_ENV, { cwd: dir });
    expect(v.code).toBe(1);
    expect(v.stderr).toContain("policies/rules.yaml:4:9: metadata.name: SecretRule objects cannot be renamed: metadata.name was 'Shopify Token' at the base commit");
    const p = await cli(dir, ['plan', 'policies', '--base', 'HEAD~1']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain("policies/rules.yaml:4:9: metadata.name: SecretRule objects cannot be renamed");
    const plain = await runCli(['validate', 'policies'], GIT_ENV, { cwd: dir });
    expect(plain.code).toBe(0);
  });

  it('errors: a REF that does not resolve, paths outside a git repository (exit 1, before any API call)', async () => {
    const dir = repo('errors', { 'policies/a.yaml': exception('alpha') });
    const bad = await runCli(['plan', 'policies', '--base', 'no-such-ref', '--gateway-url', 'http://127.0.0.1:9', '--token', 'x.y.z'], GIT_ENV, { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error \[E_GIT_REF\]: --base no-such-ref: no such commit/m);
    expect(bad.stderr).toContain('fetch-depth: 0');
    const outside = join(root, 'not-a-repo');
    cpSync(join(dir, 'policies'), join(outside, 'policies'), { recursive: true });
    const r = await runCli(['plan', 'policies', '--base', 'HEAD', '--gateway-url', 'http://127.0.0.1:9', '--token', 'x.y.z'], { ...GIT_ENV, GIT_CEILING_DIRECTORIES: root }, { cwd: outside });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error \[E_GIT_REPO\]: --base HEAD: policies is not inside a git repository/m);
  });
});
