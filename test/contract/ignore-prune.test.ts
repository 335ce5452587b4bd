// Living beside the Qualys UI and other teams (issue 17), through the built CLI against an in-process simulator:
// an ignored field is not compared, an update of another field carries its live value (checked field by field in
// the simulator's stored object), the project file's ignores apply to every object of a kind, --prune can be
// limited to names and kinds, and an ignored path that names no field is an error at its line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { cliIsStale, runCli } from '../helpers/cli.js';
import { changedFields, cliEnvFor, declarationFrom, exportAccount, MOVING_FIELDS, removeDir, sample, writeDeclarations, yamlFiles, type Declaration } from './helpers.js';

type Json = Record<string, any>;

const CP: Json = sample('centralized-policy/get.response.json');
const EX: Json = sample('exception/get.response.json');

/** A declaration with metadata.ignore. */
function ignoring(decl: Declaration, ignore: string[]): Declaration {
  return { ...decl, metadata: { ...decl.metadata, ignore } as Declaration['metadata'] };
}

async function planJson(sim: SimulatorHandle, args: string[]): Promise<Json> {
  const r = await runCli(['plan', ...args, '--format', 'json'], cliEnvFor(sim));
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

async function applyCli(sim: SimulatorHandle, args: string[]): Promise<void> {
  const r = await runCli(['apply', ...args, '--auto-approve'], cliEnvFor(sim));
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain('Verified');
}

const planSchema = new Ajv2020.default({ strict: false }).compile(JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')));
function expectValidPlan(p: Json): void {
  expect(planSchema(p), JSON.stringify(planSchema.errors)).toBe(true);
}

const changes = (p: Json): string[] => (p.changes as Json[]).map((c) => `${c.action} ${c.kind}/${c.name}`);

describe('contract: ignored fields and scoped prune', () => {
  let sim: SimulatorHandle;
  const dirs: string[] = [];
  beforeAll(async () => {
    if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `npm run build` (npm test does it)');
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim?.close();
    for (const d of dirs) removeDir(d);
  });
  const declare = (decls: Declaration[]): string => {
    const d = writeDeclarations(decls);
    dirs.push(d);
    return d;
  };

  it('the UI-edit story: a mode tuned in the UI and ignored in Git survives an apply of another field', async () => {
    // Git declares the policy as it was (ACTIVE), ignores policyMode, and changes the description
    const dir = declare([ignoring(declarationFrom('CentralizedPolicy', { ...CP, description: 'reviewed in Git' }), ['policyMode'])]);
    // meanwhile an operator set the policy INACTIVE in the UI during an incident
    sim.reset({ centralizedPolicies: [{ ...CP, policyMode: 'INACTIVE' }] });
    const before = sim.raw('centralizedPolicies', CP.uuid)!;

    const p = await planJson(sim, [dir]);
    expect(changes(p)).toEqual([`update CentralizedPolicy/${CP.policyName}`]);
    const change = p.changes[0] as Json;
    // the ignored field is neither compared nor shown
    expect(change.patch).toEqual([{ op: 'replace', path: '/description', value: 'reviewed in Git' }]);
    expect(JSON.stringify(change.before) + JSON.stringify(change.after)).not.toContain('policyMode');
    expect(p.ignoredDifferences).toEqual([{ kind: 'CentralizedPolicy', name: CP.policyName, paths: ['policyMode'] }]);
    expectValidPlan(p);
    expect(p.notes).toContain(`CentralizedPolicy/${CP.policyName}: 1 ignored field differs (policyMode); the live value is kept.`);
    const text = await runCli(['plan', dir], cliEnvFor(sim));
    expect(text.stdout).toContain('1 ignored field differs (policyMode)');
    expect(text.stdout).not.toMatch(/policyMode: /);
    const md = await runCli(['plan', dir, '--format', 'markdown'], cliEnvFor(sim));
    expect(md.stdout).toContain('1 ignored field differs (policyMode)');

    await applyCli(sim, [dir]);
    const after = sim.raw('centralizedPolicies', CP.uuid)!;
    expect(after['policyMode'], 'the UI edit survives').toBe('INACTIVE');
    expect(after['description']).toBe('reviewed in Git');
    expect(changedFields(before, after, ['description', ...MOVING_FIELDS])).toEqual([]);

    // nothing left to do, but the difference is still noted
    const again = await planJson(sim, [dir]);
    expect(again.changes).toEqual([]);
    expect(again.summary.unchanged).toBe(1);
    expect(again.notes).toContain(`CentralizedPolicy/${CP.policyName}: 1 ignored field differs (policyMode); the live value is kept.`);

    // export writes the live value: ignore is about ownership, not hiding
    const { dir: out, result } = await exportAccount(sim, ['--kind', 'CentralizedPolicy']);
    dirs.push(out);
    expect(result.code, result.stderr).toBe(0);
    const exported = yamlFiles(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    expect(exported).toMatch(/policyMode: INACTIVE/);
  });

  it('a saved plan carries the ignored paths to apply --plan', async () => {
    const dir = declare([ignoring(declarationFrom('CentralizedPolicy', { ...CP, description: 'reviewed in Git' }), ['policyMode'])]);
    sim.reset({ centralizedPolicies: [{ ...CP, policyMode: 'INACTIVE' }] });
    const file = join(dir, '..', 'plan.json');
    const saved = await runCli(['plan', dir, '--out', file], cliEnvFor(sim));
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).changes[0].ignore).toEqual(['policyMode']);
    await applyCli(sim, ['--plan', file]);
    const after = sim.raw('centralizedPolicies', CP.uuid)!;
    expect(after['policyMode']).toBe('INACTIVE');
    expect(after['description']).toBe('reviewed in Git');
  });

  it('without the ignore, the same apply would overwrite the UI edit (the test can fail)', async () => {
    const dir = declare([declarationFrom('CentralizedPolicy', { ...CP, description: 'reviewed in Git' })]);
    sim.reset({ centralizedPolicies: [{ ...CP, policyMode: 'INACTIVE' }] });
    const p = await planJson(sim, [dir]);
    expect((p.changes[0] as Json).patch).toContainEqual({ op: 'replace', path: '/policyMode', value: 'ACTIVE' });
    expect(p.ignoredDifferences).toBeUndefined();
  });

  it('a nested path: centralizedPolicyRules[0].isEnabled keeps its live value while the rule action is updated', async () => {
    const declared = { ...CP, centralizedPolicyRules: [{ ...CP.centralizedPolicyRules[0], action: 'ALLOW' }] };
    const dir = declare([ignoring(declarationFrom('CentralizedPolicy', declared), ['centralizedPolicyRules[0].isEnabled'])]);
    sim.reset({ centralizedPolicies: [{ ...CP, centralizedPolicyRules: [{ ...CP.centralizedPolicyRules[0], isEnabled: false }] }] });
    const before = sim.raw('centralizedPolicies', CP.uuid)!;
    const p = await planJson(sim, [dir]);
    expect((p.changes[0] as Json).patch).toEqual([{ op: 'replace', path: '/centralizedPolicyRules/0/action', value: 'ALLOW' }]);
    expect(p.ignoredDifferences).toEqual([{ kind: 'CentralizedPolicy', name: CP.policyName, paths: ['centralizedPolicyRules[0].isEnabled'] }]);

    await applyCli(sim, [dir]);
    const after = sim.raw('centralizedPolicies', CP.uuid)!;
    const rule = (after['centralizedPolicyRules'] as Json[])[0]!;
    expect(rule['isEnabled'], 'the live isEnabled survives').toBe(false);
    expect(rule['action']).toBe('ALLOW');
    const { action: _a, ...ruleRest } = rule;
    const { action: _b, ...ruleBefore } = (before['centralizedPolicyRules'] as Json[])[0]!;
    expect(ruleRest).toEqual(ruleBefore);
    expect(changedFields(before, after, ['centralizedPolicyRules', ...MOVING_FIELDS])).toEqual([]);
  });

  it('a project-wide ignore applies to every object of the kind', async () => {
    const ex2 = { ...EX, exceptionId: '3c64f53c-360d-4975-a38c-905f99d0fed5', name: 'testapi-2', explanation: 'tuned by the security team' };
    const dir = declare([
      declarationFrom('Exception', { ...EX, explanation: 'from Git', reason: 'FALSE_POSITIVE' }),
      declarationFrom('Exception', { ...ex2, explanation: 'from Git too' }),
    ]);
    const project = join(mkdtempSync(join(tmpdir(), 'qcs-ignore-project-')), 'qcs-gitops.yaml');
    writeFileSync(project, 'apiVersion: qcs-gitops/v1\nkind: Project\nignore:\n  Exception: [explanation]\n');
    try {
      sim.reset({ exceptions: [EX, ex2] });
      const before = sim.raw('exceptions', EX.exceptionId)!;
      const before2 = sim.raw('exceptions', ex2.exceptionId)!;
      const p = await planJson(sim, [dir, '--config', project]);
      expect(changes(p)).toEqual(['update Exception/testapi']);
      expect((p.changes[0] as Json).patch).toEqual([{ op: 'replace', path: '/reason', value: 'FALSE_POSITIVE' }]);
      expect(p.ignoredDifferences).toEqual([
        { kind: 'Exception', name: 'testapi', paths: ['explanation'] },
        { kind: 'Exception', name: 'testapi-2', paths: ['explanation'] },
      ]);
      expect(p.summary.unchanged).toBe(1);

      await applyCli(sim, [dir, '--config', project]);
      const after = sim.raw('exceptions', EX.exceptionId)!;
      expect(after['explanation']).toBe('risk accepted');
      expect(after['reason']).toBe('FALSE_POSITIVE');
      expect(changedFields(before, after, ['reason', 'exceptionType', ...MOVING_FIELDS])).toEqual([]);
      expect(sim.raw('exceptions', ex2.exceptionId)).toEqual(before2);

      // without the project file, both explanations would be written
      const plain = await planJson(sim, [dir]);
      expect(changes(plain)).toEqual(['update Exception/testapi', 'update Exception/testapi-2']);
    } finally {
      rmSync(join(project, '..'), { recursive: true, force: true });
    }
  });

  describe('scoped prune', () => {
    const named = (name: string, i: number): Json => ({ ...EX, name, exceptionId: `4c64f53c-360d-4975-a38c-905f99d0fe${String(10 + i)}` });
    const seed = { exceptions: [EX, named('payments-a', 1), named('payments-b', 2), named('platform-c', 3)] };
    const names = () => Object.values(sim.dump().exceptions ?? {}).map((e) => (e as Json)['name'] as string).sort();

    it('without a match, --prune deletes every undeclared object of the kind', async () => {
      const dir = declare([declarationFrom('Exception', EX)]);
      sim.reset(seed);
      const p = await planJson(sim, [dir, '--prune']);
      expect(changes(p)).toEqual(['delete Exception/payments-a', 'delete Exception/payments-b', 'delete Exception/platform-c']);
      expect(p.pruneScope).toBeUndefined();
    });

    it('--prune-match deletes only the matching names and says how many it left alone', async () => {
      const dir = declare([declarationFrom('Exception', EX)]);
      sim.reset(seed);
      const p = await planJson(sim, [dir, '--prune', '--prune-match', 'payments-*']);
      expect(changes(p)).toEqual(['delete Exception/payments-a', 'delete Exception/payments-b']);
      expect(p.pruneScope).toEqual({ match: ['payments-*'], kinds: [], leftAlone: 1 });
      expectValidPlan(p);
      expect(p.notes).toContain("--prune is limited to names matching 'payments-*': 1 undeclared object is outside that scope and left alone.");
      const text = await runCli(['plan', dir, '--prune', '--prune-match', 'payments-*'], cliEnvFor(sim));
      expect(text.stdout).toContain('1 undeclared object is outside that scope and left alone');

      await applyCli(sim, [dir, '--prune', '--prune-match', 'payments-*']);
      expect(names()).toEqual(['platform-c', 'testapi']);
    });

    it('prune.match in the project file, and --prune-kind', async () => {
      const dir = declare([declarationFrom('Exception', EX)]);
      const project = join(mkdtempSync(join(tmpdir(), 'qcs-prune-project-')), 'qcs-gitops.yaml');
      writeFileSync(project, "apiVersion: qcs-gitops/v1\nkind: Project\nprune:\n  match: ['platform-*']\n");
      try {
        sim.reset(seed);
        const p = await planJson(sim, [dir, '--prune', '--config', project]);
        expect(changes(p)).toEqual(['delete Exception/platform-c']);
        expect(p.pruneScope).toEqual({ match: ['platform-*'], kinds: [], leftAlone: 2 });
        const other = await planJson(sim, [dir, '--prune', '--prune-kind', 'CentralizedPolicy']);
        expect(other.changes).toEqual([]);
        expect(other.pruneScope).toEqual({ match: [], kinds: ['CentralizedPolicy'], leftAlone: 3 });
        const bad = await runCli(['plan', dir, '--prune', '--prune-kind', 'Exceptoin'], cliEnvFor(sim));
        expect(bad.code).not.toBe(0);
        expect(bad.stderr).toContain("did you mean 'Exception'");
        const noPrune = await runCli(['plan', dir, '--prune-match', 'payments-*'], cliEnvFor(sim));
        expect(noPrune.code).not.toBe(0);
        expect(noPrune.stderr).toContain('--prune');
      } finally {
        rmSync(join(project, '..'), { recursive: true, force: true });
      }
    });
  });

  describe('an ignored path that names no field', () => {
    it('is an error at its line in a declaration, with did you mean', async () => {
      const dir = declare([ignoring(declarationFrom('CentralizedPolicy', CP), ['description', 'polcyMode', 'centralizedPolicyRules[0].isEnabld', 'centralizedPolicyRules[0].metaData.value'])]);
      const file = join(dir, 'objects.yaml');
      const lines = readFileSync(file, 'utf8').split('\n');
      const line = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
      const r = await runCli(['validate', dir]);
      expect(r.code).not.toBe(0);
      const out = r.stdout + r.stderr;
      expect(out).toMatch(new RegExp(`objects\\.yaml:${line('- polcyMode')}:\\d+.*polcyMode.*did you mean 'policyMode'`));
      expect(out).toMatch(new RegExp(`objects\\.yaml:${line('isEnabld')}:\\d+.*isEnabld.*did you mean 'isEnabled'`));
      expect(out).not.toMatch(/metaData\.value'/); // a free-form mapping takes any key
      expect(out).not.toMatch(/'description'/);
      // plan refuses it too, before any API call
      const p = await runCli(['plan', dir], cliEnvFor(sim));
      expect(p.code).not.toBe(0);
    });

    it('is an error at its line in the project file', async () => {
      const dir = declare([declarationFrom('Exception', EX)]);
      const project = join(mkdtempSync(join(tmpdir(), 'qcs-ignore-bad-')), 'qcs-gitops.yaml');
      writeFileSync(project, 'apiVersion: qcs-gitops/v1\nkind: Project\nignore:\n  Exception:\n    - explanation\n    - explnation\n');
      try {
        const r = await runCli(['plan', dir, '--config', project], cliEnvFor(sim));
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(/qcs-gitops\.yaml:6:\d+.*explnation.*did you mean 'explanation'/);
      } finally {
        rmSync(join(project, '..'), { recursive: true, force: true });
      }
    });
  });
});
