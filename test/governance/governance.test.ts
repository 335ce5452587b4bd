// Exception governance (issue 18): each finding at its line, the defaults without a project file, --strict, the
// findings in plan, the report sorted and in each format (with --live too), and annotations never sent to the API.
import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateText } from '../../src/declarations/validate.js';
import { DEFAULT_GOVERNANCE } from '../../src/project/load.js';
import { currentTime, exceptionFindings } from '../../src/governance/findings.js';
import { exceptionReport } from '../../src/governance/report.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { ROOT, runCli } from '../helpers/cli.js';

const NOW = '2026-12-01T10:00:00Z';

const ex = (name: string, start: string, end: string, ticket?: string) => `apiVersion: qcs-gitops/v1
kind: Exception
metadata:
  name: ${name}
${ticket ? `  annotations: { ticket: ${ticket}, approvedBy: alice }\n` : ''}spec:
  scope: IMAGE
  reason: RISK_ACCEPTED
  explanation: Accepted.
  startDate: ${start}
  endDate: ${end}
  entityAssignmentType: STATIC
  qids: [376157]
`;

// line 11 / 25 / 38: the endDate of each; line 32 the third's metadata.name
const FILE = [ex('ends-in-5-days', '2026-11-01', '2026-12-06T23:00:00Z', 'SEC-2'), ex('ended-yesterday', '2026-10-01', '2026-11-30', 'SEC-1'), ex('lasts-400-days', '2026-06-01', '2027-07-06')].join('---\n');

let dir: string;
let sim: SimulatorHandle;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qcs-gov-'));
  await mkdir(join(dir, 'policies'));
  await mkdir(join(dir, 'other'));
  await writeFile(join(dir, 'policies/exceptions.yaml'), FILE);
  await writeFile(join(dir, 'other/undeclared.yaml'), ex('made-in-the-ui', '2026-01-01', '2026-12-02'));
  sim = await startSimulator();
});

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const withProject = (governance: string) => writeFile(join(dir, 'qcs-gitops.yaml'), `apiVersion: qcs-gitops/v1\nkind: Project\ngovernance:\n${governance}`);
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { QCS_GITOPS_NOW: NOW, ...env }, { cwd: dir });

describe('exceptionFindings (pure)', () => {
  const decls = validateText('e.yaml', FILE).declarations;
  it('each finding at the line of its field, with the days left', () => {
    const f = exceptionFindings(decls, { exceptionExpiryWarningDays: 14, exceptionMaxDays: 180, requireTicket: true }, Date.parse(NOW));
    expect(f.map((x) => `${x.line}:${x.column} ${x.path} ${x.code} ${x.severity} ${x.daysLeft ?? ''}`)).toEqual([
      '11:12 spec.endDate EXCEPTION_EXPIRING warning 5',
      '25:12 spec.endDate EXCEPTION_EXPIRED error -1',
      '32:9 metadata.name EXCEPTION_NO_TICKET warning ',
      '38:12 spec.endDate EXCEPTION_TOO_LONG warning 217',
    ]);
    expect(f[1]!.message).toBe(
      "Exception 'ended-yesterday' ended on 2026-11-30 (1 day ago) but is still declared: it no longer accepts anything, and extending it would skip a review. Remove it, or renew it with a new review (a new endDate and ticket)",
    );
    expect(f[3]!.message).toContain('lasts 400 days (2026-06-01 to 2027-07-06), longer than exceptionMaxDays (180)');
  });
  it('the defaults: a 14-day window, no length limit, no ticket required; UTC days', () => {
    const f = exceptionFindings(decls, DEFAULT_GOVERNANCE, Date.parse(NOW));
    expect(f.map((x) => x.code)).toEqual(['EXCEPTION_EXPIRING', 'EXCEPTION_EXPIRED']);
    // 23:59 UTC on the last day is still "today": 0 days left; the next UTC day it has expired
    const one = validateText('e.yaml', ex('x', '2026-01-01', '2026-12-01')).declarations;
    expect(exceptionFindings(one, DEFAULT_GOVERNANCE, Date.parse('2026-12-01T23:59:59Z'))[0]!.message).toContain('ends today');
    expect(exceptionFindings(one, DEFAULT_GOVERNANCE, Date.parse('2026-12-02T00:00:00Z'))[0]!.code).toBe('EXCEPTION_EXPIRED');
    expect(exceptionFindings(one, { ...DEFAULT_GOVERNANCE, exceptionExpiryWarningDays: 13 }, Date.parse('2026-11-17T00:00:00Z'))).toEqual([]);
    expect(exceptionFindings(one, DEFAULT_GOVERNANCE, Date.parse('2026-11-17T00:00:00Z'))[0]!.daysLeft).toBe(14);
  });
  it('QCS_GITOPS_NOW: an ISO date or date-time; anything else is an error', () => {
    expect(currentTime({ QCS_GITOPS_NOW: '2026-12-01' })).toBe(Date.parse('2026-12-01T00:00:00Z'));
    expect(() => currentTime({ QCS_GITOPS_NOW: 'tomorrow' })).toThrow(/QCS_GITOPS_NOW is not an ISO date/);
  });
  it('the report: sorted by end date, then name; undeclared live ones marked', () => {
    const r = exceptionReport(decls, Date.parse(NOW), { live: [{ name: 'ui-made', spec: { scope: 'CONTAINER', endDate: '2026-12-03' } }, { name: 'ended-yesterday', spec: {} }] });
    expect(r.rows.map((x) => [x.name, x.declared, x.daysLeft, x.ticket])).toEqual([
      ['ended-yesterday', true, -1, 'SEC-1'],
      ['ui-made', false, 2, null],
      ['ends-in-5-days', true, 5, 'SEC-2'],
      ['lasts-400-days', true, 217, null],
    ]);
  });
});

describe('governance through the CLI', () => {
  it('validate exits 0 and prints the findings at their lines; --strict exits 1', async () => {
    await withProject('  exceptionMaxDays: 180\n');
    const r = await cli(['validate', 'policies']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Valid: 3 declarations in 1 file (3 Exception).\n');
    const lines = r.stderr.trim().split('\n');
    expect(lines.map((l) => l.split(': ').slice(0, 3).join(': '))).toEqual([
      'policies/exceptions.yaml:11:12: warning: spec.endDate',
      'policies/exceptions.yaml:25:12: error: spec.endDate',
      'policies/exceptions.yaml:38:12: warning: spec.endDate',
      'Governance: 3 findings (1 error, 2 warnings).',
    ]);
    expect(r.stderr).toContain('ends in 5 days (2026-12-06)');
    const strict = await cli(['validate', 'policies', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('Failing: --strict and governance findings');
    const json = JSON.parse((await cli(['validate', 'policies', '--format', 'json'])).stdout);
    expect(json.valid).toBe(true);
    expect(json.findings.map((f: { code: string; line: number }) => `${f.code}@${f.line}`)).toEqual(['EXCEPTION_EXPIRING@11', 'EXCEPTION_EXPIRED@25', 'EXCEPTION_TOO_LONG@38']);
  });

  it('without a project file: the defaults (only the window and expiry)', async () => {
    await rm(join(dir, 'qcs-gitops.yaml'), { force: true });
    const r = await cli(['validate', 'policies', '--format', 'json']);
    expect(JSON.parse(r.stdout).findings.map((f: { code: string }) => f.code)).toEqual(['EXCEPTION_EXPIRING', 'EXCEPTION_EXPIRED']);
    const clean = await cli(['validate', 'policies', '--strict'], { QCS_GITOPS_NOW: '2026-06-15' });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toBe('');
  });

  it('plan shows them (text, markdown, json against the schema), --strict fails; annotations are never sent', async () => {
    await withProject('  exceptionMaxDays: 180\n  requireTicket: true\n');
    const target = ['--gateway-url', sim.url];
    const env = { QUALYS_USERNAME: sim.credentials.username, QUALYS_PASSWORD: sim.credentials.password };
    const text = await cli(['plan', 'policies', ...target], env);
    expect(text.code).toBe(0);
    // text: the plan on stdout, the findings on stderr (as validate's)
    expect(text.stdout).toContain('Plan: 3 to create');
    expect(text.stderr).toContain('policies/exceptions.yaml:32:9: warning: metadata.name: Exception \'lasts-400-days\' has no metadata.annotations.ticket');
    expect(text.stderr).toContain('Governance: 4 findings (1 error, 3 warnings).');
    const md = await cli(['plan', 'policies', ...target, '--format', 'markdown'], env);
    expect(md.stdout).toContain('#### Exception governance');
    expect(md.stdout).toMatch(/\| 🛑 error \| `Exception\/ended-yesterday` \| `policies\/exceptions.yaml:25` \|/);
    const json = JSON.parse((await cli(['plan', 'policies', ...target, '--format', 'json'], env)).stdout);
    const ajv = new Ajv2020.default({ strict: false });
    const validate = ajv.compile(JSON.parse(await readFile(join(ROOT, 'schemas/plan.schema.json'), 'utf8')));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.findings).toHaveLength(4);
    const strict = await cli(['plan', 'policies', ...target, '--strict', '--detailed-exitcode'], env);
    expect(strict.code).toBe(1);

    sim.clearRequests();
    const applied = await cli(['apply', 'policies', 'other', ...target, '--auto-approve'], env);
    expect(applied.code).toBe(0);
    const sent = JSON.stringify(sim.requests().map((r) => r.body));
    expect(sent).toContain('ends-in-5-days');
    expect(sent).not.toContain('SEC-2');
    expect(sent).not.toContain('approvedBy');
    expect(JSON.stringify(sim.dump())).not.toContain('SEC-1');
  });

  it('report exceptions: sorted, in each format, with --live the undeclared ones', async () => {
    const text = await cli(['report', 'exceptions', 'policies']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').map((l) => l.trimEnd())).toEqual([
      'Exceptions on 2026-12-01 (UTC): 3 exceptions.',
      '',
      'NAME             SCOPE  ASSIGNMENT  START       END         DAYS LEFT     TICKET',
      'ended-yesterday  IMAGE  STATIC      2026-10-01  2026-11-30  -1 (expired)  SEC-1',
      'ends-in-5-days   IMAGE  STATIC      2026-11-01  2026-12-06  5             SEC-2',
      'lasts-400-days   IMAGE  STATIC      2026-06-01  2027-07-06  217           -',
      '',
    ]);
    const md = await cli(['report', 'exceptions', 'policies', '--format', 'markdown']);
    expect(md.stdout).toContain('| name | scope | assignment | start | end | days left | ticket |');
    expect(md.stdout).toContain('| ended-yesterday | IMAGE | STATIC | 2026-10-01 | 2026-11-30 | -1 (expired) | SEC-1 |');
    const json = JSON.parse((await cli(['report', 'exceptions', 'policies', '--format', 'json'])).stdout);
    expect(json.today).toBe('2026-12-01');
    expect(json.exceptions.map((e: { name: string; daysLeft: number }) => `${e.name}:${e.daysLeft}`)).toEqual(['ended-yesterday:-1', 'ends-in-5-days:5', 'lasts-400-days:217']);
    expect(json.exceptions[0].source).toBe('policies/exceptions.yaml:15:1');

    // the account holds made-in-the-ui (applied above from other/), which policies/ does not declare
    const live = await cli(['report', 'exceptions', 'policies', '--live', '--gateway-url', sim.url, '--format', 'json'], {
      QUALYS_USERNAME: sim.credentials.username,
      QUALYS_PASSWORD: sim.credentials.password,
    });
    expect(live.stderr).toBe('');
    const rows = JSON.parse(live.stdout).exceptions.map((e: { name: string; declared: boolean; daysLeft: number }) => `${e.name}:${e.declared}:${e.daysLeft}`);
    expect(rows).toEqual(['ended-yesterday:true:-1', 'made-in-the-ui:false:1', 'ends-in-5-days:true:5', 'lasts-400-days:true:217']);
  });
});
