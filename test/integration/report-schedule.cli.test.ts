// ReportSchedule through the built CLI against the simulator over HTTP: a weekly secrets report is created, a
// changed column list is planned field by field and applied (the PUT keeps what the declaration does not
// mention), export then plan is empty, --prune deletes an undeclared schedule, --target limits the plan, and
// the CS 1.38 create and update request bodies, as declarations, validate and plan clean when seeded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { cliIsStale, runCli } from '../helpers/cli.js';

const SAMPLES = fileURLToPath(new URL('../fixtures/api-samples/report-schedule/', import.meta.url));
const sample = (f: string) => JSON.parse(readFileSync(SAMPLES + f, 'utf8')) as Record<string, unknown>;

const BASE = '/csapi/v1.3/reports/schedule';

function doc(name: string, spec: Record<string, unknown>): string {
  return stringify({ apiVersion: 'qcs-gitops/v1', kind: 'ReportSchedule', metadata: { name }, spec });
}

const secrets = (columns: string[]) => ({
  description: 'Image secrets for the AppSec mailbox, every Monday and Thursday.',
  templateName: 'CS_IMAGE_SECRETS',
  format: 'csv',
  displayColumns: columns,
  emailNotification: true,
  reportScheduleDetails: { recurrenceType: 'WEEKLY', selectedDayOfWeeks: ['MONDAY', 'THURSDAY'] },
  eventTime: '2026-01-05T07:00:00Z',
});

describe('ReportSchedule through the CLI', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let env: Record<string, string>;
  const file = () => join(dir, 'policies', 'secrets.yaml');
  const writeDecl = (text: string) => {
    mkdirSync(join(dir, 'policies'), { recursive: true });
    writeFileSync(file(), text);
  };
  const schedules = () => (sim.dump().reportSchedules ?? []) as Array<Record<string, any>>;

  beforeAll(async () => {
    if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `npm run build` (npm test does it)');
    sim = await startSimulator();
    dir = mkdtempSync(join(tmpdir(), 'qcs-report-schedule-'));
    env = { QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: sim.credentials.username, QUALYS_PASSWORD: sim.credentials.password };
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a declared weekly secrets report', async () => {
    writeDecl(doc('appsec-secrets-weekly', secrets(['imageId', 'secretUuid', 'secretSeverity'])));
    expect((await runCli(['validate', join(dir, 'policies')], env)).code).toBe(0);
    const plan = await runCli(['plan', join(dir, 'policies'), '--detailed-exitcode'], env);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('+ ReportSchedule "appsec-secrets-weekly"');
    const apply = await runCli(['apply', join(dir, 'policies'), '--auto-approve'], env);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/Verified: the live account matches every applied change\./);
    const post = sim.requests().find((r) => r.method === 'POST' && r.path === BASE)!;
    expect(post.body).toMatchObject({ name: 'appsec-secrets-weekly', templateName: 'CS_IMAGE_SECRETS', 'e-mail notification': 1, action: 'CREATE', eventTime: '2026-01-05T07:00:00Z' });
    // nothing the declaration leaves out is sent (no invented default)
    expect(post.body).not.toHaveProperty('zip');
    expect(schedules()).toEqual([
      expect.objectContaining({
        name: 'appsec-secrets-weekly',
        templateName: 'CS_IMAGE_SECRETS',
        emailNotification: 1,
        reportScheduleDetails: expect.objectContaining({ recurrenceType: 'WEEKLY', selectedDayOfWeeks: ['MONDAY', 'THURSDAY'] }),
      }),
    ]);
  });

  it('plans a changed column list field by field and applies it, keeping what the declaration does not mention', async () => {
    // someone sets a filter in the UI: the declaration does not mention filter, so it is neither shown nor cleared
    const live = schedules()[0]!;
    const token = await (await fetch(`${sim.url}/auth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=qcs-demo&password=qcs-demo-password&token=true' })).text();
    const put = await fetch(`${sim.url}${BASE}/${live.scheduleUuid}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...sample('create.request.json'), ...secrets(['imageId', 'secretUuid', 'secretSeverity']), name: 'appsec-secrets-weekly', emailNotification: undefined, 'e-mail notification': 1, eventEndTime: null, filter: 'repo:payments/*' }),
    });
    expect(put.status).toBe(200);

    writeDecl(doc('appsec-secrets-weekly', secrets(['imageId', 'secretUuid', 'secretType', 'filePath'])));
    const plan = await runCli(['plan', join(dir, 'policies'), '--detailed-exitcode'], env);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('~ ReportSchedule "appsec-secrets-weekly"');
    expect(plan.stdout).toMatch(/~ displayColumns\[2\]: "secretSeverity" → "secretType"/);
    expect(plan.stdout).toMatch(/\+ displayColumns\[3\]: "filePath"/);
    expect(plan.stdout).not.toMatch(/filter/);
    expect(plan.stdout).toMatch(/Plan: 0 to create, 1 to update, 0 to delete\./);

    sim.clearRequests();
    const apply = await runCli(['apply', join(dir, 'policies'), '--auto-approve'], env);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const sent = sim.requests().find((r) => r.method === 'PUT')!;
    expect(sent.body).toMatchObject({ filter: 'repo:payments/*', displayColumns: ['imageId', 'secretUuid', 'secretType', 'filePath'], action: 'CREATE' });
    expect(schedules()[0]).toMatchObject({ filter: 'repo:payments/*', displayColumns: ['imageId', 'secretUuid', 'secretType', 'filePath'] });
    const again = await runCli(['plan', join(dir, 'policies'), '--detailed-exitcode'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^No changes\./m);
  });

  it('export, then plan of the export, is empty', async () => {
    const out = join(dir, 'exported');
    const exp = await runCli(['export', '--out', out, '--kind', 'ReportSchedule'], env);
    expect(exp.code, exp.stderr).toBe(0);
    expect(readdirSync(join(out, 'report-schedules'))).toEqual(['appsec-secrets-weekly.yaml']);
    const text = readFileSync(join(out, 'report-schedules', 'appsec-secrets-weekly.yaml'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/\$schema=.*report-schedule\.schema\.json$/);
    expect((await runCli(['validate', out], env)).code).toBe(0);
    const plan = await runCli(['plan', out, '--detailed-exitcode'], env);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^No changes\./m);
  });

  it('--target limits the plan; --prune deletes an undeclared schedule', async () => {
    sim.reset({ ...sim.dump(), reportSchedules: [...schedules(), { ...sample('create.request.json'), name: 'made-by-hand' }] });
    const plain = await runCli(['plan', join(dir, 'policies'), '--detailed-exitcode'], env);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/1 live object is not declared/);
    const targeted = await runCli(['plan', join(dir, 'policies'), '--prune', '--target', 'ReportSchedule/appsec-secrets-weekly', '--detailed-exitcode'], env);
    expect(targeted.code).toBe(0);
    const plan = await runCli(['plan', join(dir, 'policies'), '--prune', '--detailed-exitcode'], env);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('- ReportSchedule "made-by-hand"');
    expect(plan.stdout).toMatch(/Plan: 0 to create, 0 to update, 1 to delete\./);
    const apply = await runCli(['apply', join(dir, 'policies'), '--prune', '--auto-approve'], env);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(schedules().map((s) => s['name'])).toEqual(['appsec-secrets-weekly']);
    expect(sim.requests().some((r) => r.method === 'DELETE' && r.path.startsWith(`${BASE}/`))).toBe(true);
  });

  for (const f of ['create.request.json', 'update.request.json']) {
    it(`the 1.38 ${f.split('.')[0]} request body, as a declaration, validates and plans clean against a simulator seeded with it`, async () => {
      const body = sample(f);
      const { name, ...spec } = body;
      sim.reset({ reportSchedules: [body] });
      const d = join(dir, `documented-${f}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'schedule.yaml'), doc(String(name), spec));
      const v = await runCli(['validate', d], env);
      expect(v.code, v.stderr).toBe(0);
      expect(v.stderr).toBe('');
      const plan = await runCli(['plan', d, '--detailed-exitcode', '--prune'], env);
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      expect(plan.stdout).toMatch(/^No changes\./m);
      expect(plan.stdout).toMatch(/1 unchanged, 0 unmanaged\./);
    });
  }
});
