// A mixed apply over real HTTP against the simulator: creates, updates, prune deletes, secret-rule status
// and severity changes. The requests the simulator received show one bulkUpdate per target status and no
// per-rule status PUTs; a second plan is empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { builtinSecretRules } from '../../src/simulator/secret-rules-builtin.js';
import { createClient } from '../../src/api/client.js';
import { resolveTarget } from '../../src/api/config.js';
import type { ApiClient } from '../../src/api/types.js';
import { KINDS } from '../../src/kinds/index.js';
import { makePlan } from '../../src/engine/plan.js';
import { applyPlan } from '../../src/engine/apply.js';
import type { Declaration, KindName } from '../../src/types.js';

function decl(kind: KindName, name: string, spec: Record<string, unknown>): Declaration {
  const pos = { file: 'mixed.yaml', line: 1, column: 1 };
  return { apiVersion: 'qcs-gitops/v1', kind, name, spec, source: pos, positionOf: () => pos };
}

const rules = builtinSecretRules();
const active = rules.filter((r) => r.status === 'Active').slice(0, 3).map((r) => String(r.secretDetector));
const severityOnly = rules.filter((r) => r.status === 'Active' && r.severity !== 'LOW')[5]!;

const SEED = {
  exceptions: [
    { name: 'keep-and-change', reason: 'RISK_ACCEPTED', scope: 'IMAGE', explanation: 'old', startDate: '1767225600000', endDate: '1782864000000', qids: [1, 2] },
    { name: 'undeclared-1', reason: 'OTHER', scope: 'IMAGE', startDate: '1767225600000', endDate: '1782864000000', qids: [3] },
    { name: 'undeclared-2', reason: 'OTHER', scope: 'CONTAINER', startDate: '1767225600000', endDate: '1782864000000', qids: [4] },
  ],
  secretRules: [{ secretDetector: active[2], status: 'Inactive' }],
};

describe('apply a mixed plan against the simulator', () => {
  let sim: SimulatorHandle;
  let api: ApiClient;
  beforeAll(async () => {
    sim = await startSimulator({ seed: SEED });
    api = createClient(resolveTarget({ gatewayUrl: sim.url, username: sim.credentials.username, password: sim.credentials.password }, {}));
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  it('converges, with one bulkUpdate per target status and severity changes one by one', async () => {
    const declarations = [
      decl('Exception', 'keep-and-change', { reason: 'RISK_ACCEPTED', scope: 'IMAGE', explanation: 'new', startDate: '2026-01-01', endDate: '2026-07-01', qids: [2, 1, 5] }),
      decl('Exception', 'brand-new', { reason: 'FALSE_POSITIVE', scope: 'IMAGE', entityAssignmentType: 'DYNAMIC', dynamicFilter: 'repo.tag:v1', startDate: '2026-01-01', endDate: '2026-02-01' }),
      decl('SensorProfile', 'new-profile', { description: 'p', associatedRegistryIds: ['0b7e3f2a-1c4d-4e5f-8a9b-0c1d2e3f4a5b'], associatedSensorIds: ['1b7e3f2a-1c4d-4e5f-8a9b-0c1d2e3f4a5c'] }),
      decl('SecretRule', active[0]!, { status: 'Inactive' }),
      decl('SecretRule', active[1]!, { status: 'inactive' }),
      decl('SecretRule', active[2]!, { status: 'Active' }), // seeded Inactive
      decl('SecretRule', String(severityOnly.secretDetector), { severity: 'low' }),
    ];
    const { plan, live } = await makePlan(api, KINDS, declarations, { prune: true });
    expect(plan.summary).toMatchObject({ create: 2, update: 5, delete: 2 });
    sim.clearRequests();
    const result = await applyPlan(api, KINDS, plan, { live });
    expect(result.summary).toEqual({ created: 2, updated: 5, deleted: 2, failed: 0, skipped: 0 });
    expect(result.verified).toBe(true);

    const writes = sim.requests().filter((r) => r.method !== 'GET');
    const bulk = writes.filter((r) => r.path.endsWith('/bulkUpdate'));
    expect(bulk.map((r) => (r.body as { secretRuleStatus: string }).secretRuleStatus).sort()).toEqual(['Active', 'Inactive']);
    const inactiveBulk = bulk.find((r) => (r.body as { secretRuleStatus: string }).secretRuleStatus === 'Inactive')!;
    expect(((inactiveBulk.body as { ruleIds: string[] }).ruleIds).length).toBe(2);
    const singlePuts = writes.filter((r) => r.method === 'PUT' && /\/secretrule\/[^/]+$/.test(r.path) && !r.path.endsWith('/bulkUpdate'));
    expect(singlePuts.map((r) => r.path)).toEqual([`/csapi/v1.3/secretrule/${severityOnly.ruleUuid}`]);
    expect(writes.filter((r) => r.method === 'DELETE')).toHaveLength(2);
    // deletes come after every create and update
    const firstDelete = writes.findIndex((r) => r.method === 'DELETE');
    expect(writes.slice(firstDelete).every((r) => r.method === 'DELETE')).toBe(true);

    const again = await makePlan(api, KINDS, declarations, { prune: true });
    expect(again.plan.changes).toEqual([]);
    const names = (sim.dump().exceptions ?? []).map((e) => e.name).sort();
    expect(names).toEqual(['brand-new', 'keep-and-change']);
  });
});
