// `qcs-gitops simulate` (in-process, through commander) and the standalone entry (src/simulator/main.ts, bundled).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerSimulate, startSimulateCommand } from '../../src/cli/simulate.js';
import { call, DEMO, login } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qcs-sim-cli-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

function program(state: { exitCode: number }): Command {
  const p = new Command('qcs-gitops').exitOverride();
  p.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerSimulate(p, state);
  return p;
}

async function until(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('qcs-gitops simulate', () => {
  it('listens on 127.0.0.1, prints the URL, credentials and export hint, applies fault flags, and stops on SIGTERM', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out += String(s);
      return true;
    });
    const state = { exitCode: 1 };
    const statePath = join(dir, 'state.json');
    const run = program(state).parseAsync(['node', 'qcs-gitops', 'simulate', '--port', '0', '--state', statePath, '--rate-limit', '1/60', '--secret-detector-only']);
    await until(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(out), 'the ready line');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    expect(out).toContain(`export QUALYS_GATEWAY_URL=${url} QUALYS_USERNAME=${DEMO.username} QUALYS_PASSWORD=${DEMO.password}`);
    const token = await login(url);
    expect((await call(url, 'GET', '/csapi/v1.3/secretDetector', { token })).status).toBe(200);
    expect((await call(url, 'GET', '/csapi/v1.3/secretDetector', { token })).status).toBe(429);
    expect(JSON.parse(readFileSync(statePath, 'utf8')).sensorProfiles[0].profileName).toBe('Default');
    process.emit('SIGTERM');
    await run;
    expect(state.exitCode).toBe(0);
    await expect(fetch(`${url}/auth`, { method: 'POST' })).rejects.toThrow();
  });

  it('refuses malformed flag values', async () => {
    const state = { exitCode: 0 };
    for (const args of [
      ['--rate-limit', 'lots'],
      ['--error-rate', '1.5'],
      ['--port', '-1'],
      ['--concurrency', '0'],
    ]) {
      await expect(program(state).parseAsync(['node', 'qcs-gitops', 'simulate', ...args])).rejects.toBeInstanceOf(CommanderError);
    }
  });

  it('turns a bad seed file into a usage error', async () => {
    await expect(startSimulateCommand({ port: 0, seed: join(dir, 'missing.json') }, () => {})).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/Cannot read the seed file/) });
  });
});

describe('standalone simulator entry (build/simulator.js)', () => {
  it('reads PORT and SIM_SEED, prints the ready line, serves, and exits 0 on SIGTERM', async () => {
    const bundle = join(dir, 'simulator.js');
    await build({
      entryPoints: [fileURLToPath(new URL('../../src/simulator/main.ts', import.meta.url))],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
    });
    const seed = fileURLToPath(new URL('../../examples/simulator/seed.json', import.meta.url));
    const child = spawn(process.execPath, [bundle], { env: { PATH: process.env['PATH'] ?? '', PORT: '0', SIM_SEED: seed }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await until(() => /qcs-simulator listening on http:\/\/127\.0\.0\.1:\d+\n/.test(out), 'the ready line');
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      const token = await login(url);
      const r = await call(url, 'GET', '/csapi/v1.3/runtime/policies', { token });
      expect(r.json.map((p: any) => p.name)).toContain('Deny Write Static Website Files');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
