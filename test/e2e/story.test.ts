// The whole user story, end to end: the built CLI (a child process) against the simulator in a container.
// validate → plan (text, json) → apply → plan (empty) → export → plan on the export (empty) →
// a stale saved plan refused → an apply under injected faults that still converges.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  DEMO_USER,
  describeWithEngine,
  engineStatus,
  runCli,
  startSimulator,
  type RecordedRequest,
  type StartedSimulator,
} from './harness.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'story');
const POLICIES = path.join(FIXTURES, 'policies');
const EXPECTED = path.join(import.meta.dirname, '__expected__');

const engine = await engineStatus();

/** The objects the story declares, as the plan names them. */
const DECLARED = [
  { kind: 'CentralizedPolicy', name: 'e2e-block-old-images', action: 'create' },
  { kind: 'Exception', name: 'e2e-log4j-accepted-in-legacy', action: 'create' },
  { kind: 'RuntimePolicy', name: 'e2e-web-tier', action: 'create' },
  { kind: 'SecretRule', name: 'GitLab Personal Access Token', action: 'update' },
  { kind: 'SecretRule', name: 'Stripe Publishable Key', action: 'update' },
  { kind: 'SensorProfile', name: 'e2e-registry-scanners', action: 'create' },
];
const CREATE_PATHS: Record<string, string> = {
  CentralizedPolicy: '/csapi/v1.3/centralizedPolicy',
  RuntimePolicy: '/csapi/v1.3/runtime/policies',
  Exception: '/csapi/v1.3/exception',
  SensorProfile: '/csapi/v1.3/sensorProfile',
};

/** A call that changes the account (admin calls and /auth are not CS calls). */
const isWrite = (r: RecordedRequest): boolean => r.path.startsWith('/csapi/') && r.method !== 'GET';
const byKey = (a: { kind: string; name: string }, b: { kind: string; name: string }): number =>
  `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`);

describeWithEngine(
  'the qcs-gitops story against the simulator container',
  engine,
  () => {
    let sim: StartedSimulator;
    let work: string;
    let seed: unknown;
    /** Stable text: the random port of the gateway replaced. */
    const normalize = (s: string): string => s.split(sim.url).join('http://127.0.0.1:<port>');
    /** Requests recorded since the last call (the record is cleared each time). */
    async function newRequests(): Promise<RecordedRequest[]> {
      const recorded = await sim.requests();
      await sim.clearRequests();
      return recorded;
    }
    const cli = (...args: string[]) => runCli(args, sim.cliEnv);

    beforeAll(async () => {
      seed = JSON.parse(await readFile(path.join(FIXTURES, 'seed.json'), 'utf8'));
      sim = await startSimulator({ seed });
      work = await mkdtemp(path.join(tmpdir(), 'qcs-e2e-story-'));
    });
    afterAll(async () => {
      if (sim) await sim.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('validates the declarations offline', async () => {
      await newRequests();
      const r = await cli('validate', POLICIES);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await newRequests()).toEqual([]);
    });

    it('plans the changes as text (exit 2 with --detailed-exitcode), reading only', async () => {
      const r = await cli('plan', POLICIES, '--detailed-exitcode');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('Plan: 4 to create, 2 to update, 0 to delete.');
      for (const d of DECLARED) expect(r.stdout).toContain(d.name);
      expect(r.stdout).not.toContain('legacy-undeclared will be'); // unmanaged: counted, never changed
      await expect(normalize(r.stdout)).toMatchFileSnapshot(path.join(EXPECTED, 'plan-initial.txt'));
      expect((await newRequests()).filter(isWrite)).toEqual([]);
    });

    it('plans the changes as json (exit 0 without --detailed-exitcode)', async () => {
      const r = await cli('plan', POLICIES, '--format', 'json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout) as {
        changes: Array<{ kind: string; name: string; action: string }>;
        summary: { create: number; update: number; delete: number; unmanaged: number };
      };
      expect(plan.changes.map(({ kind, name, action }) => ({ kind, name, action })).sort(byKey)).toEqual(DECLARED);
      expect(plan.summary).toMatchObject({ create: 4, update: 2, delete: 0 });
      expect(plan.summary.unmanaged).toBeGreaterThanOrEqual(1); // legacy-undeclared
      expect(JSON.stringify(plan)).not.toContain(DEMO_USER.password);
      expect((await newRequests()).filter(isWrite)).toEqual([]);
    });

    it('applies: one create for each new object, then the secret-rule updates', async () => {
      const r = await cli('apply', POLICIES, '--auto-approve');
      expect(r.code, r.stderr).toBe(0);
      const writes = (await newRequests()).filter(isWrite);
      for (const [kind, p] of Object.entries(CREATE_PATHS)) {
        const creates = writes.filter((w) => w.method === 'POST' && w.path === p);
        expect(creates, `creates of ${kind}`).toHaveLength(1);
        expect(creates[0]!.status).toBe(200);
      }
      // Status changes go through bulkUpdate, severity changes one by one.
      const bulk = writes.filter((w) => w.method === 'PUT' && w.path === '/csapi/v1.3/secretrule/bulkUpdate');
      expect(bulk).toHaveLength(1);
      expect(bulk[0]!.body).toMatchObject({ secretRuleStatus: expect.stringMatching(/^active$/i) });
      const single = writes.filter((w) => w.method === 'PUT' && /^\/csapi\/v1\.3\/secretrule\/(?!bulkUpdate$)/.test(w.path));
      expect(single).toHaveLength(1);
      expect(single[0]!.body).toMatchObject({ severity: expect.stringMatching(/^medium$/i) });
      expect(writes.filter((w) => w.method === 'DELETE')).toEqual([]);
      expect(writes.every((w) => w.status >= 200 && w.status < 300)).toBe(true);

      const state = (await sim.state()) as { runtimePolicies: Array<{ name: string }> };
      // the system's Default Policy is there from the start and is left alone
      expect(state.runtimePolicies.map((p) => p.name).sort()).toEqual(['Default Policy', 'e2e-web-tier', 'legacy-undeclared']);
    });

    it('plans again: no changes (exit 0 with --detailed-exitcode)', async () => {
      const r = await cli('plan', POLICIES, '--detailed-exitcode');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('No changes.');
      await expect(normalize(r.stdout)).toMatchFileSnapshot(path.join(EXPECTED, 'plan-converged.txt'));
      expect((await newRequests()).filter(isWrite)).toEqual([]);
    });

    it('exports the account, and a plan on the export has no changes', async () => {
      const out = path.join(work, 'export');
      const r = await cli('export', '--out', out);
      expect(r.code, r.stderr).toBe(0);
      const files = await readdir(out, { recursive: true });
      const yaml = files.filter((f) => /\.ya?ml$/.test(f));
      expect(yaml.length).toBeGreaterThan(0);
      const text = (await Promise.all(yaml.map((f) => readFile(path.join(out, f), 'utf8')))).join('\n');
      for (const name of ['e2e-block-old-images', 'e2e-web-tier', 'e2e-log4j-accepted-in-legacy', 'e2e-registry-scanners', 'legacy-undeclared']) {
        expect(text).toContain(name);
      }
      expect(text).not.toContain(DEMO_USER.password);
      expect((await cli('validate', out)).code).toBe(0);

      const p = await cli('plan', out, '--detailed-exitcode');
      expect(p.stderr).toBe('');
      expect(p.code).toBe(0);
      expect(p.stdout).toContain('No changes.');
      expect((await newRequests()).filter(isWrite)).toEqual([]);
    });

    it('refuses a stale saved plan and names the object that moved', async () => {
      // A change to plan: Stripe Publishable Key to HIGH.
      const changed = path.join(work, 'changed');
      await cp(POLICIES, changed, { recursive: true });
      const rulesFile = path.join(changed, 'secret-rules.yaml');
      await writeFile(rulesFile, (await readFile(rulesFile, 'utf8')).replace('severity: MEDIUM', 'severity: HIGH'));
      const planFile = path.join(work, 'stale.plan.json');
      const p = await cli('plan', changed, '--out', planFile, '--detailed-exitcode');
      expect(p.code, p.stderr).toBe(2);
      expect(p.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete.');
      expect(await readFile(planFile, 'utf8')).not.toContain(DEMO_USER.password);

      // Someone changes that rule in the console after the plan was made.
      const rule = await outOfBandSeverity(sim, 'Stripe Publishable Key', 'low');
      await newRequests();

      const a = await cli('apply', '--plan', planFile, '--auto-approve');
      expect(a.code).toBe(1);
      expect(a.stderr).toMatch(/stale/i);
      expect(a.stderr).toContain('SecretRule/Stripe Publishable Key');
      expect((await newRequests()).filter(isWrite)).toEqual([]);
      const live = await readRule(sim, rule);
      expect(live.severity).toBe('LOW');

      // A fresh plan of the original declarations sees the drift; applying it converges again.
      const again = await cli('apply', POLICIES, '--auto-approve');
      expect(again.code, again.stderr).toBe(0);
      expect((await readRule(sim, rule)).severity).toBe('MEDIUM');
      expect((await cli('plan', POLICIES, '--detailed-exitcode')).code).toBe(0);
      await newRequests();
    });

    it('converges under injected faults (errors, resets, a lost create answer) without duplicates', async () => {
      await sim.reset(seed);
      // The first CS calls: a dropped connection, then two 503s; the first create is carried out but its
      // answer lost (the client must find it by name rather than create it twice).
      await sim.setFaults({ resetNextRequests: 1, failNextRequests: 2, failStatus: 503, loseCreateAnswersCount: 1 });
      await newRequests();

      const r = await cli('apply', POLICIES, '--auto-approve');
      expect(r.code, r.stderr).toBe(0);
      const recorded = await newRequests();
      const faults = new Set(recorded.map((q) => q.fault).filter(Boolean));
      expect(faults).toContain('error');
      expect(faults).toContain('reset');
      expect(faults).toContain('lost-answer');

      expect(recorded.filter((q) => q.fault === 'error').map((q) => q.status)).toEqual([503, 503]);
      await sim.setFaults({ failNextRequests: null, resetNextRequests: null, loseCreateAnswersCount: null });
      const p = await cli('plan', POLICIES, '--detailed-exitcode');
      expect(p.code, p.stderr).toBe(0);
      expect(p.stdout).toContain('No changes.');

      const state = (await sim.state()) as Record<string, Array<Record<string, unknown>>>;
      const count = (list: string, field: string, name: string): number =>
        (state[list] ?? []).filter((o) => o[field] === name).length;
      expect(count('centralizedPolicies', 'policyName', 'e2e-block-old-images')).toBe(1);
      expect(count('runtimePolicies', 'name', 'e2e-web-tier')).toBe(1);
      expect(count('exceptions', 'name', 'e2e-log4j-accepted-in-legacy')).toBe(1);
      expect(count('sensorProfiles', 'profileName', 'e2e-registry-scanners')).toBe(1);
    });
  },
);

async function token(sim: StartedSimulator): Promise<string> {
  const res = await fetch(`${sim.url}/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...DEMO_USER, token: 'true' }).toString(),
  });
  expect(res.status).toBe(201);
  return res.text();
}

async function readRule(sim: StartedSimulator, ruleUuid: string): Promise<{ severity: string; status: string }> {
  const res = await fetch(`${sim.url}/csapi/v1.3/secretrule/${ruleUuid}`, {
    headers: { authorization: `Bearer ${await token(sim)}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { severity: string; status: string };
}

/** Changes a secret rule's severity directly through the API, as a user in the console would; returns its uuid. */
async function outOfBandSeverity(sim: StartedSimulator, detector: string, severity: string): Promise<string> {
  const auth = { authorization: `Bearer ${await token(sim)}` };
  const list = (await (await fetch(`${sim.url}/csapi/v1.3/secretrule?pageNumber=1&pageSize=250`, { headers: auth })).json()) as {
    data: Array<{ ruleUuid: string; secretDetector: string; status: string }>;
  };
  const rule = list.data.find((r) => r.secretDetector === detector);
  if (!rule) throw new Error(`no secret rule ${detector}`);
  const res = await fetch(`${sim.url}/csapi/v1.3/secretrule/${rule.ruleUuid}`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ secretRuleStatus: rule.status, severity }),
  });
  expect(res.status).toBe(200);
  await res.body?.cancel();
  return rule.ruleUuid;
}
