// Environments (issue 16): one repository, two subscriptions. Two simulators, one per environment, in one test:
// shared declarations planned and applied to each with its own values and its own extra folder; an apply for one
// environment never reaches the other's gateway; every error case at its line, exit 1 and no write.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { ROOT, runCli } from '../helpers/cli.js';

let staging: SimulatorHandle;
let production: SimulatorHandle;
let dir: string;
let env: Record<string, string>;

const COMMON = `apiVersion: qcs-gitops/v1
kind: Exception
metadata:
  name: legacy-openssl
spec:
  scope: IMAGE
  exceptionType: VULNERABILITY
  reason: RISK_ACCEPTED
  explanation: Accepted in \${values.region} until the rebuild.
  startDate: 2026-01-01
  endDate: 2030-06-30
  entityAssignmentType: DYNAMIC
  dynamicFilter: cluster.k8s.pod.namespace:\${values.namespace}
  qids: \${values.qids}
---
apiVersion: qcs-gitops/v1
kind: CentralizedPolicy
metadata:
  name: block-stale-images
spec:
  policyType: K8S_ADMISSION_CONTROLLER
  policyMode: ACTIVE
  description: Refuse old images in \${values.region}.
  centralizedPolicyRules:
    - name: Block Older Images
      type: IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES
      action: FAIL
      kind: IMAGE_SECURITY
      metaData: { value: "\${values.maxAge}" }
  k8sFilters:
    - cluster: { clusterUid: "\${values.cluster}", clusterName: "\${values.region}-1" }
`;

const extra = (name: string) => `apiVersion: qcs-gitops/v1
kind: Exception
metadata:
  name: ${name}
spec:
  scope: IMAGE
  exceptionType: VULNERABILITY
  reason: FALSE_POSITIVE
  explanation: Only in this environment.
  startDate: 2026-01-01
  endDate: 2030-01-01
  entityAssignmentType: STATIC
  qids: [90984]
`;

function project(): string {
  return `apiVersion: qcs-gitops/v1
kind: Project
environments:
  staging:
    gatewayUrl: ${staging.url}
    usernameEnv: QUALYS_STAGING_USERNAME
    passwordEnv: QUALYS_STAGING_PASSWORD
    paths: [policies/common, policies/staging]
    values:
      region: us-staging
      namespace: legacy-staging
      cluster: 0f6b3c1e-1111-4a2b-9c3d-000000000001
      qids: [376157]
      maxAge: 90
  production:
    gatewayUrl: ${production.url}
    usernameEnv: QUALYS_PROD_USERNAME
    passwordEnv: QUALYS_PROD_PASSWORD
    paths: [policies/common, policies/production]
    values:
      region: eu-prod
      namespace: legacy
      cluster: 0f6b3c1e-2222-4a2b-9c3d-000000000002
      qids: [376157, 379210]
      maxAge: 180
`;
}

const writes = (sim: SimulatorHandle) => sim.requests().filter((r) => r.method !== 'GET' && !r.path.startsWith('/auth'));

beforeAll(async () => {
  staging = await startSimulator();
  production = await startSimulator();
  dir = await mkdtemp(join(tmpdir(), 'qcs-envs-'));
  for (const d of ['common', 'staging', 'production']) await mkdir(join(dir, 'policies', d), { recursive: true });
  await writeFile(join(dir, 'policies/common/shared.yaml'), COMMON);
  await writeFile(join(dir, 'policies/staging/only.yaml'), extra('staging-only'));
  await writeFile(join(dir, 'policies/production/only.yaml'), extra('production-only'));
  env = {
    QUALYS_STAGING_USERNAME: staging.credentials.username,
    QUALYS_STAGING_PASSWORD: staging.credentials.password,
    QUALYS_PROD_USERNAME: production.credentials.username,
    QUALYS_PROD_PASSWORD: production.credentials.password,
  };
});

afterAll(async () => {
  await staging?.close();
  await production?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await writeFile(join(dir, 'qcs-gitops.yaml'), project());
  staging.reset();
  production.reset();
  staging.clearRequests();
  production.clearRequests();
});

const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCli(args, { ...env, ...extraEnv }, { cwd: dir });

describe('environments', () => {
  it('plans each environment against its own gateway with its own values and folder', async () => {
    const s = await cli(['plan', '--env', 'staging', '--format', 'json']);
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    const sp = JSON.parse(s.stdout);
    expect(sp.environment).toBe('staging');
    expect(sp.changes.map((c: { name: string }) => c.name).sort()).toEqual(['block-stale-images', 'legacy-openssl', 'staging-only']);
    const sx = sp.changes.find((c: { name: string }) => c.name === 'legacy-openssl').after;
    expect(sx.explanation).toBe('Accepted in us-staging until the rebuild.');
    expect(sx.dynamicFilter).toBe('cluster.k8s.pod.namespace:legacy-staging');
    expect(sx.qids).toEqual([376157]);
    const cp = sp.changes.find((c: { name: string }) => c.name === 'block-stale-images').after;
    expect(JSON.stringify(cp.k8sFilters)).toContain('0f6b3c1e-1111-4a2b-9c3d-000000000001');
    expect(JSON.stringify(cp.centralizedPolicyRules)).toMatch(/"value":90\b/); // a number stays a number
    expect(staging.requests().length).toBeGreaterThan(0);
    expect(production.requests()).toEqual([]);

    const p = await cli(['plan', '--env', 'production']);
    expect(p.code).toBe(0);
    expect(p.stdout.split('\n')[0]).toBe('Environment: production');
    expect(p.stdout).toContain('production-only');
    expect(p.stdout).not.toContain('staging-only');
    expect(p.stdout).toContain('0f6b3c1e-2222-4a2b-9c3d-000000000002');
    expect(p.stdout).toContain('379210'); // the list value: a list, not text
    expect(p.stdout).toContain('eu-prod');
    expect(production.requests().length).toBeGreaterThan(0);

    const md = await cli(['plan', '--env', 'staging', '--format', 'markdown']);
    expect(md.stdout.split('\n')[0]).toBe('### qcs-gitops plan for environment `staging`');
  });

  it('apply --env production writes only to production, with its values; then both envs plan clean or not', async () => {
    const a = await cli(['apply', '--env', 'production', '--auto-approve']);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(writes(production).length).toBeGreaterThan(0);
    expect(staging.requests()).toEqual([]); // not one request, not even a read or an auth
    const dump = production.dump() as unknown as Record<string, unknown[]>;
    const text = JSON.stringify(dump);
    expect(text).toContain('cluster.k8s.pod.namespace:legacy');
    expect(text).toContain('{\\"value\\":180}');
    expect(text).toContain('"clusterUid":"0f6b3c1e-2222-4a2b-9c3d-000000000002","clusterName":"eu-prod-1"');
    expect(text).not.toContain('staging-only');

    const again = await cli(['plan', '--env', 'production', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');

    // --all-envs: each under its name, exit codes combined (staging still has changes → 2)
    const all = await cli(['plan', '--all-envs', '--detailed-exitcode', '--format', 'json']);
    expect(all.code).toBe(2);
    const doc = JSON.parse(all.stdout);
    const ajv = new Ajv2020.default({ strict: false });
    for (const f of ['plan.schema.json', 'plan-environments.schema.json']) ajv.addSchema(JSON.parse(await readFile(join(ROOT, 'schemas', f), 'utf8')));
    const validate = ajv.getSchema('https://raw.githubusercontent.com/qcs-gitops/qcs-gitops/main/schemas/plan-environments.schema.json')!;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ formatVersion: 1, environments: { x: { formatVersion: 1, changes: [], summary: doc.environments.production.summary } } })).toBe(false); // a plan without its environment
    expect(Object.keys(doc.environments)).toEqual(['staging', 'production']);
    expect(doc.environments.production.changes).toEqual([]);
    expect(doc.environments.staging.changes.length).toBe(3);
    const text2 = await cli(['plan', '--all-envs']);
    expect(text2.code).toBe(0);
    expect(text2.stdout).toMatch(/^Environment: staging\n[\s\S]*\nEnvironment: production\n\nNo changes\./);
  });

  it('a saved plan records its environment and is refused for another (exit 1, no write)', async () => {
    const out = join(dir, 'plan.json');
    const p = await cli(['plan', '--env', 'staging', '--out', out]);
    expect(p.code).toBe(0);
    const saved = JSON.parse(await readFile(out, 'utf8'));
    expect(saved.environment).toBe('staging');
    expect(saved.gateway).toBe(staging.url);
    staging.clearRequests();
    const wrong = await cli(['apply', '--plan', out, '--env', 'production', '--auto-approve']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Error [E_PLAN_ENVIRONMENT]: The plan');
    expect(wrong.stderr).toContain("made for environment 'staging', not 'production'");
    const none = await cli(['apply', '--plan', out, '--auto-approve']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Apply it with --env staging');
    expect(production.requests()).toEqual([]);
    expect(staging.requests()).toEqual([]);
    const right = await cli(['apply', '--plan', out, '--env', 'staging', '--auto-approve']);
    expect(right.code).toBe(0);
    expect(writes(staging).length).toBeGreaterThan(0);
    expect(production.requests()).toEqual([]);
  });

  it('--all-envs validate reports each environment; one failing fails the run', async () => {
    const ok = await cli(['validate', '--all-envs']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('Environment staging: Valid: 3 declarations in 2 files (1 CentralizedPolicy, 2 Exception).\nEnvironment production: Valid: 3 declarations in 2 files (1 CentralizedPolicy, 2 Exception).\n');
    await writeFile(join(dir, 'qcs-gitops.yaml'), project().replace('      region: eu-prod\n', ''));
    const bad = await cli(['validate', '--all-envs', '--format', 'json']);
    expect(bad.code).toBe(1);
    const doc = JSON.parse(bad.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.environments.staging.valid).toBe(true);
    expect(doc.environments.production.diagnostics.map((d: { line: number; message: string }) => `${d.line}: ${d.message}`)).toEqual([
      "9: value 'region' is not defined for environment 'production'; the values defined are: namespace, cluster, qids, maxAge",
      "23: value 'region' is not defined for environment 'production'; the values defined are: namespace, cluster, qids, maxAge",
      "31: value 'region' is not defined for environment 'production'; the values defined are: namespace, cluster, qids, maxAge",
    ]);
    expect(staging.requests()).toEqual([]);
    expect(production.requests()).toEqual([]);
  });
});

describe('environment errors: exit 1, a clear message at its line, no request', () => {
  const noRequests = () => {
    expect(staging.requests()).toEqual([]);
    expect(production.requests()).toEqual([]);
  };

  it('an unknown environment', async () => {
    const r = await cli(['plan', '--env', 'prodution']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("qcs-gitops.yaml:4:3: environments: unknown environment 'prodution' — did you mean 'production'?; the environments are: staging, production");
    noRequests();
  });

  it('an undefined value names the environment and the defined values, at the scalar', async () => {
    await writeFile(join(dir, 'policies/production/only.yaml'), extra('production-only').replace('Only in this environment.', 'Owned by ${values.owner}'));
    try {
      const r = await cli(['apply', '--env', 'production', '--auto-approve']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `${join('policies', 'production', 'only.yaml')}:9:16: spec.explanation: value 'owner' is not defined for environment 'production'; the values defined are: region, namespace, cluster, qids, maxAge`,
      );
      noRequests();
    } finally {
      await writeFile(join(dir, 'policies/production/only.yaml'), extra('production-only'));
    }
  });

  it('a reference without --env says to pick an environment', async () => {
    const r = await cli(['validate', 'policies/common']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "policies/common/shared.yaml:9:16: spec.explanation: '${values.region}' takes its value from an environment, but none was picked; pass --env NAME (one of: staging, production) or --all-envs",
    );
    expect(r.stderr).toContain("policies/common/shared.yaml:14:9: spec.qids: '${values.qids}' takes its value");
    expect(r.stderr).toContain('policies/common/shared.yaml:31:30: spec.k8sFilters[0].cluster.clusterUid:');
    expect(r.stderr).toContain('Invalid: 7 problems in 1 file.');
  });

  it('a literal password or token in the project file, never echoed', async () => {
    await writeFile(
      join(dir, 'qcs-gitops.yaml'),
      project().replace('    passwordEnv: QUALYS_PROD_PASSWORD\n', '    password: s3cr3t-Pa55word\n').replace('    passwordEnv: QUALYS_STAGING_PASSWORD\n', '    passwordEnv: QUALYS_STAGING_PASSWORD\n    token: eyJhbGciOi.literal.jwt\n'),
    );
    const r = await cli(['plan', '--env', 'staging']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('qcs-gitops.yaml:8:5: environments.staging.token: a credential must not be written in the project file');
    expect(r.stderr).toContain('qcs-gitops.yaml:19:5: environments.production.password: a credential must not be written in the project file');
    expect(r.stderr).toContain('passwordEnv: QUALYS_PRODUCTION_PASSWORD');
    expect(r.stderr).not.toContain('s3cr3t-Pa55word');
    expect(r.stderr).not.toContain('eyJhbGciOi.literal.jwt');
    expect(r.stderr).toContain('Error: 2 problems found in the project file.');
    noRequests();
  });

  it('a project file against its schema, at its lines; a variable that is not set', async () => {
    await writeFile(join(dir, 'qcs-gitops.yaml'), project().replace('    gatewayUrl: ' + production.url + '\n', '    platform: US9\n').replace('kind: Project', 'kind: Projekt'));
    const r = await cli(['validate', '--env', 'staging']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("qcs-gitops.yaml:2:7: kind: must be 'Project' (got 'Projekt')");
    expect(r.stderr).toContain("qcs-gitops.yaml:16:15: environments.production.platform: must be one of: US1, US2, US3, US4, EU1, EU2, EU3, IN1, CA1, AE1, UK1, AU1, KSA1 (got 'US9') — did you mean 'US1'?");
    await writeFile(join(dir, 'qcs-gitops.yaml'), project());
    const unset = await cli(['plan', '--env', 'production'], { QUALYS_PROD_PASSWORD: '' });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain("environment 'production' reads its password from the variable QUALYS_PROD_PASSWORD, which is not set");
    noRequests();
  });

  it('--config names the project file; paths in it are relative to it', async () => {
    const r = await runCli(['validate', '--config', join(dir, 'qcs-gitops.yaml'), '--env', 'staging'], env, { cwd: tmpdir() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Valid: 3 declarations in 2 files');
  });
});
