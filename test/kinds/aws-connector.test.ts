// AwsConnector: the GovCloud notes' connector samples, the closed account type (with the sample's "US Gov"), the
// create body, and what the API cannot do (no update, no delete: differences are made by hand).
import { describe, expect, it } from 'vitest';
import { awsConnector as kind, accountOfArn } from '../../src/kinds/aws-connector.js';
import { desired, FakeApi, liveSide, managed, patch, specSide } from './helpers.js';

const LIST = '/v1.3/registry/aws/connectors';
// 003_…: "Fetch a list of AWS connectors in your account" (a bare array)
const LISTED = [
  { name: 'AWSC1', arn: 'arn:aws:iam::205767712438:role/abcd', description: 'AWS connector 1', accountType: 'Global' },
  { name: 'AWSC2', arn: 'arn:aws:iam::383031258652:role/testabcd', description: 'AWS connector 2', accountType: 'US_Gov' },
];
// 003_…: the create request, as sent ("accountType":"US Gov")
const CREATE = { arn: 'arn:aws:iam::205767712438:role/abcd', externalId: '903805594', name: 'TestAWS', accountType: 'US Gov', description: 'My AWS account' };

describe('AwsConnector', () => {
  it('the create sample, as a declaration, equals the same connector read back from the list (US Gov = US_Gov; externalId write-only)', () => {
    const { name: _n, ...spec } = CREATE;
    const live = { name: 'TestAWS', arn: CREATE.arn, description: CREATE.description, accountType: 'US_Gov' };
    expect(patch(liveSide(kind, live, spec), specSide(kind, live, spec))).toEqual([]);
    // every write carries the declared externalId although no read shows it
    expect(desired(kind, spec, live)).toMatchObject({ externalId: '903805594' });
    expect(managed(kind, live, spec)).toEqual(['accountType', 'arn', 'description']); // externalId never compared
    expect(kind.writeOnlyFields).toEqual(['externalId']);
  });

  it('a connector made before the field reads accountType null, which is Global ("Global or null")', () => {
    expect(kind.canonicalLive({ name: 'old', arn: 'arn:aws:iam::205767712438:role/a', accountType: null })).toMatchObject({ accountType: 'Global' });
  });

  it('reads the bare list in one call; get finds by name; creates with the documented body (answered by a bare 200)', async () => {
    const api = new FakeApi({ [`GET ${LIST}`]: LISTED, 'POST /v1.3/registry/aws/connector': '' });
    expect((await kind.list(api)).map(kind.nameOf)).toEqual(['AWSC1', 'AWSC2']);
    expect(await kind.get(api, 'AWSC2')).toEqual(LISTED[1]);
    expect(await kind.get(api, 'nope')).toBeUndefined();
    const { name: _n, ...spec } = CREATE;
    expect(await kind.create(api, 'TestAWS', desired(kind, spec))).toBe('TestAWS');
    expect(api.writes()[0]!.body).toEqual({ arn: CREATE.arn, externalId: '903805594', name: 'TestAWS', accountType: 'US_Gov', description: 'My AWS account' });
  });

  it('cannot be updated or deleted: the engine plans differences as manual changes and never prunes one', async () => {
    expect(kind.can).toEqual({ create: true, update: false, delete: false });
    await expect(kind.remove(new FakeApi(), LISTED[0]!)).rejects.toThrow(/cannot be deleted/);
  });

  it('checks the closed account type, the ARN and the name', () => {
    expect(kind.check!({ arn: 'arn:aws:iam::205767712438:role/a', accountType: 'Gov' }, 'x')[0]?.message).toMatch(/not one of Global, US_Gov/);
    expect(kind.check!({ arn: 'arn:aws:iam::205767712438:role/a', accountType: 'US Gov' }, 'x')).toEqual([]);
    expect(kind.check!({ arn: 'role/a', accountType: 'Global' }, 'x')[0]).toMatchObject({ path: ['arn'] });
    expect(kind.check!({ arn: 'arn:aws:iam::205767712438:role/a', accountType: 'Global', name: 'y' }, 'x')[0]?.path).toEqual(['name']);
    expect(accountOfArn('arn:aws-us-gov:iam::123456789012:role/x')).toBe('123456789012');
  });
});
