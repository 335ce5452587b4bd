// Offline commands start light: `validate` and `--help` load neither the HTTP client (undici) nor the simulator, and
// `validate` uses the validator precompiled at build time (ajv's compiler is never loaded) and, for plain files, the
// fast YAML reader only. Checked on the built CLI with a preload that logs every module the process loads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, cliIsStale } from '../helpers/cli.js';

const HOOK = pathToFileURL(resolve('test/helpers/module-log.mjs')).href;
const tmp = mkdtempSync(join(tmpdir(), 'qcs-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => {
  if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `npm run build` (npm test does it)');
});

let n = 0;
/** Runs the CLI; returns the modules it loaded (URLs) and its stdout. */
function loaded(args: string[]): { modules: string[]; stdout: string } {
  const log = join(tmp, `modules-${n++}.log`);
  const stdout = execFileSync(process.execPath, ['--import', HOOK, BIN, ...args], { env: { ...process.env, QCS_MODULE_LOG: log, NO_COLOR: '1' }, encoding: 'utf8' });
  return { modules: [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))], stdout };
}

/** The built files among the modules whose text holds `marker`. */
const holding = (modules: string[], marker: string) =>
  modules.filter((u) => u.startsWith('file:') && u.includes('/build/')).filter((u) => readFileSync(fileURLToPath(u), 'utf8').includes(marker));

describe('start-up of offline commands', () => {
  test('validate loads no HTTP client, no simulator, no schema compiler and (plain files) no yaml', () => {
    const { modules, stdout } = loaded(['validate', 'examples/policies']);
    expect(stdout).toMatch(/^Valid: \d+ declarations/);
    expect(modules.some((u) => u.includes('/build/cli.js'))).toBe(true);
    expect(modules.some((u) => u.includes('/js-yaml/'))).toBe(true); // the log does see what is loaded
    expect(modules.some((u) => u.includes('/validators.generated.cjs') || u.includes('/build/chunks/'))).toBe(true);
    expect(modules.filter((u) => u.includes('/undici/'))).toEqual([]);
    expect(modules.filter((u) => u === 'node:http' || u === 'node:https')).toEqual([]);
    expect(holding(modules, 'function startSimulator(')).toEqual([]);
    expect(holding(modules, 'function createClient(')).toEqual([]);
    expect(modules.filter((u) => /\/ajv\/dist\/(2020|core|compile\/index)\.js$/.test(u))).toEqual([]);
    expect(modules.filter((u) => /\/node_modules\/yaml\//.test(u))).toEqual([]);
  });

  test('validate of a file that needs yaml (an anchor) loads yaml, still no HTTP client', () => {
    const file = join(tmp, 'anchor.yaml');
    execFileSync('sh', ['-c', `printf 'apiVersion: qcs-gitops/v1\\nkind: SecretRule\\nmetadata:\\n  name: &n Shopify Token\\nspec:\\n  severity: HIGH\\n' > ${file}`]);
    const { modules, stdout } = loaded(['validate', file]);
    expect(stdout).toMatch(/^Valid: 1 declaration/);
    expect(modules.some((u) => /\/node_modules\/yaml\//.test(u))).toBe(true);
    expect(modules.filter((u) => u.includes('/undici/'))).toEqual([]);
  });

  test('--help loads no HTTP client, simulator, YAML reader or validator', () => {
    const { modules, stdout } = loaded(['--help']);
    expect(stdout).toMatch(/Usage: qcs-gitops/);
    expect(modules.filter((u) => /\/(undici|yaml|js-yaml|ajv|ajv-formats)\//.test(u))).toEqual([]);
    expect(holding(modules, 'function startSimulator(')).toEqual([]);
  });
});
