// Registry routes: the GovCloud notes' create, update, details and validate, the assumed list and delete, the
// checks (required accountType, GovCloud regions, ECR URI, usable ARN, unique URIs), write-only fields.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type Api } from './helpers.js';

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
beforeEach(() => api.sim.reset());
afterAll(() => api.close());

const P = '/v1.3/registry';
// 003_…: the create, validate and update request body
const BODY = { aws: { accountId: '383031258652', arn: 'arn:aws:iam::383031258652:role/testabcd', region: 'us-east-2', accountType: 'Global' }, credentialType: 'AWS', registryType: 'AWS', registryUri: 'https://383031258652.dkr.ecr.us-east-2.amazonaws.com' };
const GOV = { ...BODY, aws: { accountId: '123456789012', arn: 'arn:aws-us-gov:iam::123456789012:role/q', region: 'us-gov-west-1', accountType: 'US_Gov' }, registryUri: 'https://123456789012.dkr.ecr.us-gov-west-1.amazonaws.com' };

describe('Registry', () => {
  it('creates → {registryUuid}; details {data:[item], count:1} in the notes shape, no arn/accountType; list {data, count}', async () => {
    const c = await api.post(P, { ...BODY, registryName: 'ecr' });
    expect(c.status).toBe(200);
    const id = c.json.registryUuid;
    const d = await api.get(`${P}/${id}`);
    expect(d.json.count).toBe(1);
    expect(d.json.data[0]).toMatchObject({ registryUuid: id, registryName: 'ecr', registryType: 'AWS', registryUri: BODY.registryUri, awsAccountId: '383031258652', awsRegion: 'us-east-2', providerType: 'AWS', repoCount: 0 });
    expect(JSON.stringify(d.json)).not.toMatch(/testabcd|accountType|credentialType/);
    const l = await api.get(`${P}?pageNumber=1&pageSize=50`);
    expect(l.json).toEqual({ data: [d.json.data[0]], count: 1 });
  });

  it('validate answers 200 for the notes body and refuses what a create would (nothing stored)', async () => {
    expect((await api.post(`${P}/validate`, BODY)).status).toBe(200);
    const { accountType: _t, ...noType } = BODY.aws;
    expect((await api.post(`${P}/validate`, { ...BODY, aws: noType })).json.message).toMatch(/accountType is required/);
    expect((await api.post(`${P}/validate`, { ...BODY, aws: { ...BODY.aws, arn: 'arn:aws:iam::111111111111:role/x' } })).json.message).toMatch(/another AWS account/);
    api.sim.reset({ awsDeniedArns: [BODY.aws.arn] });
    expect((await api.post(`${P}/validate`, BODY)).json.message).toMatch(/cannot be assumed/);
    expect((await api.get(`${P}?pageNumber=1&pageSize=50`)).json.count).toBe(0);
  });

  it('GovCloud: a us-gov region needs US_Gov and US_Gov a us-gov region; the URI is the ECR registry of the account and region; https only', async () => {
    expect((await api.post(P, GOV)).status).toBe(200);
    expect((await api.post(`${P}/validate`, { ...GOV, aws: { ...GOV.aws, accountType: 'Global' } })).json.message).toMatch(/GovCloud region/);
    expect((await api.post(`${P}/validate`, { ...BODY, aws: { ...BODY.aws, accountType: 'US_Gov' } })).json.message).toMatch(/GovCloud region/);
    expect((await api.post(`${P}/validate`, { ...BODY, registryUri: 'https://383031258652.dkr.ecr.us-west-1.amazonaws.com' })).json.message).toMatch(/not the ECR registry/);
    expect((await api.post(`${P}/validate`, { registryType: 'DockerHub', registryUri: 'http://registry-1.docker.io' })).json.message).toMatch(/https/);
  });

  it('URIs and names are unique; PUT replaces (returns the same id) and must carry accountType again; DELETE', async () => {
    const id = (await api.post(P, { ...BODY, registryName: 'ecr' })).json.registryUuid;
    expect((await api.post(P, BODY)).json.message).toMatch(/already exists/);
    expect((await api.post(P, { registryType: 'DockerHub', registryUri: 'https://registry-1.docker.io', registryName: 'ecr' })).json.message).toMatch(/named "ecr"/);
    const { accountType: _t, ...noType } = BODY.aws;
    expect((await api.put(`${P}/${id}`, { ...BODY, aws: noType })).status).toBe(400);
    const u = await api.put(`${P}/${id}`, { ...BODY, registryName: 'ecr2' });
    expect(u.json).toEqual({ registryUuid: id });
    expect((await api.get(`${P}/${id}`)).json.data[0].registryName).toBe('ecr2');
    expect((await api.del(`${P}/${id}`)).status).toBe(200);
    expect((await api.get(`${P}/${id}`)).status).toBe(404);
  });

  it('seeds the details item (the 003 sample) and dumps it with its write-only fields', async () => {
    api.sim.reset({ containerRegistries: [{ registryUuid: '1ad23456-789f-0a12-3456-78bd901a2e34', registryUri: GOV.registryUri, registryType: 'AWS', awsAccountId: '123456789012', awsRegion: 'us-gov-west-1', credentialType: 'AWS' }] });
    const d = await api.get(`${P}/1ad23456-789f-0a12-3456-78bd901a2e34`);
    expect(d.json.data[0]).toMatchObject({ awsRegion: 'us-gov-west-1', registryName: null });
    expect(d.json.data[0].credentialType).toBeUndefined();
    expect(api.sim.dump().containerRegistries).toEqual([expect.objectContaining({ credentialType: 'AWS', awsRegion: 'us-gov-west-1' })]);
  });

  it('a registry a sensor profile names is described by the profile listing, and cannot be deleted', async () => {
    const id = (await api.post(P, { ...BODY, registryName: 'ecr' })).json.registryUuid;
    const prof = await api.post('/v1.3/sensorProfile', { profileName: 'p', profileType: 'Registry', associatedRegistryIds: [id], associatedSensorIds: ['00000000-0000-4000-8000-000000000099'] });
    expect(prof.status).toBe(200);
    const regs = await api.get(`/v1.3/sensorProfile/${prof.json.profileUuid}/registry`);
    expect(regs.json.data[0]).toMatchObject({ registryUuid: id, registryName: 'ecr', registryUri: BODY.registryUri, registryType: 'AWS' });
    expect((await api.del(`${P}/${id}`)).json.message).toMatch(/sensor profile "p"/);
  });
});
