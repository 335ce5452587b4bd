// `qcs-gitops doctor` through the built CLI against the simulator on 127.0.0.1: read-only (its request log holds
// only POST /auth and GETs), every kind confirmed on a documented account, and each contradicted case (a capped
// page size, a read-only user, a denied kind, a missing list endpoint, another list shape, rate-limit headers) on a
// line of its own with what to do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle, SimulatorOptions } from '../../src/simulator/types.js';
import { cliIsStale, ROOT, runCli } from '../helpers/cli.js';

const SEED = JSON.parse(readFileSync(join(ROOT, 'examples/simulator/seed.json'), 'utf8')) as Record<string, unknown>;
const SCHEDULE = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/api-samples/report-schedule/create.request.json'), 'utf8')) as Record<string, unknown>;
/** The examples' account plus one report schedule: every kind holds an object to read in detail. */
const FULL_SEED = { ...SEED, reportSchedules: [SCHEDULE] };

let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

beforeAll(() => {
  if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `npm run build` (npm test does it)');
});

async function doctor(opts: Partial<SimulatorOptions>, args: string[] = [], user = { username: 'qcs-demo', password: 'qcs-demo-password' }) {
  sim = await startSimulator({ seed: FULL_SEED, ...opts });
  const env = { QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: user.username, QUALYS_PASSWORD: user.password };
  return runCli(['doctor', ...args], env);
}

/** The line of the text report whose check is `name`. */
function line(stdout: string, name: string): string {
  const l = stdout.split('\n').find((x) => new RegExp(`^  \\S+(?: checked)? +${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  `).test(x));
  if (!l) throw new Error(`no line for ${name} in:\n${stdout}`);
  return l;
}

describe('doctor', () => {
  it('confirms every kind against a documented account, with POST /auth and GETs only, and exits 0', async () => {
    const r = await doctor({}, ['examples/policies', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: Array<{ name: string; status: string }>; assumptions: Array<{ id: string; verdict: string; probed: boolean }> };
    expect(report.ok).toBe(true);
    for (const kind of ['SensorProfile', 'CentralizedPolicy', 'RuntimePolicy', 'Exception', 'SecretRule', 'ReportSchedule']) {
      expect(report.checks.find((c) => c.name === `${kind} list`)?.status, kind).toBe('ok');
      expect(report.checks.find((c) => c.name === `${kind} details`)?.status, kind).toBe('ok');
    }
    const verdict = (id: string) => report.assumptions.find((a) => a.id === id)?.verdict;
    for (const id of ['centralized-policy/list', 'exception/list', 'report-schedule/list', 'runtime-policy/details', 'report-schedule/details', 'common/auth-call', 'common/page-size', 'common/lists-without-a-total', 'secret-rule/path-probe', 'secret-rule/list-complete', 'sensor-profile/default-protected']) {
      expect(verdict(id), id).toBe('confirmed');
    }
    expect(report.assumptions.filter((a) => a.verdict === 'contradicted')).toEqual([]);
    // read-only: nothing but POST /auth and GET reached the simulator
    const calls = sim!.requests();
    expect(calls.length).toBeGreaterThan(6);
    for (const c of calls) expect(c.method === 'GET' || (c.method === 'POST' && c.path === '/auth'), `${c.method} ${c.path}`).toBe(true);
  });

  it('never prints the password, in text or json', async () => {
    for (const format of ['text', 'json']) {
      const r = await doctor({}, ['--format', format]);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('qcs-demo-password');
      expect(r.stdout).toContain('QUALYS_USERNAME, QUALYS_PASSWORD');
      await sim!.close();
      sim = undefined;
    }
  });

  it('reports a page size capped at 50, with the size the client uses, and still exits 0', async () => {
    const exceptions = Array.from({ length: 120 }, (_, i) => ({ name: `exc-${i}`, scope: 'IMAGE', reason: 'RISK_ACCEPTED', startDate: '1740000000000', endDate: '1900000000000', qids: [90984] }));
    const r = await doctor({ pageSizeCap: 50, seed: { ...FULL_SEED, exceptions } });
    expect(r.code).toBe(0);
    const l = line(r.stdout, 'Exception page size');
    expect(l).toMatch(/^ {2}warning/);
    expect(l).toContain('served 50');
    expect(r.stdout).toContain('the client reads 50 a page after the first; a plan of 120 objects needs 3 list calls');
    expect(r.stdout).toMatch(/confirmed +common\/page-size +capped at 50 \(Exception\)/);
  });

  it('says a read-only user cannot be told apart without a write, with the permissions apply needs', async () => {
    const r = await doctor({}, [], { username: 'qcs-viewer', password: 'qcs-viewer-password' });
    expect(r.code).toBe(0);
    expect(line(r.stdout, 'write permissions')).toMatch(/^ {2}not checked/);
    expect(r.stdout).toContain('apply needs CS.<AREA>.CREATE, UPDATE and DELETE');
  });

  it('fails a kind the user may not read, naming the permission the 403 gave', async () => {
    const r = await doctor({ users: [{ username: 'no-exc', password: 'pw-no-exc-123', denyKinds: ['Exception'] }] }, [], { username: 'no-exc', password: 'pw-no-exc-123' });
    expect(r.code).toBe(1);
    const l = line(r.stdout, 'Exception list');
    expect(l).toMatch(/^ {2}FAILED/);
    expect(l).toContain('denied (403)');
    expect(r.stdout).toContain('Give the API user the CS.EXCEPTION.VIEW permission');
    expect(r.stdout).toMatch(/confirmed +common\/other-error-bodies +403 naming CS\.EXCEPTION\.VIEW/);
    expect(line(r.stdout, 'RuntimePolicy list')).toMatch(/^ {2}ok/);
    expect(r.stdout).toContain('Verdict: FAILED');
  });

  it('fails a kind whose list endpoint answers 404, and contradicts its assumption', async () => {
    const r = await doctor({ faults: { latencyMs: 0, listMissing: ['ReportSchedule'] } }, ['--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: Array<{ name: string; status: string; detail: string; hint?: string }>; assumptions: Array<{ id: string; verdict: string; seen?: string }> };
    const c = report.checks.find((x) => x.name === 'ReportSchedule list')!;
    expect(c.status).toBe('failed');
    expect(c.detail).toContain('404');
    expect(c.hint).toContain('does not serve the ReportSchedule list');
    expect(report.assumptions.find((a) => a.id === 'report-schedule/list')).toMatchObject({ verdict: 'contradicted', seen: 'the ReportSchedule list answered 404' });
  });

  it('warns when a list comes in another shape than assumed (the client still reads it)', async () => {
    const r = await doctor({ faults: { latencyMs: 0, listShapes: { Exception: 'array' } } });
    expect(r.code).toBe(0);
    const l = line(r.stdout, 'Exception list');
    expect(l).toMatch(/^ {2}warning/);
    expect(l).toContain('a bare array, not {data, count} as assumed');
    expect(r.stdout).toMatch(/contradicted +exception\/list +served a bare array, not \{data, count\}/);
  });

  it('shows the rate-limit headers and the calls a plan of the declarations makes against the budget', async () => {
    const r = await doctor({ faults: { latencyMs: 0, rateLimit: { limit: 5, windowSec: 600 } } }, ['examples/policies']);
    expect(r.code).toBe(0);
    expect(line(r.stdout, 'headers')).toContain('X-RateLimit-Limit: 5');
    expect(r.stdout).toMatch(/confirmed +common\/rate-limits/);
    const budget = line(r.stdout, 'plan budget');
    expect(budget).toMatch(/^ {2}warning/);
    expect(budget).toMatch(/not measured: the gateway reported \d+ calls? left in its rate-limit window/);
  });

  it('measures the calls a plan makes as the plan then makes them', async () => {
    const r = await doctor({}, ['examples/policies', '--format', 'json']);
    const report = JSON.parse(r.stdout) as { checks: Array<{ name: string; detail: string }> };
    const estimate = Number(/makes (\d+) calls/.exec(report.checks.find((c) => c.name === 'plan budget')!.detail)![1]);
    sim!.clearRequests();
    const plan = await runCli(['plan', 'examples/policies'], { QUALYS_GATEWAY_URL: sim!.url, QUALYS_USERNAME: 'qcs-demo', QUALYS_PASSWORD: 'qcs-demo-password' });
    expect(plan.code).toBe(0);
    expect(estimate).toBe(sim!.requests().length);
  });
});
