// Property tests of the whole plan path (YAML files → loader → validator → kinds → client → simulator):
// random valid declarations, once created in the simulator, plan to nothing; a random single-field change
// plans exactly one update touching exactly that field; and the account, exported, validates and plans to
// nothing (the export round trip on random accounts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { builtinSecretRules } from '../../src/simulator/secret-rules-builtin.js';
import { createClient } from '../../src/api/client.js';
import { resolveTarget } from '../../src/api/config.js';
import type { ApiClient } from '../../src/api/types.js';
import { loadAndValidate } from '../../src/declarations/validate.js';
import { KINDS } from '../../src/kinds/index.js';
import { buildPlan, fetchLive, makePlan } from '../../src/engine/plan.js';
import { exportFiles } from '../../src/export/export.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyPlan } from '../../src/engine/apply.js';

type Doc = { kind: string; name: string; spec: Record<string, unknown> };
type Mutation = { doc: number; field: string; apply: (spec: Record<string, unknown>) => void };

const word = fc.stringMatching(/^[a-z][a-z0-9-]{2,12}$/);
const text = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .,;-]{0,40}[A-Za-z0-9.]$/);
const day = fc.integer({ min: 0, max: 700 }).map((d) => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

const exception = fc.record({
  scope: fc.constantFrom('IMAGE', 'CONTAINER'),
  exceptionType: fc.constant('VULNERABILITY'),
  reason: fc.constantFrom('RISK_ACCEPTED', 'FALSE_POSITIVE', 'COMPENSATING_CONTROL', 'OTHER'),
  explanation: text,
  start: day,
  days: fc.integer({ min: 1, max: 400 }),
  dynamic: fc.boolean(),
  tag: word,
  qids: fc.uniqueArray(fc.integer({ min: 1000, max: 999_999 }), { minLength: 1, maxLength: 5 }),
}).map(({ start, days, dynamic, tag, qids, ...rest }) => {
  const end = new Date(Date.parse(start) + days * 86_400_000).toISOString().slice(0, 10);
  return { ...rest, startDate: start, endDate: end, ...(dynamic ? { entityAssignmentType: 'DYNAMIC', dynamicFilter: `repo.tag:${tag}` } : { qids }) };
});

const runtimeRule = fc.oneof(
  fc.record({ name: word, ruleType: fc.constantFrom('READ', 'WRITE'), action: fc.constantFrom('ALLOW', 'DENY'), program: fc.constantFrom('*', '/bin/cat', '/usr/bin/vi'), file: fc.constantFrom('/etc/passwd', '/var/www/*', '/tmp/x') }),
  fc.record({ name: word, ruleType: fc.constantFrom('NETWORK_INBOUND', 'NETWORK_OUTBOUND'), action: fc.constantFrom('ALLOW', 'DENY'), program: fc.constant('*'), ipAddress: fc.constantFrom('10.0.0.1', '0.0.0.0/0', '192.0.2.7'), port: fc.integer({ min: 1, max: 65535 }) }),
  fc.record({ name: word, ruleType: fc.constant('SYSCALL'), action: fc.constantFrom('ALLOW', 'DENY'), program: fc.constant('*'), syscall: fc.constantFrom('ptrace', 'mount', 'unshare') }, { requiredKeys: ['name', 'ruleType', 'action', 'syscall'] }),
);
const runtime = fc.record({
  description: text,
  policyMode: fc.constantFrom('ACTIVE', 'INACTIVE', 'PERMISSIVE'),
  defaultNetworkAction: fc.constantFrom('ALLOW', 'DENY'),
  defaultFileAction: fc.constantFrom('ALLOW', 'DENY'),
  ignoredSyscalls: fc.uniqueArray(fc.constantFrom('futex', 'epoll_wait', 'nanosleep', 'read'), { maxLength: 3 }),
  rules: fc.array(runtimeRule, { maxLength: 4 }),
}, { requiredKeys: ['policyMode', 'rules'] });

const cpRule = fc.record({
  name: text,
  type: fc.constantFrom('IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', 'IMAGESCAN_VULN_SEVERITY_COUNT'),
  action: fc.constant('FAIL'),
  kind: fc.constant('IMAGE_SECURITY'),
  isEnabled: fc.boolean(),
  metaData: fc.record({ value: fc.integer({ min: 1, max: 3650 }) }),
}, { requiredKeys: ['name', 'type', 'action', 'metaData'] });
const centralized = fc.record({
  policyType: fc.constantFrom('K8S_ADMISSION_CONTROLLER', 'CICD'),
  policyMode: fc.constantFrom('ACTIVE', 'INACTIVE'),
  description: text,
  centralizedPolicyRules: fc.array(cpRule, { minLength: 1, maxLength: 3 }),
  k8sFilters: fc.array(fc.record({ cluster: fc.record({ clusterUid: fc.uuid(), clusterName: word }) }), { maxLength: 2 }),
}, { requiredKeys: ['policyType', 'policyMode', 'centralizedPolicyRules'] })
  // Block Older Images "is applicable only to the 'Admission Controller' policies" (CS 1.38): a CI/CD policy with it is invalid
  .map((p) => (p.policyType === 'CICD' && p.centralizedPolicyRules.some((r) => r.type === 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES') ? { ...p, policyType: 'K8S_ADMISSION_CONTROLLER' } : p));

const profile = fc.record({
  description: text,
  associatedRegistryIds: fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 3 }),
  associatedSensorIds: fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 2 }),
});

const SECRET_NAMES = builtinSecretRules().map((r) => String(r.secretDetector));
const secretRule = fc.record({ status: fc.constantFrom('Active', 'inactive', 'ACTIVE', 'Inactive'), severity: fc.constantFrom('low', 'MEDIUM', 'High', 'critical') }, { requiredKeys: [] })
  .filter((s) => Object.keys(s).length > 0);

const account = fc.record({
  exceptions: fc.uniqueArray(fc.tuple(word, exception), { maxLength: 4, selector: ([n]) => n }),
  runtime: fc.uniqueArray(fc.tuple(word, runtime), { maxLength: 2, selector: ([n]) => n }),
  centralized: fc.uniqueArray(fc.tuple(word, centralized), { maxLength: 2, selector: ([n]) => n }),
  profiles: fc.uniqueArray(fc.tuple(word, profile), { maxLength: 2, selector: ([n]) => n }),
  secrets: fc.uniqueArray(fc.tuple(fc.constantFrom(...SECRET_NAMES), secretRule), { maxLength: 3, selector: ([n]) => n }),
}).map((a) => {
  const docs: Doc[] = [
    ...a.exceptions.map(([name, spec]) => ({ kind: 'Exception', name, spec })),
    ...a.runtime.map(([name, spec]) => ({ kind: 'RuntimePolicy', name, spec: { ...spec, rules: spec.rules.map((r, i) => ({ ...r, name: `${r.name}-${i}` })) } })),
    ...a.centralized.map(([name, spec]) => ({ kind: 'CentralizedPolicy', name, spec })),
    ...a.profiles.map(([name, spec]) => ({ kind: 'SensorProfile', name, spec })),
    ...a.secrets.map(([name, spec]) => ({ kind: 'SecretRule', name, spec })),
  ];
  return docs as Doc[];
}).filter((docs) => docs.length > 0);

/** A change of one field that the API keeps (so it must show as exactly one update at that field). */
function mutation(docs: Doc[]): fc.Arbitrary<Mutation> {
  return fc.integer({ min: 0, max: docs.length - 1 }).chain((i) => {
    const d = docs[i]!;
    const m = (field: string, apply: (s: Record<string, unknown>) => void) => fc.constant<Mutation>({ doc: i, field, apply });
    switch (d.kind) {
      case 'Exception':
        return fc.oneof(m('explanation', (s) => (s.explanation = `${s.explanation} (revised)`)), m('scope', (s) => (s.scope = s.scope === 'IMAGE' ? 'CONTAINER' : 'IMAGE')));
      case 'RuntimePolicy':
        return fc.oneof(m('description', (s) => (s.description = `${s.description}!`)), m('defaultNetworkAction', (s) => (s.defaultNetworkAction = s.defaultNetworkAction === 'DENY' ? 'ALLOW' : 'DENY')));
      case 'CentralizedPolicy':
        return fc.oneof(m('policyMode', (s) => (s.policyMode = s.policyMode === 'ACTIVE' ? 'INACTIVE' : 'ACTIVE')), m('centralizedPolicyRules', (s) => ((s.centralizedPolicyRules as any[])[0].metaData.value += 1)));
      case 'SensorProfile':
        return m('description', (s) => (s.description = `${s.description} v2`));
      default:
        // flip a declared field: an undeclared one may already hold the new value
        return d.spec.status !== undefined
          ? m('status', (s) => (s.status = String(s.status).toLowerCase() === 'active' ? 'Inactive' : 'Active'))
          : m('severity', (s) => (s.severity = String(s.severity).toLowerCase() === 'critical' ? 'low' : 'critical'));
    }
  });
}

function writeRepo(docs: Doc[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'qcs-prop-'));
  const text = docs.map((d) => stringify({ apiVersion: 'qcs-gitops/v1', kind: d.kind, metadata: { name: d.name }, spec: d.spec })).join('---\n');
  writeFileSync(join(dir, 'all.yaml'), text);
  return dir;
}

async function load(dir: string) {
  const { declarations, diagnostics } = await loadAndValidate([dir]);
  expect(diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
  return declarations;
}

describe('plan properties (against the simulator over HTTP)', () => {
  let sim: SimulatorHandle;
  let api: ApiClient;
  beforeAll(async () => {
    sim = await startSimulator();
    api = createClient(resolveTarget({ gatewayUrl: sim.url, username: sim.credentials.username, password: sim.credentials.password }, {}), { maxConcurrency: 8 });
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  it('random declarations, once in the account, plan to nothing; one changed field plans exactly that update', async () => {
    await fc.assert(
      fc.asyncProperty(account.chain((docs) => fc.tuple(fc.constant(docs), mutation(docs))), async ([docs, mut]) => {
        sim.reset();
        const dir = writeRepo(docs);
        try {
          const declarations = await load(dir);
          const first = await makePlan(api, KINDS, declarations);
          // the plan made as the pages arrive is the one the pure buildPlan makes from the same live state
          expect(first.plan).toEqual(buildPlan(KINDS, declarations, first.live));
          const result = await applyPlan(api, KINDS, first.plan, { live: first.live });
          expect(result.summary.failed, JSON.stringify(result.results.filter((r) => r.status === 'failed'))).toBe(0);
          expect(result.verified).toBe(true);

          const { plan } = await makePlan(api, KINDS, declarations);
          expect(plan.changes, JSON.stringify(plan.changes)).toEqual([]);

          // export the whole account (every kind), then validate and plan the export
          const exported = exportFiles(KINDS, await fetchLive(api, KINDS));
          const out = mkdtempSync(join(tmpdir(), 'qcs-prop-export-'));
          try {
            for (const [rel, content] of exported.files) {
              mkdirSync(dirname(join(out, rel)), { recursive: true });
              writeFileSync(join(out, rel), content);
            }
            const roundTrip = await makePlan(api, KINDS, await load(out), { prune: true, allowMassDelete: true });
            expect(roundTrip.plan.changes, JSON.stringify(roundTrip.plan.changes)).toEqual([]);
          } finally {
            rmSync(out, { recursive: true, force: true });
          }

          const changed = structuredClone(docs);
          mut.apply(changed[mut.doc]!.spec);
          rmSync(dir, { recursive: true });
          const dir2 = writeRepo(changed);
          try {
            const changedDeclarations = await load(dir2);
            const after = await makePlan(api, KINDS, changedDeclarations);
            expect(after.plan).toEqual(buildPlan(KINDS, changedDeclarations, after.live));
            expect(after.plan.changes.map((c) => `${c.action} ${c.kind}/${c.name}`)).toEqual([`update ${changed[mut.doc]!.kind}/${changed[mut.doc]!.name}`]);
            const ops = after.plan.changes[0]!.patch;
            expect(ops.length).toBeGreaterThan(0);
            for (const op of ops) expect(op.path.split('/')[1]).toBe(mut.field);
          } finally {
            rmSync(dir2, { recursive: true, force: true });
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
