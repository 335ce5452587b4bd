// Install and run anywhere (issue 28): the package as a user gets it. `npm pack` the repository (the build is
// already fresh: no scripts run), `npm install -g` the tarball into a temporary prefix, then, from a fresh temporary
// folder outside the repository, `qcs-gitops --version` and `qcs-gitops plan <repo>/examples/policies --simulator`.
// The install fetches the runtime dependencies from the npm registry (or npm's cache): without a registry the test
// is skipped, saying why — except under CI, where it must run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, cliIsStale } from '../helpers/cli.js';
import { examplesPlan } from '../helpers/examples.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: none of the npm_* variables `npm test` sets, no Qualys variables. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && !k.startsWith('QUALYS_')) env[k] = v;
  return { ...env, NO_COLOR: '1' };
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: userEnv(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('the npm pack tarball, installed outside the repository', () => {
  let tmp: string;
  let registry: { ok: boolean; why: string };
  beforeAll(async () => {
    if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `npm run build` (npm test does it)');
    tmp = mkdtempSync(join(tmpdir(), 'qcs-install-'));
    const ping = await run(NPM, ['ping'], tmp, 20_000);
    registry = { ok: ping.code === 0, why: (ping.stderr || ping.stdout).trim().split('\n').slice(-2).join(' ') };
  }, 30_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('installs with npm install -g, then --version and plan --simulator work from a fresh folder', { timeout: 240_000 }, async (ctx) => {
    if (!registry.ok) {
      if (process.env.CI) throw new Error(`the npm registry does not answer under CI: ${registry.why}`);
      ctx.skip(`the npm registry does not answer (npm ping: ${registry.why}); the install needs the runtime dependencies`);
    }
    const pack = await run(NPM, ['pack', '--ignore-scripts', '--pack-destination', tmp], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBe(`qcs-gitops-${VERSION}.tgz`);

    const prefix = join(tmp, 'prefix');
    const work = mkdtempSync(join(tmp, 'elsewhere-'));
    const install = await run(NPM, ['install', '-g', '--prefix', prefix, join(tmp, tarball!), '--no-audit', '--no-fund', '--prefer-offline'], work);
    expect(install.code, install.stderr).toBe(0);
    const bin = join(prefix, 'bin', 'qcs-gitops');

    const version = await run(bin, ['--version'], work);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const plan = await run(bin, ['plan', join(ROOT, 'examples', 'policies'), '--simulator'], work);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.split('\n')).toContain((await examplesPlan()).planLine);
    // the installed package carries its schemas and examples: the examples validate from the install
    const own = await run(bin, ['validate', join(prefix, 'lib', 'node_modules', 'qcs-gitops', 'examples', 'policies')], work);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toMatch(/^Valid: \d+ declarations/);
  });
});
