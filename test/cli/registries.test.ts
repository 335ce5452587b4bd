// Issue 27 through the CLI against the simulator: an AWS connector and an ECR registry naming it, created in
// that order in one apply; the write-only fields carried by an update; POST /registry/validate before any write;
// the GovCloud notes' create body and details; secrets only from the environment, never in any output.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/types.js';
import { runCli } from '../helpers/cli.js';

let sim: SimulatorHandle;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  sim = await startSimulator({});
  env = { QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: sim.credentials.username, QUALYS_PASSWORD: sim.credentials.password };
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  sim.clearRequests();
  dir = mkdtempSync(join(tmpdir(), 'qcs-i27-'));
  return () => rmSync(dir, { recursive: true, force: true });
});

const ACCOUNT = '383031258652';
const ARN = `arn:aws:iam::${ACCOUNT}:role/qualys-cs`;
const connector = `apiVersion: qcs-gitops/v1
kind: AwsConnector
metadata: { name: prod-aws }
spec:
  arn: ${ARN}
  externalId: "903805594"
  accountType: Global
  description: Production account
`;
const registry = (region = 'us-east-2') => `apiVersion: qcs-gitops/v1
kind: Registry
metadata: { name: ecr-prod }
spec:
  registryType: AWS
  registryUri: https://${ACCOUNT}.dkr.ecr.${region}.amazonaws.com
  credentialType: AWS
  aws: { connector: prod-aws, region: ${region} }
`;

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const writes = () => sim.requests().filter((r) => r.method !== 'GET' && !r.path.endsWith('/validate') && r.path.startsWith('/csapi'));

describe('registries and connectors through the CLI', () => {
  it('creates the connector, then the registry naming it, in one apply; the second plan is empty; a region change is one update whose PUT carries arn and accountType', async () => {
    write('all.yaml', `${connector}---\n${registry()}`);
    const apply = await runCli(['apply', dir, '--auto-approve'], env);
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);
    const created = writes().map((r) => `${r.method} ${r.path}`);
    expect(created).toEqual(['POST /csapi/v1.3/registry/aws/connector', 'POST /csapi/v1.3/registry']);
    const post = writes()[1]!.body as Record<string, unknown>;
    expect(post).toEqual({ registryName: 'ecr-prod', registryType: 'AWS', registryUri: `https://${ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com`, credentialType: 'AWS', aws: { accountId: ACCOUNT, arn: ARN, region: 'us-east-2', accountType: 'Global' } });
    // the plan asked validate first, with the very body it then sent
    const validate = sim.requests().find((r) => r.path === '/csapi/v1.3/registry/validate');
    expect(validate?.body).toEqual(post);

    const again = await runCli(['plan', dir, '--detailed-exitcode'], env);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes.');

    write('all.yaml', `${connector}---\n${registry('us-west-2')}`);
    sim.clearRequests();
    const plan = await runCli(['plan', dir, '--detailed-exitcode'], env);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete.');
    expect(plan.stdout).toMatch(/aws\.region: "us-east-2" → "us-west-2"/);
    expect(plan.stdout).not.toMatch(/aws\.arn|aws\.accountType|credentialType/); // write-only: never shown as a change
    const upd = await runCli(['apply', dir, '--auto-approve'], env);
    expect(upd.code, upd.stderr + upd.stdout).toBe(0);
    const put = writes().find((r) => r.method === 'PUT');
    expect(put?.body).toMatchObject({ registryName: 'ecr-prod', credentialType: 'AWS', aws: { accountId: ACCOUNT, arn: ARN, region: 'us-west-2', accountType: 'Global' } });
    expect(writes()).toHaveLength(1);

    // nothing differs: --replace-credentials sends the write-only fields again, with one update
    sim.clearRequests();
    expect((await runCli(['plan', dir, '--detailed-exitcode'], env)).code).toBe(0);
    const resend = await runCli(['apply', dir, '--auto-approve', '--replace-credentials', 'Registry/ecr-prod'], env);
    expect(resend.code, resend.stderr + resend.stdout).toBe(0);
    expect(resend.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete.');
    expect(writes().map((r) => r.method)).toEqual(['PUT']);
    expect(writes()[0]!.body).toMatchObject({ aws: { arn: ARN, accountType: 'Global' } });
    expect((await runCli(['plan', dir, '--replace-credentials', 'AwsConnector/prod-aws'], env)).stderr).toMatch(/AwsConnector objects cannot be updated/);
  });

  it('a sensor profile naming a registry declared beside it and a sensor by hostname: connector, registry, profile in one apply; names in the plan; second plan empty; an unknown name is a plan error with did-you-mean', async () => {
    const SENSOR = '3a00f41d-8bb8-41d2-b2c2-54ed50131082';
    sim.reset({ sensors: [{ uuid: SENSOR, hostname: 'scanner-eu-1' }] });
    const profile = (reg: string) => `apiVersion: qcs-gitops/v1\nkind: SensorProfile\nmetadata: { name: ecr-scanners }\nspec:\n  description: scans ECR\n  associatedRegistries: [${reg}]\n  associatedSensors: [scanner-eu-1]\n`;
    write('all.yaml', `${connector}---\n${registry()}---\n${profile('ecr-prod')}`);
    const plan = await runCli(['plan', dir], env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('+ associatedRegistries: ["ecr-prod"]');
    expect(plan.stdout).toContain('+ associatedSensors: ["scanner-eu-1"]');
    const apply = await runCli(['apply', dir, '--auto-approve'], env);
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);
    const order = writes().map((r) => `${r.method} ${r.path}`);
    expect(order).toEqual(['POST /csapi/v1.3/registry/aws/connector', 'POST /csapi/v1.3/registry', 'POST /csapi/v1.3/sensorProfile']);
    const profileBody = writes()[2]!.body as Record<string, unknown>;
    expect(profileBody.associatedSensorIds).toEqual([SENSOR]);
    expect((profileBody.associatedRegistryIds as string[])[0]).toMatch(/^[0-9a-f-]{36}$/);
    const again = await runCli(['plan', dir, '--detailed-exitcode'], env);
    expect(again.code, again.stdout + again.stderr).toBe(0);

    // an update by name: a second registry, created in the same apply, added to the profile; verified, then clean
    const hub = 'apiVersion: qcs-gitops/v1\nkind: Registry\nmetadata: { name: hub }\nspec:\n  registryType: DockerHub\n  registryUri: https://registry-1.docker.io\n';
    write('all.yaml', `${connector}---\n${registry()}---\n${hub}---\n${profile('ecr-prod, hub')}`);
    sim.clearRequests();
    const upd = await runCli(['apply', dir, '--auto-approve'], env);
    expect(upd.code, upd.stderr + upd.stdout).toBe(0);
    expect(upd.stdout).toContain('Plan: 1 to create, 1 to update, 0 to delete.');
    expect(upd.stdout).toContain('Verified');
    const put = writes().find((r) => r.method === 'PUT');
    expect((put?.body as { associatedRegistryIds: string[] }).associatedRegistryIds).toHaveLength(2);
    const clean = await runCli(['plan', dir, '--detailed-exitcode'], env);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);

    // by URI: the same registry, no change; an unknown name: a plan error at its line with did-you-mean
    write('all.yaml', `${connector}---\n${registry()}---\n${hub}---\n${profile(`https://${ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com, hub`)}`);
    expect((await runCli(['plan', dir, '--detailed-exitcode'], env)).code).toBe(0);
    const file = write('all.yaml', `${connector}---\n${registry()}---\n${profile('ecr-prd')}`);
    const bad = await runCli(['plan', dir], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`${file}:24:\\d+: spec.associatedRegistries.0: no registry is named, or has the URI, 'ecr-prd' .*did you mean 'ecr-prod'`));
    // export writes the names back
    const exDir = mkdtempSync(join(tmpdir(), 'qcs-i27-export-'));
    const ex = await runCli(['export', '--out', exDir, '--kind', 'SensorProfile'], env);
    expect(ex.code, ex.stderr).toBe(0);
    const exported = readFileSync(join(exDir, 'sensor-profiles', 'ecr-scanners.yaml'), 'utf8');
    rmSync(exDir, { recursive: true, force: true });
    expect(exported).toMatch(/associatedRegistries:\n\s+- ecr-prod[\s\S]*associatedSensors:\n\s+- scanner-eu-1/);
  });

  it('a registry whose ARN validate refuses stops the plan at the declaration, with no write', async () => {
    sim.reset({ awsDeniedArns: [ARN] });
    const file = write('all.yaml', `${connector}---\n${registry()}`);
    const r = await runCli(['apply', dir, '--auto-approve'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:10:1`);
    expect(r.stderr).toMatch(/Registry\/ecr-prod: the API refuses the create .*cannot be assumed/);
    expect(writes()).toEqual([]);
  });

  it('a connector that differs is a manual change: shown, counted apart, exit 2, never written, never pruned', async () => {
    sim.reset({ awsConnectors: [{ name: 'prod-aws', arn: ARN, description: 'old text', accountType: 'Global' }] });
    write('c.yaml', connector);
    const r = await runCli(['plan', dir, '--detailed-exitcode', '--prune'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('! AwsConnector "prod-aws"');
    expect(r.stdout).toContain('description: "old text" → "Production account"');
    expect(r.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete.');
    expect(r.stdout).toContain('1 to change by hand');
    const a = await runCli(['apply', dir, '--auto-approve', '--prune'], env);
    expect(a.code).toBe(0);
    expect(writes()).toEqual([]);
    // an undeclared connector is never pruned
    write('c.yaml', connector.replace('prod-aws', 'other'));
    const p = await runCli(['plan', dir, '--prune'], env);
    expect(p.stdout).not.toContain('DELETED');
  });

  it('the GovCloud create body, as a declaration, validates and plans one create; the GovCloud details, seeded, export and plan clean', async () => {
    const body003 = { aws: { accountId: ACCOUNT, arn: 'arn:aws:iam::383031258652:role/testabcd', region: 'us-east-2', accountType: 'Global' }, credentialType: 'AWS', registryType: 'AWS', registryUri: 'https://383031258652.dkr.ecr.us-east-2.amazonaws.com' };
    write('r.yaml', `apiVersion: qcs-gitops/v1\nkind: Registry\nmetadata: { name: from-notes }\nspec: ${JSON.stringify(body003)}\n`);
    expect((await runCli(['validate', dir], env)).code).toBe(0);
    const plan = await runCli(['plan', dir], env);
    expect(plan.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete.');

    const details003 = {
      registryUuid: '1ad23456-789f-0a12-3456-78bd901a2e34',
      registryUri: 'https://123456789012.dkr.ecr.us-gov-west-1.amazonaws.com',
      registryType: 'AWS',
      repoCount: 1,
      totalImages: 1,
      totalScannedImages: 1,
      totalVulnerableImages: 0,
      lastScanned: '1642527390097',
      scheduleStatusList: { Finished: 1 },
      created: '1642527260574',
      updated: '1642527260574',
      dockerHubOrg: null,
      providerType: 'AWS',
      awsAccountId: '123456789012',
      awsRegion: 'us-gov-west-1',
      gcpProjectId: null,
      acrConnectorId: null,
    };
    sim.reset({ containerRegistries: [details003] });
    const out = join(dir, 'export');
    const ex = await runCli(['export', '--out', out, '--kind', 'Registry'], env);
    expect(ex.code, ex.stderr).toBe(0);
    const clean = await runCli(['plan', out, '--detailed-exitcode'], env);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain('No changes.');
  });

  it('a literal password is a validate error at its line; a {fromEnv} secret never appears in plan, saved plan, apply, --debug or json output', async () => {
    const literal = write('lit.yaml', `apiVersion: qcs-gitops/v1\nkind: Registry\nmetadata: { name: hub }\nspec:\n  registryType: DockerHub\n  registryUri: https://registry-1.docker.io\n  username: ci\n  password: hunter2-literal\n`);
    const v = await runCli(['validate', literal], env);
    expect(v.code).toBe(1);
    expect(v.stdout + v.stderr).toMatch(new RegExp(`${literal}:8:\\d+: spec.password: .*environment variable`));
    rmSync(literal);

    const SECRET = 's3cr3t-Registry-Pa55word';
    write('hub.yaml', `apiVersion: qcs-gitops/v1\nkind: Registry\nmetadata: { name: hub }\nspec:\n  registryType: DockerHub\n  registryUri: https://registry-1.docker.io\n  credentialType: BasicAuth\n  username: ci\n  password: { fromEnv: HUB_PASSWORD }\n`);
    const withSecret = { ...env, HUB_PASSWORD: SECRET };
    const saved = join(dir, 'plan.json');
    const outputs: string[] = [];
    for (const args of [['plan', dir, '--out', saved], ['plan', dir, '--format', 'json'], ['plan', dir, '--format', 'markdown'], ['plan', dir, '--debug']]) {
      const r = await runCli(args, withSecret);
      expect(r.code, r.stderr).toBe(0);
      outputs.push(r.stdout, r.stderr);
    }
    outputs.push(readFileSync(saved, 'utf8'));
    const a = await runCli(['apply', '--plan', saved, '--auto-approve', '--debug'], withSecret);
    expect(a.code, a.stderr + a.stdout).toBe(0);
    outputs.push(a.stdout, a.stderr);
    // the secret reached the API (and only the API)
    expect(writes().find((r) => r.method === 'POST')?.body).toMatchObject({ password: SECRET, username: 'ci' });
    for (const o of outputs) expect(o).not.toContain(SECRET);
    expect(outputs.join('\n')).toContain('HUB_PASSWORD'); // the reference is shown

    // without the variable: a plan that would write fails naming it, with no write (a clean plan needs no secret)
    expect((await runCli(['plan', dir], env)).code).toBe(0);
    sim.reset();
    sim.clearRequests();
    const missing = await runCli(['plan', dir], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('HUB_PASSWORD');
    expect(writes()).toEqual([]);
  });

  it('environments: ${values.…} in a registry URI, a connector ARN and a region; a wrong value is reported at the line of the reference', async () => {
    write('qcs-gitops.yaml', `apiVersion: qcs-gitops/v1\nkind: Project\nenvironments:\n  prod:\n    gatewayUrl: ${sim.url}\n    usernameEnv: U\n    passwordEnv: P\n    paths: [decl]\n    values: { awsAccount: "${ACCOUNT}", region: us-east-2 }\n  bad:\n    gatewayUrl: ${sim.url}\n    usernameEnv: U\n    passwordEnv: P\n    paths: [decl]\n    values: { awsAccount: "${ACCOUNT}", region: us-gov-west-1 }\n`);
    const d = join(dir, 'decl');
    (await import('node:fs')).mkdirSync(d);
    const reg = 'apiVersion: qcs-gitops/v1\nkind: Registry\nmetadata: { name: ecr-prod }\nspec:\n  registryType: AWS\n  registryUri: "https://${values.awsAccount}.dkr.ecr.${values.region}.amazonaws.com"\n  aws:\n    connector: prod-aws\n    region: "${values.region}"\n';
    writeFileSync(join(d, 'r.yaml'), `${connector.replace(`arn: ${ARN}`, 'arn: "arn:aws:iam::${values.awsAccount}:role/qualys-cs"')}---\n${reg}`);
    const creds = { U: sim.credentials.username, P: sim.credentials.password };
    const plan = await runCli(['plan', '--config', join(dir, 'qcs-gitops.yaml'), '--env', 'prod'], creds);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`+ registryUri: "https://${ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com"`);
    expect(plan.stdout).toContain(`+ arn: "${ARN}"`);
    const bad = await runCli(['plan', '--config', join(dir, 'qcs-gitops.yaml'), '--env', 'bad'], creds);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/r\.yaml:\d+:\d+: spec\.aws\.region: region 'us-gov-west-1' is a GovCloud region: accountType must be US_Gov.*connector 'prod-aws' is Global/);
  });
});
