// The Kind hooks issue 27 added to the engine, on the real AwsConnector, Registry and SensorProfile modules:
// manual changes (no update), write-only fields and --replace-credentials, resolve (references by name, issues at
// their lines), heldBy (a registry a profile names is never pruned), and the plan schema for manual changes.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildPlan, hasChanges, makePlan } from '../../src/engine/plan.js';
import { FakeApi } from '../kinds/helpers.js';
import { planDigest } from '../../src/engine/digest.js';
import { ValidationError } from '../../src/errors.js';
import { KINDS } from '../../src/kinds/index.js';
import { decl } from './fake-kind.js';

const ARN = 'arn:aws:iam::383031258652:role/q';
const URI = 'https://383031258652.dkr.ecr.us-east-2.amazonaws.com';
const liveReg = { registryUuid: '11111111-2222-4333-8444-555555555555', registryName: 'ecr', registryUri: URI, registryType: 'AWS', awsAccountId: '383031258652', awsRegion: 'us-east-2' };
const regSpec = { registryType: 'AWS', registryUri: URI, credentialType: 'AWS', aws: { accountId: '383031258652', arn: ARN, region: 'us-east-2', accountType: 'Global' } };

describe('engine hooks for registries and connectors', () => {
  it('a connector that differs is a manual change: no change to apply, counted apart, drift for --detailed-exitcode; the plan schema takes it', () => {
    const live = new Map([['AwsConnector', [{ name: 'c', arn: ARN, description: 'old', accountType: null }]]]);
    const plan = buildPlan(KINDS, [decl('AwsConnector', 'c', { arn: ARN, accountType: 'Global', description: 'new', externalId: '1' })], live, { prune: true });
    expect(plan.changes).toEqual([]);
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0, manual: 1 });
    expect(plan.manual).toEqual([expect.objectContaining({ kind: 'AwsConnector', name: 'c', patch: [{ op: 'replace', path: '/description', value: 'new' }] })]);
    expect(hasChanges(plan)).toBe(true);
    const validate = new Ajv2020.default({ strict: false }).compile(JSON.parse(readFileSync('schemas/plan.schema.json', 'utf8')));
    expect(validate(JSON.parse(JSON.stringify({ ...plan, digest: planDigest(plan) }))), JSON.stringify(validate.errors)).toBe(true);
    // never pruned: the kind cannot delete
    const pruned = buildPlan(KINDS, [decl('AwsConnector', 'other', { arn: ARN, accountType: 'Global' })], live, { prune: true });
    expect(pruned.changes.filter((c) => c.action === 'delete')).toEqual([]);
  });

  it('write-only fields are never compared; --replace-credentials (resend) plans an update that sends them', () => {
    const live = new Map([['Registry', [liveReg]]]);
    expect(buildPlan(KINDS, [decl('Registry', 'ecr', regSpec)], live).changes).toEqual([]);
    const resent = buildPlan(KINDS, [decl('Registry', 'ecr', regSpec)], live, { resend: ['Registry/ecr'] });
    expect(resent.changes).toHaveLength(1);
    expect(resent.changes[0]!.patch.map((p) => p.path).sort()).toEqual(['/aws.accountType', '/aws.arn', '/credentialType']);
  });

  it('an unknown connector name is a plan diagnostic at its declaration', () => {
    const d = decl('Registry', 'ecr', { ...regSpec, aws: { connector: 'prod', region: 'us-east-2' } });
    try {
      buildPlan(KINDS, [d, decl('AwsConnector', 'prd', { arn: ARN, accountType: 'Global' })], new Map());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).diagnostics[0]).toMatchObject({ path: 'spec.aws.connector', message: expect.stringMatching(/did you mean 'prd'/) });
    }
  });

  it('--prune never deletes a registry a sensor profile still names (live or declared), with a note', () => {
    const other = { ...liveReg, registryUuid: '99999999-2222-4333-8444-555555555555', registryName: 'free', registryUri: 'https://registry-1.docker.io', registryType: 'DockerHub' };
    const profile = { profileId: 'p1', profileName: 'p', associatedRegistries: [liveReg.registryUuid], associatedSensors: ['s'] };
    const live = new Map<string, unknown[]>([
      ['Registry', [liveReg, other]],
      ['SensorProfile', [profile]],
    ]);
    const plan = buildPlan(KINDS, [decl('Registry', 'new', { registryType: 'DockerHub', registryUri: 'https://quay.io' })], live, { prune: true });
    expect(plan.changes.filter((c) => c.action === 'delete').map((c) => c.name)).toEqual(['free']);
    expect(plan.notes.join('\n')).toContain('Registry/ecr is not pruned: SensorProfile/p still names it.');
  });

  it('a profile names a declared registry: resolved to its name; a name matching nothing is an issue with did-you-mean', () => {
    const reg = decl('Registry', 'ecr', regSpec);
    const plan = buildPlan(KINDS, [reg, decl('SensorProfile', 'p', { associatedRegistries: [URI], associatedSensorIds: ['3a00f41d-8bb8-41d2-b2c2-54ed50131082'] })], new Map());
    expect(plan.changes.find((c) => c.kind === 'SensorProfile')?.after).toMatchObject({ associatedRegistries: ['ecr'] });
    expect(() => buildPlan(KINDS, [reg, decl('SensorProfile', 'p', { associatedRegistries: ['ecx'], associatedSensorIds: ['3a00f41d-8bb8-41d2-b2c2-54ed50131082'] })], new Map())).toThrow(ValidationError);
  });

  it('the relation declared on both sides with different answers is an error at both declarations', () => {
    const reg = decl('Registry', 'ecr', { ...regSpec, sensorProfile: 'a' });
    const a = decl('SensorProfile', 'a', { associatedRegistries: ['ecr'], associatedSensorIds: ['3a00f41d-8bb8-41d2-b2c2-54ed50131082'] });
    const b = decl('SensorProfile', 'b', { associatedRegistries: ['ecr'], associatedSensorIds: ['3a00f41d-8bb8-41d2-b2c2-54ed50131082'] });
    try {
      buildPlan(KINDS, [reg, a, b], new Map());
      expect.unreachable();
    } catch (e) {
      const paths = (e as ValidationError).diagnostics.map((d) => d.path).sort();
      expect(paths).toEqual(['spec.associatedRegistries.0', 'spec.sensorProfile']);
    }
    // the registry side alone adds it to the profile
    const plan = buildPlan(KINDS, [reg, decl('SensorProfile', 'a', { associatedRegistries: [], associatedSensorIds: ['3a00f41d-8bb8-41d2-b2c2-54ed50131082'] })], new Map());
    expect(plan.changes.find((c) => c.kind === 'SensorProfile')?.after).toMatchObject({ associatedRegistries: ['ecr'] });
  });

  it('a US_Gov connector to create without externalId takes the GovCloud external id of aws-gov-base, with a note', () => {
    const looked = { lookup: (n: string) => (n === 'govBase' ? [{ accountId: '123456789012', externalId: '987654321' }] : undefined) };
    const kind = KINDS.find((k) => k.kind === 'AwsConnector')!;
    const ctx = { declared: () => [], live: () => [], ...looked };
    const r = kind.resolve!({ arn: ARN, accountType: 'US Gov' }, ctx, 'gov');
    expect(r.spec).toEqual({ arn: ARN, accountType: 'US Gov', externalId: '987654321' });
    expect(r.issues[0]).toMatchObject({ severity: 'warning', message: expect.stringMatching(/aws-gov-base/) });
    expect(kind.resolve!({ arn: ARN, accountType: 'US_Gov' }, { ...ctx, live: () => [{ name: 'gov', arn: ARN }] }, 'gov').issues).toEqual([]);
  });

  it('a kind read only to resolve names (Registry for profiles) that cannot be listed leaves the plan standing, with a note', async () => {
    const api = new FakeApi({}, { '/v1.3/sensorProfile': [] });
    const d = decl('SensorProfile', 'p', { associatedRegistryIds: ['1ec46398-23be-40fc-8cde-8b4bd916d5fa'], associatedSensorIds: ['3a00f41d-8bb8-41d2-b2c2-54ed50131082'] });
    const { plan } = await makePlan(api, KINDS, [d]);
    expect(plan.summary.create).toBe(1);
    expect(plan.notes.join('\n')).toMatch(/Registry objects could not be listed .*404/);
  });
});
