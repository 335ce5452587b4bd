// Issue 26: refusals stop early. A read-only user's apply against the simulator: the first 403 of a kind stops its
// further writes (skipped, naming the permission), so at most --parallelism write calls are made per kind; the
// result is not `verified`, and the text never says "Verified" beside failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { createClient } from '../../src/api/client.js';
import { resolveTarget } from '../../src/api/config.js';
import type { ApiClient } from '../../src/api/types.js';
import { KINDS } from '../../src/kinds/index.js';
import { makePlan } from '../../src/engine/plan.js';
import { applyPlan } from '../../src/engine/apply.js';
import { renderApplyText } from '../../src/render/text.js';
import { renderApplyMarkdown } from '../../src/render/markdown.js';
import type { Declaration, KindName } from '../../src/types.js';

function decl(kind: KindName, name: string, spec: Record<string, unknown>): Declaration {
  const pos = { file: 'refused.yaml', line: 1, column: 1 };
  return { apiVersion: 'qcs-gitops/v1', kind, name, spec, source: pos, positionOf: () => pos };
}

const PARALLELISM = 4;
const declarations = [
  ...Array.from({ length: 20 }, (_, i) =>
    decl('Exception', `ro-${i}`, { reason: 'RISK_ACCEPTED', scope: 'IMAGE', startDate: '2026-01-01', endDate: '2026-07-01', qids: [i + 1] }),
  ),
  ...Array.from({ length: 20 }, (_, i) => decl('RuntimePolicy', `ro-policy-${i}`, { description: `p${i}` })),
];

describe('a read-only user applies (issue 26)', () => {
  let sim: SimulatorHandle;
  let api: ApiClient;
  beforeAll(async () => {
    sim = await startSimulator({ users: [{ username: 'viewer', password: 'viewer-password-26', readOnly: true }] });
    api = createClient(resolveTarget({ gatewayUrl: sim.url, username: 'viewer', password: 'viewer-password-26' }, {}), { retries: 1 });
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  it('makes at most --parallelism write calls per kind, skips the rest naming the permission, and is not verified', async () => {
    const { plan } = await makePlan(api, KINDS, declarations);
    expect(plan.changes.length).toBe(40);
    sim.clearRequests();
    const result = await applyPlan(api, KINDS, plan, { parallelism: PARALLELISM, sleep: async () => undefined });
    const writes = sim.requests().filter((r) => r.method !== 'GET' && r.path !== '/auth');
    const byKind = new Map<string, number>();
    for (const w of writes) {
      const k = w.path.split('/')[3]!;
      byKind.set(k, (byKind.get(k) ?? 0) + 1);
    }
    expect(byKind.size).toBeGreaterThan(0);
    for (const [k, n] of byKind) expect(n, k).toBeLessThanOrEqual(PARALLELISM);
    expect(writes.length).toBeLessThan(40);
    expect(result.summary.failed + result.summary.skipped).toBe(40);
    const skipped = result.results.filter((r) => r.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((r) => /refused a change of this kind \(403(, permission CS\.[A-Z_.]+)\); not tried/.test(r.reason ?? ''))).toBe(true);
    expect(result.verified).toBe(false);
    const text = renderApplyText(result);
    expect(text).not.toMatch(/Verified/);
    expect(text).toMatch(/^Not verified: \d+ failed and \d+ skipped, so the account does not match the plan; no change was carried out\.$/m);
    expect(renderApplyMarkdown(result)).not.toMatch(/Verified/);
  });
});
