// docs/getting-started.md stays true: its platform table is the one src/api/config.ts holds (UPDATE_DOCS=1 rewrites
// it), the read-only first run it describes works with a viewer user (export, validate, plan → No changes; a write is
// refused with the permission named), and --help of every command that calls the API names the variables.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORMS } from '../../src/api/config.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { useSimulator } from '../helpers/suite.js';

const DOC = join(ROOT, 'docs', 'getting-started.md');
const BEGIN = /<!-- platforms:begin[^>]*-->\n/;
const END = '<!-- platforms:end -->';

function platformTable(): string {
  const rows = Object.entries(PLATFORMS).map(([name, url]) => `| \`${name}\` | \`${url}\` |`);
  return ['| platform | gateway |', '| --- | --- |', ...rows].join('\n') + '\n';
}

describe('docs/getting-started.md', () => {
  it('the platform table is generated from src/api/config.ts', () => {
    const doc = readFileSync(DOC, 'utf8');
    const begin = BEGIN.exec(doc);
    expect(begin, 'the platforms:begin marker').not.toBeNull();
    const start = begin!.index + begin![0].length;
    const end = doc.indexOf(END, start);
    expect(end).toBeGreaterThan(start);
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, doc.slice(0, start) + platformTable() + doc.slice(end));
    expect(doc.slice(start, end)).toBe(platformTable());
    expect(Object.keys(PLATFORMS).length).toBeGreaterThanOrEqual(13);
  });

  it('--help of every command that calls the API names the variables', async () => {
    for (const cmd of [['plan'], ['apply'], ['export'], ['report', 'exceptions']]) {
      const r = await runCli([...cmd, '--help']);
      expect(r.code).toBe(0);
      for (const v of ['QUALYS_GATEWAY_URL', 'QUALYS_PLATFORM', 'QUALYS_USERNAME', 'QUALYS_PASSWORD', 'QUALYS_TOKEN']) expect(r.stdout, `${cmd.join(' ')} --help`).toContain(v);
      expect(r.stdout).toContain('docs/getting-started.md');
    }
    const offline = await runCli(['validate', '--help']);
    expect(offline.stdout).not.toContain('QUALYS_PASSWORD');
  });

  describe('the read-only first run, with a viewer', () => {
    const sim = useSimulator();
    it('export, validate, plan → No changes; then an apply is refused with the permission named', async () => {
      sim.reset(JSON.parse(readFileSync(join(ROOT, 'examples', 'simulator', 'seed.json'), 'utf8')));
      const viewer = { QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: 'qcs-viewer', QUALYS_PASSWORD: 'qcs-viewer-password' };
      const repo = mkdtempSync(join(tmpdir(), 'qcs-first-run-'));
      try {
        const exported = await runCli(['export', '--out', 'policies/'], viewer, { cwd: repo });
        expect(exported.code, exported.stderr).toBe(0);
        const valid = await runCli(['validate', 'policies/'], {}, { cwd: repo });
        expect(valid.code, valid.stderr).toBe(0);
        const plan = await runCli(['plan', 'policies/'], viewer, { cwd: repo });
        expect(plan.code, plan.stderr).toBe(0);
        expect(plan.stdout).toMatch(/^No changes\./m);
        const writes = sim.requests().filter((r) => r.method !== 'GET' && !r.path.startsWith('/auth')).length;
        expect(writes).toBe(0);
        // the first change, applied with the viewer: the documented 403, its permission named, nothing written
        writeFileSync(
          join(repo, 'policies', 'exceptions', 'first-change.yaml'),
          'apiVersion: qcs-gitops/v1\nkind: Exception\nmetadata:\n  name: first-change\nspec:\n  scope: IMAGE\n  reason: RISK_ACCEPTED\n  startDate: 2026-01-01\n  endDate: 2030-01-01\n  qids: [380001]\n',
        );
        const apply = await runCli(['apply', 'policies/', '--auto-approve'], viewer, { cwd: repo });
        expect(apply.code).toBe(1);
        expect(apply.stdout + apply.stderr).toMatch(/does not have the CS\.EXCEPTION\.CREATE permission/);
        expect(sim.dump().exceptions?.some((e) => (e as { name?: string }).name === 'first-change')).toBeFalsy();
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    });
  });
});
