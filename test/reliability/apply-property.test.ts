// Property: for random declarations and a random live account, apply then plan is empty (and no duplicate names).
// The engine runs in process against an in-process simulator over HTTP; small sizes and few runs keep it fast.
import { afterAll, beforeAll, expect, test } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { startSimulator, type SeedAccount, type SimulatorHandle } from '../../src/simulator/index.js';
import { createClient } from '../../src/api/client.js';
import { resolveTarget } from '../../src/api/config.js';
import type { ApiClient } from '../../src/api/types.js';
import { KINDS } from '../../src/kinds/index.js';
import { makePlan } from '../../src/engine/plan.js';
import { applyPlan } from '../../src/engine/apply.js';
import { hasErrors, validateText } from '../../src/declarations/validate.js';
import { formatDiagnostic } from '../../src/errors.js';
import { duplicateNames } from './helpers.js';

let sim: SimulatorHandle;
let api: ApiClient;

beforeAll(async () => {
  sim = await startSimulator();
  api = createClient(resolveTarget({ gatewayUrl: sim.url, ...sim.credentials }, {}), { baseBackoffMs: 1 });
});
afterAll(async () => {
  await api?.close();
  await sim?.close();
});

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'Alpha', 'beta 2'];
const name = fc.constantFrom(...NAMES);
const mode = fc.constantFrom('ACTIVE', 'INACTIVE', 'PERMISSIVE');
const action = fc.constantFrom('ALLOW', 'DENY');
const rule = fc.oneof(
  fc.record({ name: fc.constantFrom('r1', 'r2'), ruleType: fc.constantFrom('READ', 'WRITE'), action, file: fc.constantFrom('/etc/passwd', '/tmp/*') }),
  fc.record({ name: fc.constantFrom('n1', 'n2'), ruleType: fc.constantFrom('NETWORK_INBOUND', 'NETWORK_OUTBOUND'), action, ipAddress: fc.constantFrom('10.0.0.1', '0.0.0.0/0'), port: fc.constantFrom(22, 443) }),
);
const runtimeSpec = fc.record(
  { description: fc.constantFrom('', 'd1', 'd2'), policyMode: mode, defaultFileAction: action, ignoredSyscalls: fc.uniqueArray(fc.constantFrom('futex', 'ptrace'), { maxLength: 2 }), rules: fc.array(rule, { maxLength: 3 }) },
  { requiredKeys: ['policyMode'] },
);
const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-02-${String(d).padStart(2, '0')}`);
const exceptionSpec = fc.record({
  scope: fc.constantFrom('IMAGE', 'CONTAINER'),
  reason: fc.constantFrom('RISK_ACCEPTED', 'FALSE_POSITIVE'),
  explanation: fc.constantFrom('e1', 'e2'),
  startDate: day,
  endDate: fc.constantFrom('2026-12-31', '2027-06-30'),
  qids: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
});

const declared = fc.record({
  runtime: fc.uniqueArray(fc.tuple(name, runtimeSpec), { selector: ([n]) => n, maxLength: 3 }),
  exceptions: fc.uniqueArray(fc.tuple(name, exceptionSpec), { selector: ([n]) => n, maxLength: 3 }),
});

const epoch = (d: string) => String(Date.parse(`${d}T00:00:00Z`));
const live = fc.record({
  runtime: fc.uniqueArray(fc.tuple(name, runtimeSpec), { selector: ([n]) => n, maxLength: 3 }),
  exceptions: fc.uniqueArray(fc.tuple(name, exceptionSpec), { selector: ([n]) => n, maxLength: 3 }),
});

type Pairs = { runtime: [string, Record<string, unknown>][]; exceptions: [string, Record<string, unknown>][] };

function seedOf(l: Pairs): SeedAccount {
  return {
    runtimePolicies: l.runtime.map(([n, s]) => ({ name: n, ...s })),
    exceptions: l.exceptions.map(([n, s]) => ({ name: n, ...s, startDate: epoch(s.startDate as string), endDate: epoch(s.endDate as string) })),
  };
}

function yamlOf(d: { runtime: [string, unknown][]; exceptions: [string, unknown][] }): string {
  const docs = [
    ...d.runtime.map(([n, spec]) => ({ apiVersion: 'qcs-gitops/v1', kind: 'RuntimePolicy', metadata: { name: n }, spec })),
    ...d.exceptions.map(([n, spec]) => ({ apiVersion: 'qcs-gitops/v1', kind: 'Exception', metadata: { name: n }, spec })),
  ];
  return docs.map((x) => stringify(x)).join('---\n');
}

let withChanges = 0;

test('apply then plan is empty, with no duplicate names (random declarations × random live account)', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(declared, live, fc.boolean(), async (d, l, prune) => {
      if (d.runtime.length + d.exceptions.length === 0) return;
      sim.reset(seedOf(l as never));
      const v = validateText('random.yaml', yamlOf(d));
      expect(v.diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(hasErrors(v.diagnostics)).toBe(false);
      const options = { prune, allowMassDelete: true };
      const { plan, live: state } = await makePlan(api, KINDS, v.declarations, options);
      if (plan.changes.length > 0) withChanges++;
      const result = await applyPlan(api, KINDS, plan, { live: state, sleep: async () => {} });
      expect(result.summary.failed, JSON.stringify(result.results.filter((r) => r.status === 'failed'))).toBe(0);
      expect(result.verified).toBe(true);
      const again = await makePlan(api, KINDS, v.declarations, options);
      expect(again.plan.changes.map((c) => `${c.action} ${c.kind}/${c.name} ${JSON.stringify(c.patch)}`)).toEqual([]);
      expect(duplicateNames(sim.dump())).toEqual([]);
    }),
    { numRuns: 25, seed: 611 },
  );
  // the property was exercised: most runs had changes to apply
  expect(withChanges).toBeGreaterThanOrEqual(12);
});
