// Registry: the GovCloud notes' create body and details, write-only fields, the body every write sends, the
// connector named by aws.connector, validate before writing, the checks, and secrets from the environment.
import { afterEach, describe, expect, it } from 'vitest';
import { registry as kind } from '../../src/kinds/container-registry.js';
import { ApiError } from '../../src/errors.js';
import { redact } from '../../src/redact.js';
import { desired, FakeApi, liveSide, managed, patch, specSide } from './helpers.js';

const P = '/v1.3/registry';
// 003_…: "Create AWS registry" request body (also the validate and update samples' body)
const CREATE = { aws: { accountId: '383031258652', arn: 'arn:aws:iam::383031258652:role/testabcd', region: 'us-east-2', accountType: 'Global' }, credentialType: 'AWS', registryType: 'AWS', registryUri: 'https://383031258652.dkr.ecr.us-east-2.amazonaws.com' };
// 003_…: "Fetch registry details" data[0]
const DETAILS = {
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
const GOV_SPEC = { registryType: 'AWS', registryUri: DETAILS.registryUri, credentialType: 'AWS', aws: { accountId: '123456789012', arn: 'arn:aws-us-gov:iam::123456789012:role/q', region: 'us-gov-west-1', accountType: 'US_Gov' } };

afterEach(() => {
  delete process.env.I27_TEST_SECRET;
});

describe('Registry canonical forms', () => {
  it('the details (flat awsAccountId/awsRegion) equal a declaration of them; arn, accountType and credentialType are write-only', () => {
    expect(patch(liveSide(kind, DETAILS, GOV_SPEC), specSide(kind, DETAILS, GOV_SPEC))).toEqual([]);
    expect(managed(kind, DETAILS, GOV_SPEC)).toEqual(['aws', 'registryType', 'registryUri']);
    expect(kind.toSpec(DETAILS)).toEqual({ registryType: 'AWS', registryUri: DETAILS.registryUri, aws: { accountId: '123456789012', region: 'us-gov-west-1' } });
    expect(kind.nameOf(DETAILS)).toBe(DETAILS.registryUri); // no registryName (made before 1.17): its URI names it
    expect(kind.nameOf({ ...DETAILS, registryName: 'gov' })).toBe('gov');
  });

  it('the create sample is a valid declaration', () => {
    expect(kind.check!(CREATE, 'x')).toEqual([]);
  });
});

describe('Registry writes', () => {
  it('create sends the declared body; update carries the write-only fields from the declaration and the live fields no read form covers', async () => {
    const api = new FakeApi({ [`POST ${P}`]: { registryUuid: 'new-id' }, [`PUT ${P}/${DETAILS.registryUuid}`]: { registryUuid: DETAILS.registryUuid } });
    expect(await kind.create(api, 'from-notes', desired(kind, CREATE))).toBe('new-id');
    expect(api.writes()[0]!.body).toEqual({ registryName: 'from-notes', ...CREATE });
    const changed = { ...GOV_SPEC, registryUri: 'https://123456789012.dkr.ecr.us-gov-east-1.amazonaws.com', aws: { ...GOV_SPEC.aws, region: 'us-gov-east-1' } };
    await kind.update(api, DETAILS, 'gov', desired(kind, changed, DETAILS));
    expect(api.writes()[1]!.body).toEqual({
      registryName: 'gov',
      registryType: 'AWS',
      registryUri: changed.registryUri,
      credentialType: 'AWS',
      aws: { accountId: '123456789012', arn: GOV_SPEC.aws.arn, region: 'us-gov-east-1', accountType: 'US_Gov' },
      dockerHubOrg: null,
      providerType: 'AWS',
      gcpProjectId: null,
      acrConnectorId: null,
    });
  });

  it('checkWrite posts the body it would send to /registry/validate; a 400 is the refusal, other errors throw', async () => {
    const api = new FakeApi({ [`POST ${P}/validate`]: () => undefined });
    expect(await kind.checkWrite!(api, 'r', desired(kind, CREATE), undefined)).toBeUndefined();
    expect(api.calls[0]).toMatchObject({ method: 'POST', path: `${P}/validate`, body: { registryName: 'r', ...CREATE } });
    const refuse = new FakeApi({ [`POST ${P}/validate`]: new ApiError({ status: 400, method: 'POST', path: `${P}/validate`, serverMessage: 'role cannot be assumed' }) });
    expect(await kind.checkWrite!(refuse, 'r', desired(kind, CREATE), undefined)).toBe('role cannot be assumed');
    const down = new FakeApi({ [`POST ${P}/validate`]: new ApiError({ status: 503, method: 'POST', path: `${P}/validate` }) });
    await expect(kind.checkWrite!(down, 'r', desired(kind, CREATE), undefined)).rejects.toThrow(/503/);
  });

  it('a secret is read from the environment when a body is built, registered for redaction at once; an unset variable is E_SECRET_ENV', async () => {
    const spec = { registryType: 'DockerHub', registryUri: 'https://registry-1.docker.io', credentialType: 'BasicAuth', username: 'ci', password: { fromEnv: 'I27_TEST_SECRET' } };
    const want = desired(kind, spec);
    expect(JSON.stringify(want)).not.toContain('value-of-the-secret');
    const api = new FakeApi({ [`POST ${P}`]: { registryUuid: 'id' } });
    await expect(kind.create(api, 'hub', want)).rejects.toMatchObject({ code: 'E_SECRET_ENV' });
    process.env.I27_TEST_SECRET = 'value-of-the-secret';
    await kind.create(api, 'hub', want);
    expect(api.writes()[0]!.body).toMatchObject({ username: 'ci', password: 'value-of-the-secret' });
    expect(redact('sent value-of-the-secret')).toBe('sent [REDACTED]');
  });
});

describe('Registry checks', () => {
  const issues = (spec: Record<string, unknown>) => kind.check!(spec, 'r').filter((i) => i.severity !== 'warning');
  it('an https URI; the ECR URI of the account and region; GovCloud region ↔ US_Gov', () => {
    expect(issues({ ...CREATE, registryUri: 'http://383031258652.dkr.ecr.us-east-2.amazonaws.com' })[0]).toMatchObject({ path: ['registryUri'] });
    expect(issues({ ...CREATE, registryUri: 'https://383031258652.dkr.ecr.us-west-1.amazonaws.com' })[0]?.message).toMatch(/expected https:\/\/383031258652\.dkr\.ecr\.us-east-2\.amazonaws\.com/);
    expect(issues({ ...GOV_SPEC, aws: { ...GOV_SPEC.aws, accountType: 'Global' } })[0]).toMatchObject({ path: ['aws', 'accountType'] });
    expect(issues({ ...CREATE, aws: { ...CREATE.aws, accountType: 'US_Gov' } })[0]).toMatchObject({ path: ['aws', 'region'] });
    expect(issues({ ...GOV_SPEC, aws: { ...GOV_SPEC.aws, accountType: 'US Gov' } })).toEqual([]);
    expect(issues({ ...CREATE, aws: { ...CREATE.aws, accountType: 'Gov' } })[0]?.message).toMatch(/Global, US_Gov/);
  });
  it('a literal secret is an error at its field: put it in an environment variable', () => {
    const got = issues({ registryType: 'DockerHub', registryUri: 'https://registry-1.docker.io', password: 'hunter2' });
    expect(got).toEqual([{ path: ['password'], message: expect.stringMatching(/environment variable.*fromEnv/) }]);
  });
  it('an unknown registryType is a warning with did-you-mean, not an error', () => {
    const all = kind.check!({ registryType: 'DockerHb', registryUri: 'https://registry-1.docker.io' }, 'r');
    expect(all).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/did you mean 'DockerHub'/) })]);
  });
});

describe('Registry aws.connector', () => {
  const ctx = (declared: Array<{ name: string; spec: Record<string, unknown> }>, live: unknown[]) => ({ declared: (k: string) => (k === 'AwsConnector' ? declared : []), live: (k: string) => (k === 'AwsConnector' ? live : []) });
  const spec = { registryType: 'AWS', registryUri: 'https://383031258652.dkr.ecr.us-east-2.amazonaws.com', aws: { connector: 'prod', region: 'us-east-2' } };
  it('takes the ARN, account and account type of the declared connector, else the live one', () => {
    const declared = kind.resolve!(spec, ctx([{ name: 'prod', spec: { arn: 'arn:aws:iam::383031258652:role/q', accountType: 'Global' } }], []), 'r');
    expect(declared).toEqual({ spec: { ...spec, aws: { connector: 'prod', region: 'us-east-2', accountId: '383031258652', arn: 'arn:aws:iam::383031258652:role/q', accountType: 'Global' } }, issues: [] });
    const live = kind.resolve!(spec, ctx([], [{ name: 'prod', arn: 'arn:aws:iam::383031258652:role/l', accountType: null }]), 'r');
    expect(live.spec.aws).toMatchObject({ arn: 'arn:aws:iam::383031258652:role/l', accountType: 'Global' });
  });
  it('an unknown connector is an issue at aws.connector with did-you-mean; a URI of another account is an issue', () => {
    const r = kind.resolve!(spec, ctx([], [{ name: 'prd', arn: 'arn:aws:iam::383031258652:role/l' }]), 'r');
    expect(r.issues).toEqual([{ path: ['aws', 'connector'], message: expect.stringMatching(/no AwsConnector is named 'prod'.*did you mean 'prd'/) }]);
    const other = kind.resolve!(spec, ctx([{ name: 'prod', spec: { arn: 'arn:aws:iam::111111111111:role/q', accountType: 'Global' } }], []), 'r');
    expect(other.issues[0]).toMatchObject({ path: ['registryUri'] });
  });
});
