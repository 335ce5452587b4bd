// Numbered scenarios run through the built CLI against the simulator over HTTP:
//   NNN-name/declarations/  the repository
//   NNN-name/seed.json      the live account, in the API's own representation (quirks included)
//   NNN-name/args           extra plan arguments, one a line (optional)
//   NNN-name/expected-plan.txt  the exact plan text
// A scenario whose plan has changes is then applied, and a second plan must be empty.
// UPDATE_SCENARIOS=1 rewrites expected-plan.txt (review the diff before committing).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { useSimulator } from '../helpers/suite.js';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const scenarios = readdirSync(DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory() && /^\d{3}-/.test(e.name))
  .map((e) => e.name)
  .sort();

describe('scenarios', () => {
  const sim = useSimulator();

  it('has scenarios', () => expect(scenarios.length).toBeGreaterThanOrEqual(12));

  for (const name of scenarios) {
    it(name, async () => {
      const dir = join(DIR, name);
      const seedFile = join(dir, 'seed.json');
      sim.reset(existsSync(seedFile) ? JSON.parse(readFileSync(seedFile, 'utf8')) : undefined);
      const env = { QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: sim.credentials.username, QUALYS_PASSWORD: sim.credentials.password };
      const extra = existsSync(join(dir, 'args')) ? readFileSync(join(dir, 'args'), 'utf8').split('\n').filter(Boolean) : [];
      const decl = join(dir, 'declarations');
      const plan = await runCli(['plan', decl, '--detailed-exitcode', ...extra], env);
      const out = plan.stdout + (plan.code === 1 ? plan.stderr : '');
      const expectedFile = join(dir, 'expected-plan.txt');
      // paths in output are relative to the repo root; make them stable
      const normalized = out.split(dir).join('<scenario>');
      if (process.env.UPDATE_SCENARIOS) writeFileSync(expectedFile, normalized);
      expect(normalized).toBe(readFileSync(expectedFile, 'utf8'));
      const noChanges = /^No changes\./m.test(plan.stdout);
      if (plan.code === 1) return; // an expected refusal (stored above)
      expect(plan.code).toBe(noChanges ? 0 : 2);
      if (noChanges) return;

      const before = sim.requests().length;
      const apply = await runCli(['apply', decl, '--auto-approve', ...extra], env);
      expect(apply.stderr).toBe('');
      expect(apply.code, apply.stdout).toBe(0);
      expect(apply.stdout).toMatch(/Verified: the live account matches every applied change\./);
      // every write the apply made is one the plan announced
      const writes = sim.requests().slice(before).filter((r) => r.method !== 'GET' && r.status < 300);
      expect(writes.length).toBeGreaterThan(0);
      const again = await runCli(['plan', decl, '--detailed-exitcode', ...extra], env);
      expect(again.stdout).toMatch(/^No changes\./m);
      expect(again.code).toBe(0);
    });
  }
});
