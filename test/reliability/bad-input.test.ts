// Hostile or broken declaration inputs. Every one must give a clear diagnostic (with a position) and exit 1, within a
// bounded time and a bounded heap, before any API call: the simulator must record zero requests.
// The corpus is written to a temporary folder (symlinks, binary and oversized files cannot live in git).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadAndValidate, hasErrors } from '../../src/declarations/validate.js';
import { formatDiagnostic } from '../../src/errors.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { cliIsStale } from '../helpers/cli.js';
import { expectCleanFailure, run } from './helpers.js';

interface Case {
  name: string;
  /** Files relative to the case folder; a Buffer is written as is. */
  files?: Record<string, string | Buffer>;
  /** Symlinks: link path → target (relative targets are relative to the link's folder; absolute as given). */
  links?: Record<string, string>;
  /** Paths given to the CLI, relative to the case folder; default: the case folder itself. */
  paths?: string[];
  /** A diagnostic must match this. */
  expect: RegExp;
  /** Also run through the CLI individually (the expensive and the filesystem cases). */
  cli?: boolean;
}

const HEAD = (kind: string, name = 'x') => `apiVersion: qcs-gitops/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n`;
const EXC = (name: string) =>
  `${HEAD('Exception', name)}spec:\n  scope: IMAGE\n  reason: RISK_ACCEPTED\n  startDate: 2026-01-01\n  endDate: 2026-06-30\n  qids: [1]\n`;
const RT = (rules: string) => `${HEAD('RuntimePolicy')}spec:\n  policyMode: ACTIVE\n  rules:\n${rules}`;
const BIG = 'A'.repeat(4 * 1024 * 1024);

const CASES: Case[] = [
  { name: 'yaml-unclosed-quote', files: { 'a.yaml': `${HEAD('Exception')}spec:\n  explanation: "never closed\n` }, expect: /YAML syntax error/ },
  { name: 'yaml-tab-indent', files: { 'a.yaml': `${HEAD('Exception')}spec:\n\tscope: IMAGE\n` }, expect: /YAML syntax error|tab/i },
  { name: 'yaml-bad-indent', files: { 'a.yaml': `apiVersion: qcs-gitops/v1\n  kind: Exception\n` }, expect: /'kind' is indented 2 spaces, more than 'apiVersion'/ },
  { name: 'yaml-key-too-long', files: { 'a.yaml': `${'k'.repeat(2000)}: 1\n` }, expect: /YAML syntax error/ },
  // an empty or comment-only file is a warning (test/declarations/load.test.ts); beside a broken file it is named too
  { name: 'empty-file', files: { 'a.yaml': '', 'b.yaml': 'just text\n' }, expect: /empty file/ },
  { name: 'only-comments', files: { 'a.yaml': '# nothing here\n# at all\n', 'b.yaml': '- a\n' }, expect: /empty file/ },
  { name: 'yaml-over-indent', files: { 'a.yaml': `${HEAD('Exception')}spec:\n  scope: IMAGE\n      reason: RISK_ACCEPTED\n` }, expect: /'reason' is indented 6 spaces, more than 'scope'/ },
  { name: 'list-document', files: { 'a.yaml': '- a\n- b\n' }, expect: /must be a mapping .*got a list/ },
  { name: 'scalar-document', files: { 'a.yaml': 'just text\n' }, expect: /must be a mapping .*got a string/ },
  { name: 'unknown-kind', files: { 'a.yaml': `${HEAD('Firewall')}spec: {}\n` }, expect: /kind/ },
  { name: 'wrong-api-version', files: { 'a.yaml': EXC('x').replace('qcs-gitops/v1', 'qcs-gitops/v9') }, expect: /apiVersion/ },
  { name: 'missing-metadata', files: { 'a.yaml': 'apiVersion: qcs-gitops/v1\nkind: Exception\nspec: {}\n' }, expect: /missing required field 'metadata'/ },
  { name: 'name-wrong-type', files: { 'a.yaml': EXC('[1, 2]') }, expect: /metadata\.name: must be a string/ },
  { name: 'spec-wrong-type', files: { 'a.yaml': `${HEAD('Exception')}spec: just a string\n` }, expect: /spec: must be a mapping/ },
  { name: 'unknown-top-level-field', files: { 'a.yaml': `${EXC('x')}extra: 1\n` }, expect: /unknown field 'extra'/ },
  { name: 'unknown-spec-field-typo', files: { 'a.yaml': EXC('x').replace('reason:', 'reasn:') }, expect: /unknown field 'reasn'.*did you mean 'reason'/ },
  { name: 'boolean-as-yes', files: { 'a.yaml': RT('    - {name: r, ruleType: READ, action: DENY, file: /x, inactive: yes}\n') }, expect: /inactive: must be a boolean/ },
  { name: 'port-not-a-number', files: { 'a.yaml': RT('    - {name: r, ruleType: NETWORK_INBOUND, action: DENY, ipAddress: 1.2.3.4, port: abc}\n') }, expect: /port/ },
  { name: 'port-infinite', files: { 'a.yaml': RT('    - {name: r, ruleType: NETWORK_INBOUND, action: DENY, ipAddress: 1.2.3.4, port: 1e400}\n') }, expect: /port/ },
  { name: 'impossible-date', files: { 'a.yaml': EXC('x').replace('2026-06-30', '2026-02-30') }, expect: /endDate/ },
  { name: 'huge-string-value', files: { 'a.yaml': `${HEAD('RuntimePolicy')}spec:\n  policyMode: ${BIG}\n` }, expect: /policyMode: policyMode "A{57}…" is not a known value/, cli: true },
  { name: 'huge-quoted-key', files: { 'a.yaml': `${HEAD('RuntimePolicy')}spec:\n  ? "${BIG}"\n  : 1\n` }, expect: /unknown field/, cli: true },
  { name: 'huge-block-list', files: { 'a.yaml': RT('    - {name: r, ruleType: BOGUS, action: ALLOW}\n'.repeat(100_000)) }, expect: /this list holds 100000 items; the limit is 10000/, cli: true },
  { name: 'huge-flow-list', files: { 'a.yaml': `${EXC('x').replace('qids: [1]', `qids: [${'1,'.repeat(2_000_000)}1]`)}` }, expect: /this list holds 2000001 items; the limit is 10000/, cli: true },
  { name: 'long-list', files: { 'a.yaml': `${HEAD('RuntimePolicy')}spec:\n  ignoredSyscalls:\n${'    - futex\n'.repeat(20_000)}` }, expect: /this list holds 20000 items; the limit is 10000/, cli: true },
  { name: 'many-keys', files: { 'a.yaml': `${HEAD('Exception')}spec:\n${Array.from({ length: 30_000 }, (_, i) => `  k${i}: 1`).join('\n')}\n` }, expect: /this mapping holds 30000 items/, cli: true },
  // more documents than a real repository's 10,000 in one file, every one a problem (there is no line limit any more)
  { name: 'many-documents', files: { 'a.yaml': `${HEAD('Exception')}---\n`.repeat(12_000) }, expect: /more than 1000 problems found; stopped checking/, cli: true },
  { name: 'many-bad-documents', files: { 'a.yaml': `${HEAD('Exception')}---\n`.repeat(9_000) }, expect: /more than 1000 problems found; stopped checking/, cli: true },
  { name: 'deep-flow-nesting', files: { 'a.yaml': `a: ${'['.repeat(100_000)}\n` }, expect: /nested or left open more than 64 levels/, cli: true },
  { name: 'deep-block-sequence', files: { 'a.yaml': `${'- '.repeat(30_000)}x\n` }, expect: /nested too deeply/, cli: true },
  { name: 'deep-indentation', files: { 'a.yaml': `${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} v\n` }, expect: /nested too deeply/, cli: true },
  {
    name: 'alias-bomb',
    files: {
      'a.yaml': `${HEAD('Exception')}x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n${Array.from({ length: 9 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`).join('\n')}\nspec: *a9\n`,
    },
    expect: /too many alias expansions/,
    cli: true,
  },
  { name: 'undefined-alias', files: { 'a.yaml': `${HEAD('Exception')}spec: *nothing\n` }, expect: /alias \*nothing refers to no anchor|YAML syntax error/ },
  { name: 'alias-as-key', files: { 'a.yaml': `${HEAD('Exception')}k: &k scope\nspec:\n  *k : IMAGE\n` }, expect: /keys must not be aliases|YAML syntax error/ },
  { name: 'proto-key', files: { 'a.yaml': `${EXC('x')}__proto__:\n  polluted: true\n` }, expect: /key '__proto__' is not allowed/ },
  { name: 'constructor-key', files: { 'a.yaml': EXC('x').replace('spec:\n', 'spec:\n  constructor: {prototype: {polluted: true}}\n') }, expect: /key 'constructor' is not allowed/ },
  { name: 'proto-key-flow', files: { 'a.yaml': EXC('x').replace('qids: [1]', 'qids: [{__proto__: {isAdmin: true}}]') }, expect: /key '__proto__' is not allowed/ },
  { name: 'duplicate-key', files: { 'a.yaml': EXC('x').replace('scope: IMAGE', 'scope: IMAGE\n  scope: CONTAINER') }, expect: /duplicate key: 'scope'/ },
  { name: 'complex-key', files: { 'a.yaml': `${HEAD('Exception')}spec:\n  ? [a, b]\n  : 1\n` }, expect: /keys must be plain scalars/ },
  { name: 'invalid-utf8', files: { 'a.yaml': Buffer.concat([Buffer.from(HEAD('Exception')), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x0a])]) }, expect: /not valid UTF-8/ },
  { name: 'utf16-file', files: { 'a.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(EXC('x'), 'utf16le')]) }, expect: /binary file/ },
  { name: 'binary-file', files: { 'a.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]) }, expect: /binary file \(NUL byte/ },
  { name: 'oversized-file', files: { 'a.yaml': `# ${'x'.repeat(32 * 1024 * 1024 + 10)}\n` }, expect: /file is too large/, cli: true },
  { name: 'symlink-loop', files: { 'd/ok.yaml': EXC('x') }, links: { 'd/loop': '..' }, expect: /symbolic link (loop|points outside)/, cli: true },
  { name: 'symlink-self-loop', links: { 'self.yaml': 'self.yaml' }, expect: /symbolic link|too many levels/, cli: true },
  { name: 'symlink-outside', files: { 'repo/ok.yaml': EXC('x') }, links: { 'repo/stolen.yaml': '/etc/hostname' }, paths: ['repo'], expect: /symbolic link points outside/, cli: true },
  { name: 'symlink-dir-outside', files: { 'repo/ok.yaml': EXC('x') }, links: { 'repo/etc': '/etc' }, paths: ['repo'], expect: /symbolic link points outside/ },
  { name: 'broken-symlink', files: { 'ok.yaml': EXC('x') }, links: { 'gone.yaml': 'does-not-exist.yaml' }, expect: /broken symbolic link/ },
  { name: 'missing-path', paths: ['no/such/folder'], expect: /no such file or directory/, cli: true },
  { name: 'empty-path', paths: [''], expect: /an empty path was given/, cli: true },
  { name: 'empty-folder', files: { 'README.md': '# not yaml\n' }, expect: /no \*\.yaml or \*\.yml files/, cli: true },
  { name: 'duplicate-across-files', files: { 'one.yaml': EXC('shared'), 'two/two.yaml': EXC('shared') }, expect: /Exception 'shared' is declared twice: first at/, cli: true },
  {
    name: 'duplicate-secret-rule-uuid',
    files: {
      'a.yaml': `${HEAD('SecretRule', 'Slack Token')}spec:\n  ruleUuid: ff34aaee-e4c2-11ed-b5ea-0242ac120002\n  status: Active\n`,
      'b.yaml': `${HEAD('SecretRule', 'Other Name')}spec:\n  ruleUuid: FF34AAEE-E4C2-11ED-B5EA-0242AC120002\n  status: Inactive\n`,
    },
    expect: /ruleUuid '.*' is declared twice/,
  },
  { name: 'second-document-broken', files: { 'a.yaml': `${EXC('one')}---\n${EXC('two').replace('scope: IMAGE', 'scope: [IMAGE]')}` }, expect: /scope: must be/ },
];

let root: string;
const pathsOf = (c: Case) => (c.paths ?? ['.']).map((p) => (p === '' ? '' : join(root, c.name, p)));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'qcs-bad-input-'));
  for (const c of CASES) {
    const dir = join(root, c.name);
    mkdirSync(dir, { recursive: true });
    for (const [rel, content] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), content);
    }
    for (const [rel, target] of Object.entries(c.links ?? {})) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      symlinkSync(target, join(dir, rel));
    }
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bad input corpus', () => {
  test('holds at least 40 distinct hostile or broken inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  // In process: the loader and validator (what every command runs first) give a positioned diagnostic, quickly.
  test.each(CASES)('$name: a clear diagnostic with a position', async (c) => {
    const started = Date.now();
    const { diagnostics } = await loadAndValidate(pathsOf(c));
    const ms = Date.now() - started;
    const text = diagnostics.map(formatDiagnostic);
    expect(text.some((t) => c.expect.test(t)), text.slice(0, 5).join('\n')).toBe(true);
    for (const d of diagnostics) {
      expect(d.file).toBeTruthy();
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
      expect(d.message.length).toBeLessThan(600); // never the 4 MB value echoed back
      expect(d.message).not.toMatch(/\n\s+at /);
    }
    expect(hasErrors(diagnostics)).toBe(true);
    expect(ms).toBeLessThan(15_000); // a safety net, not a speed test
  });
});

describe('bad input through the CLI (bounded heap, zero API calls)', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `node scripts/build.mjs`');
    sim = await startSimulator();
  });
  afterAll(async () => sim?.close());
  const env = () => ({ QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: sim.credentials.username, QUALYS_PASSWORD: sim.credentials.password });

  const cliCases = CASES.filter((c) => c.cli);
  test('the CLI subset covers the expensive and filesystem cases', () => expect(cliCases.length).toBeGreaterThanOrEqual(15));

  // two at a time: the machine has two cores
  test.concurrent.each(cliCases)('plan $name: exit 1 with the message, no crash, within 15 s', { timeout: 40_000 }, async (c) => {
    const r = await run(['plan', ...pathsOf(c)], env(), { timeoutMs: 15_000 });
    expectCleanFailure(r, c.expect);
    expect(r.stderr.length).toBeLessThan(512 * 1024);
  });

  test('every case at once: plan exits 1 naming every case, and apply writes nothing', { timeout: 60_000 }, async () => {
    // (the cases that fill the 1000-problem limit would hide the others)
    const all = CASES.filter((c) => !['empty-path', 'many-bad-documents', 'many-documents', 'many-keys'].includes(c.name)).flatMap(pathsOf);
    const plan = await run(['plan', ...all], env(), { timeoutMs: 30_000 });
    expectCleanFailure(plan);
    for (const c of CASES.filter((c) => !['empty-path', 'empty-folder', 'many-bad-documents', 'many-documents', 'many-keys'].includes(c.name))) {
      expect(plan.stderr, c.name).toContain(join(root, c.name));
    }
    const apply = await run(['apply', ...all, '--auto-approve'], env(), { timeoutMs: 30_000 });
    expectCleanFailure(apply);
    // nothing reached the API: not even authentication
    expect(sim.requests()).toEqual([]);
  });
});
