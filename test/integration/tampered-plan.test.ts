// Issue 26: a saved plan is tamper-evident. `apply --plan` recomputes the digest of the changes it is about to
// carry out and refuses (no write) a plan whose digest does not match, whose deletes its own prune flag did not
// allow, or whose specs are not the declarations'. Through the built CLI and the simulator.
import { readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDigest } from '../../src/engine/digest.js';
import type { Plan } from '../../src/engine/model.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
let ws: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qcs-tamper-'));
  // the account holds every example; the workspace declares all but one exception, and changes a secret rule
  const applied = await runCli(['apply', 'examples/policies', ...sim(), '--auto-approve']);
  expect(applied.code, applied.stderr).toBe(0);
  ws = join(dir, 'ws');
  await cp('examples/policies', ws, { recursive: true });
  await rm(join(ws, 'exceptions', readdirSync(join(ws, 'exceptions')).find((f) => f.endsWith('.yaml'))!));
  const rule = join(ws, 'secret-rules', readdirSync(join(ws, 'secret-rules')).find((f) => f.endsWith('.yaml'))!);
  await writeFile(rule, (await readFile(rule, 'utf8')).replace('severity: CRITICAL', 'severity: MEDIUM'));
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const sim = () => ['--simulator', '--state', join(dir, 'state.json')];

async function planFile(name: string, more: string[] = []): Promise<Plan> {
  const r = await runCli(['plan', ws, ...sim(), '--out', join(dir, name), ...more]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(await readFile(join(dir, name), 'utf8')) as Plan;
}

async function applyTampered(plan: Plan): Promise<{ code: number; stderr: string }> {
  await writeFile(join(dir, 'tampered.json'), JSON.stringify(plan, null, 2));
  return runCli(['apply', '--plan', join(dir, 'tampered.json'), ...sim(), '--auto-approve']);
}

describe('a tampered saved plan (issue 26)', () => {
  it('is refused with nothing written: a spliced delete, with or without a recomputed digest, and another spec', { timeout: 120_000 }, async () => {
    const saved = await planFile('saved.json');
    const pruned = await planFile('pruned.json', ['--prune', '--max-deletes', '100']);
    const del = pruned.changes.find((c) => c.action === 'delete');
    expect(del, 'the simulator account holds an undeclared object').toBeDefined();
    expect(saved.changes.some((c) => c.action === 'delete')).toBe(false);
    const stateBefore = await readFile(join(dir, 'state.json'), 'utf8');

    // a delete spliced in, the digest left as it was
    const spliced = { ...saved, changes: [...saved.changes, del!] };
    let r = await applyTampered(spliced);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error \[E_PLAN_TAMPERED\]: The plan .* does not hold what it says/m);
    expect(r.stderr).toMatch(/its digest .* is not the digest of its changes/);

    // the digest recomputed too: the plan was made without --prune
    r = await applyTampered({ ...spliced, digest: planDigest(spliced) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_PLAN_TAMPERED/);
    expect(r.stderr).toContain(`it deletes 1 object (${del!.kind}/${del!.name}) though it was made without --prune`);

    // another spec sent for a declared object (digest recomputed)
    const c0 = saved.changes.find((c) => c.action !== 'delete')!;
    const respec = { ...saved, changes: saved.changes.map((c) => (c === c0 ? { ...c, spec: { ...c.spec, injected: 'yes' } } : c)) };
    r = await applyTampered({ ...respec, digest: planDigest(respec) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${c0.kind}/${c0.name}: the spec it would send is not the declaration's`);

    // nothing was written: the account is as it was, and the untampered plan still applies
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe(stateBefore);
    const ok = await runCli(['apply', '--plan', join(dir, 'saved.json'), ...sim(), '--auto-approve']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
