// `plan --format json` carries the digest; `apply --expect-digest` applies only that plan: a digest or the
// reviewed json plan file (which names the objects that differ). Through the built CLI and the simulator.
import { readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qcs-digest-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sim = (state: string) => ['--simulator', '--state', join(dir, state)];

describe('apply --expect-digest', () => {
  it('applies the reviewed plan, and refuses (exit 1, nothing applied) another, naming the object with a plan file', async () => {
    const plan = await runCli(['plan', 'examples/policies', ...sim('a.json'), '--format', 'json', '--out', join(dir, 'saved.json')]);
    expect(plan.code, plan.stderr).toBe(0);
    const doc = JSON.parse(plan.stdout) as { digest: string; changes: Array<{ digest: string }>; summary: { create: number; update: number } };
    expect(doc.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.changes.every((c) => /^[0-9a-f]{64}$/.test(c.digest))).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'saved.json'), 'utf8')).digest).toBe(doc.digest);
    await writeFile(join(dir, 'reviewed.json'), plan.stdout);

    // the declarations change after the review: one field of one object
    const ws = join(dir, 'ws');
    await cp('examples/policies', ws, { recursive: true });
    const file = join(ws, 'secret-rules', readdirSync(join(ws, 'secret-rules')).find((f) => f.endsWith('.yaml'))!);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('severity: CRITICAL');
    await writeFile(file, text.replace('severity: CRITICAL', 'severity: MEDIUM'));

    const byHex = await runCli(['apply', ws, ...sim('a.json'), '--auto-approve', '--expect-digest', doc.digest.toUpperCase()]);
    expect(byHex.code).toBe(1);
    expect(byHex.stderr).toMatch(/^Error \[E_DIGEST_MISMATCH\]: The fresh plan differs from the reviewed one .*Nothing was applied\. Only the plan digest was given/m);
    const byFile = await runCli(['apply', ws, ...sim('a.json'), '--auto-approve', '--expect-digest', join(dir, 'reviewed.json')]);
    expect(byFile.code).toBe(1);
    expect(byFile.stderr).toMatch(/This object differs:\n {2}- SecretRule\/Shopify Token \(update\): its changes differ from the reviewed ones\n/);
    // nothing was applied: the account still plans the same changes
    const again = await runCli(['plan', 'examples/policies', ...sim('a.json'), '--format', 'json']);
    expect(JSON.parse(again.stdout).digest).toBe(doc.digest);

    const ok = await runCli(['apply', 'examples/policies', ...sim('a.json'), '--auto-approve', '--expect-digest', join(dir, 'reviewed.json')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`Apply: ${doc.summary.create} created, ${doc.summary.update} updated, 0 deleted, 0 failed, 0 skipped`);
    const after = await runCli(['plan', 'examples/policies', ...sim('a.json'), '--format', 'json']);
    expect(JSON.parse(after.stdout).changes).toEqual([]);
  });

  it('refuses a malformed digest before any API call', async () => {
    for (const bad of ['abc', 'z'.repeat(64), join(dir, 'missing.json')]) {
      const r = await runCli(['apply', 'examples/policies', '--gateway-url', 'http://127.0.0.1:9', '--token', 'x.y.z', '--auto-approve', '--expect-digest', bad]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^Error \[E_USAGE\]: --expect-digest '.*' is neither a sha256 digest \(64 hexadecimal characters\) nor a readable file/m);
    }
  });
});
