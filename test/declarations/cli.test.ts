// The built CLI: `node bin/qcs-gitops.js validate ...`, run offline (every network call aborts the process).
import { cliIsStale } from '../helpers/cli.js';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { corpus, longDescriptions } from './helpers.js';
import { KIND_NAMES } from '../../src/kinds/index.js';

const run = promisify(execFile);
const PRELOAD = pathToFileURL(resolve('test/declarations/no-network.mjs')).href;
const env = { ...process.env, NODE_OPTIONS: `--import ${PRELOAD}`, NO_COLOR: '1' };

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/qcs-gitops.js', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

beforeAll(() => {
  // `npm test` builds first; rebuilding here would rewrite bundles other test files are running.
  if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `npm run build` (npm test does it)');
});

describe('qcs-gitops validate (built CLI, offline)', () => {
  test('the offline preload really blocks connections', async () => {
    const r = await run(process.execPath, ['-e', "require('node:net').connect(9, '127.0.0.1')"], { env }).catch((e) => e);
    expect(r.code).toBe(99);
    expect(r.stderr).toContain('NETWORK ACCESS ATTEMPTED');
  });

  test('examples/policies is valid: exit 0 and a summary by kind', async () => {
    const r = await cli('validate', 'examples/policies');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Valid: \\d+ declarations in \\d+ files \\(${KIND_NAMES.map((k) => `\\d+ ${k}`).join(', ')}\\)\\.\\n$`));
  });

  test('--format json on valid input', async () => {
    const r = await cli('validate', '--format', 'json', 'examples/policies');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ valid: true, diagnostics: [] });
    expect(doc.declarations).toBeGreaterThanOrEqual(10);
  });

  const cases = corpus();
  // Every corpus file is checked one by one in-process (corpus.test.ts) and all together through the CLI below;
  // here one file of each stage (YAML, document shape, schema, kind check, cross-document) goes through the CLI alone.
  const sample = cases.filter((c) => /\/(01|02|07|08|12|20|22|25|34)-/.test(c.file));
  test('invalid files exit 1 with their problem at the expected file:line:column, and no stack trace', async () => {
    expect(sample).toHaveLength(9);
    const queue = [...sample];
    const failures: string[] = [];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const r = await cli('validate', c.file);
        const expected = `${c.file}:${c.line}:${c.column}: `;
        const lines = r.stderr.trim().split('\n');
        if (r.code !== 1) failures.push(`${c.file}: exit ${r.code}`);
        if (lines.length !== 2 || !lines[0]!.startsWith(expected) || !lines[0]!.includes(c.text)) failures.push(`${c.file}: ${r.stderr}`);
        if (!/^Invalid: 1 problem in 1 file\.$/.test(lines[1] ?? '')) failures.push(`${c.file}: summary ${lines[1]}`);
        if (/\n\s+at |Error:/.test(r.stderr) || r.stdout !== '') failures.push(`${c.file}: unexpected output ${r.stdout}${r.stderr}`);
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures).toEqual([]);
  });

  test('the whole corpus at once: every problem, sorted by file, line and column', async () => {
    const r = await cli('validate', 'test/fixtures/invalid', 'examples/policies');
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.slice(0, -1).map((l) => l.split(': ')[0])).toEqual(cases.map((c) => `${c.file}:${c.line}:${c.column}`));
    expect(lines.at(-1)).toBe(`Invalid: ${cases.length} problems in ${cases.length} files.`);
  });

  test('--format json on invalid input lists every diagnostic', async () => {
    const r = await cli('validate', '--format', 'json', 'test/fixtures/invalid');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.diagnostics).toHaveLength(cases.length);
    expect(doc.diagnostics[0]).toEqual({ file: cases[0]!.file, line: cases[0]!.line, column: cases[0]!.column, path: '', severity: 'error', message: expect.any(String) });
  });

  test('a missing path, and a bad --format, exit 1 with a message', async () => {
    const missing = await cli('validate', 'no/such/dir');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no/such/dir:1:1: no such file or directory');
    const format = await cli('validate', '--format', 'xml', 'examples/policies');
    expect(format.code).toBe(1);
    expect(format.stderr).toContain("unknown --format 'xml'");
    const none = await cli('validate');
    expect(none.code).toBe(1);
  });

  test('the bundles hold the schemas only as the validator generated from schemas/ as they are now', async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { generateValidators } = await import('../../scripts/gen-validators.mjs');
    const fresh: string = generateValidators('schemas');
    const hash = /sourceHash = "([0-9a-f]{64})"/.exec(fresh)![1]!;
    const cliFiles = ['build/cli.js', ...readdirSync('build/chunks').map((f) => join('build/chunks', f))];
    const bundles = [
      ['build/cli.js (and chunks)', cliFiles.map((f) => readFileSync(f, 'utf8')).join('\n')],
      ['dist/index.js', readFileSync('dist/index.js', 'utf8')],
    ] as const;
    const count = (t: string, d: string) => t.split(d).length - 1;
    for (const [f, t] of bundles) {
      expect(t, `${f} bundles the validator generated from schemas/ now`).toContain(hash);
      // no other copy: each schema text appears as often as in the generated validator
      for (const d of longDescriptions()) expect(count(t, d), `${f} embeds a copy of: ${d}`).toBe(count(fresh, d));
    }
  });
});
