// AwsConnector routes (GovCloud notes): create (bare 200), the bare-array lists, aws-gov-base, the checks, no
// update or delete, seed and dump.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApi, type Api } from './helpers.js';

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
beforeEach(() => api.sim.reset());
afterAll(() => api.close());

// 003_…: the create request as the notes send it ("US Gov")
const CREATE = { arn: 'arn:aws:iam::205767712438:role/abcd', externalId: '903805594', name: 'TestAWS', accountType: 'US Gov', description: 'My AWS account' };

describe('AwsConnector', () => {
  it('creates with the notes body (a bare 200); the list shows {name, arn, description, accountType} without externalId', async () => {
    const c = await api.post('/v1.3/registry/aws/connector', CREATE);
    expect([c.status, c.json]).toEqual([200, undefined]);
    const l = await api.get('/v1.3/registry/aws/connectors');
    expect(l.json).toEqual([{ name: 'TestAWS', arn: CREATE.arn, description: 'My AWS account', accountType: 'US_Gov' }]);
    expect((await api.get('/v1.3/registry/aws/connectors/205767712438')).json).toHaveLength(1);
    expect((await api.get('/v1.3/registry/aws/connectors/383031258652')).json).toEqual([]);
  });

  it('requires accountType (Global or US_Gov), externalId, a role ARN and a unique name', async () => {
    const { accountType: _a, ...noType } = CREATE;
    expect((await api.post('/v1.3/registry/aws/connector', noType)).json.message).toMatch(/accountType is required/);
    expect((await api.post('/v1.3/registry/aws/connector', { ...CREATE, accountType: 'Gov' })).status).toBe(400);
    expect((await api.post('/v1.3/registry/aws/connector', { ...CREATE, externalId: '' })).json.message).toMatch(/externalId/);
    expect((await api.post('/v1.3/registry/aws/connector', { ...CREATE, arn: 'abcd' })).json.message).toMatch(/IAM role ARN/);
    expect((await api.post('/v1.3/registry/aws/connector', CREATE)).status).toBe(200);
    expect((await api.post('/v1.3/registry/aws/connector', CREATE)).json.message).toMatch(/already exists/);
  });

  it('documents no update or delete (405), and answers aws-gov-base', async () => {
    expect((await api.put('/v1.3/registry/aws/connector', CREATE)).status).toBe(405);
    expect((await api.del('/v1.3/registry/aws/connector')).status).toBe(405);
    const gov = await api.get('/v1.3/registry/aws-gov-base');
    expect(Object.keys(gov.json).sort()).toEqual(['accountId', 'externalId']);
  });

  it('seeds (accountType null for a connector made before GovCloud) and dumps', async () => {
    api.sim.reset({ awsConnectors: [{ name: 'old', arn: 'arn:aws:iam::205767712438:role/a' }] });
    expect((await api.get('/v1.3/registry/aws/connectors')).json).toEqual([{ name: 'old', arn: 'arn:aws:iam::205767712438:role/a', description: null, accountType: null }]);
    expect(api.sim.dump().awsConnectors).toEqual([{ name: 'old', arn: 'arn:aws:iam::205767712438:role/a', description: null, accountType: null }]);
  });
});
