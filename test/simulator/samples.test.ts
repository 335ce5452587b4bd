// The release-notes samples (copied to test/fixtures/api-samples/): every request body is accepted as written,
// and every answer carries every field (with the same JSON type) the corresponding response sample shows.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, DEMO, missingFields, sample, startApi, type Api } from './helpers.js';

const ROOT = fileURLToPath(new URL('../fixtures/api-samples/', import.meta.url));
const FREE_SENSOR = '4b5e39f6-2b49-4a8f-8422-881cfb9e4f98';

let api: Api;
beforeAll(async () => {
  api = await startApi({ seed: { sensors: [{ uuid: FREE_SENSOR }] } });
});
afterAll(() => api.close());

function covers(sampleFile: string, actual: unknown): void {
  expect(missingFields(sample(sampleFile), actual), sampleFile).toEqual([]);
}

const covered = new Set<string>();
const use = (f: string) => {
  covered.add(f);
  return sample(f);
};

describe('release-notes samples', () => {
  it('centralized policy: create, update and get', async () => {
    const c = await api.post('/v1.3/centralizedPolicy', use('centralized-policy/create.request.json'));
    expect(c.status).toBe(200);
    covers('centralized-policy/create.response.json', c.json);
    const u = await api.put(`/v1.3/centralizedPolicy/${c.json.uuid}`, use('centralized-policy/update.request.json'));
    expect(u.status).toBe(200);
    covers('centralized-policy/update.response.json', u.json);
    // the details sample, sent back as a whole-object PUT (metaData as a string, tagIds null), is accepted too
    const asBody = { ...sample('centralized-policy/get.response.json') };
    expect((await api.put(`/v1.3/centralizedPolicy/${c.json.uuid}`, asBody)).status).toBe(200);
    const d = await api.get(`/v1.3/centralizedPolicy/${c.json.uuid}`);
    covers('centralized-policy/get.response.json', d.json);
    expect(d.json.centralizedPolicyRules[0].metaData).toBe('{"value":1000}');
    expect(d.json.k8sFilters).toEqual(sample('centralized-policy/get.response.json').k8sFilters);
  });

  it('exception: create and get', async () => {
    const c = await api.post('/v1.3/exception', use('exception/create.request.json'));
    expect(c.status).toBe(200);
    covers('exception/create.response.json', c.json);
    const d = await api.get(`/v1.3/exception/${c.json.exceptionId}?includeQids=true`);
    covers('exception/get.response.json', d.json);
  });

  it('sensor profile: create, update, list, get, registry/sensor/associate listings and delete', async () => {
    const c = await api.post('/v1.3/sensorProfile', use('sensor-profile/create.request.json'));
    expect(c.status).toBe(200);
    covers('sensor-profile/create.response.json', c.json);
    const id = c.json.profileUuid;
    const u = await api.put(`/v1.3/sensorProfile/${id}`, use('sensor-profile/update.request.json'));
    expect(u.status).toBe(200);
    covers('sensor-profile/update.response.json', u.json);
    covers('sensor-profile/list.response.json', (await api.get('/v1.3/sensorProfile?pageNumber=1&pageSize=50&sort=created%3Adesc')).json);
    covers('sensor-profile/get.response.json', (await api.get(`/v1.3/sensorProfile/${id}`)).json);
    covers('sensor-profile/registry-list.response.json', (await api.get(`/v1.3/sensorProfile/${id}/registry`)).json);
    covers('sensor-profile/sensor-list.response.json', (await api.get(`/v1.3/sensorProfile/${id}/sensor`)).json);
    covers('sensor-profile/associate-list.response.json', (await api.get('/v1.3/sensorProfile/associate')).json);
    const del = use('sensor-profile/delete.json');
    const r = await call(api.sim.url, del.request.method, new URL(del.request.url).pathname.replace(/[^/]+$/, id), { token: api.token });
    expect(r.status).toBe(del.response.status);
  });

  it('runtime policy: the v1.2 rules are accepted; v1.3 and v1.2 lists and v1.2 rules carry the sample fields; delete', async () => {
    const ruleFiles = ['rule-network_inbound', 'rule-network_outbound', 'rule-read', 'rule-write'].map((f) => `runtime-policy/${f}.v1.2.json`);
    const rules = ruleFiles.map(use);
    const c = await api.post('/v1.3/runtime/policies', { Name: 'My First Policy', Description: 'first policy', Mode: 0, Rules: rules });
    expect(c.status).toBe(200);
    covers('runtime-policy/list.v1.3.response.json', (await api.get('/v1.3/runtime/policies?pageNumber=1&pageSize=50&filter=name:My')).json);
    covers('runtime-policy/list.v1.2.response.json', (await api.get('/v1.2/runtime/policies?pageNumber=1&pageSize=3')).json);
    const v12 = (await api.get(`/v1.2/runtime/policies/${c.json.id}`)).json;
    for (const [i, f] of ruleFiles.entries()) covers(f, v12.Rules[i]);
    const del = use('runtime-policy/delete.v1.2.json');
    const basic = Buffer.from(`${DEMO.username}:${DEMO.password}`).toString('base64');
    const path = new URL(del.request.url).pathname.replace(/[^/]+$/, c.json.id);
    const r = await call(api.sim.url, del.request.method, path, { headers: { Accept: del.request.headers.Accept, Authorization: `Basic ${basic}` } });
    expect(r.status).toBe(del.response.status);
    expect((await api.get(`/v1.3/runtime/policies/${c.json.id}`)).status).toBe(404);
  });

  it('secret rule: list, get, update and bulkUpdate', async () => {
    covers('secret-rule/list.response.json', (await api.get('/v1.3/secretrule?pageNumber=1&pageSize=50')).json);
    covers('secret-rule/get.response.json', (await api.get('/v1.3/secretrule/c6c4165e-c960-11ed-afa1-0242ac120002')).json);
    const u = await api.put('/v1.3/secretrule/ff34aaee-e4c2-11ed-b5ea-0242ac120002', use('secret-rule/update.request.json'));
    expect(u.status).toBe(200);
    covers('secret-rule/update.response.json', u.json);
    const b = await api.put('/v1.3/secretrule/bulkUpdate', use('secret-rule/bulkUpdate.request.json'));
    expect(b.status).toBe(200);
    covers('secret-rule/bulkUpdate.response.json', b.json);
    expect(b.json).toEqual(sample('secret-rule/bulkUpdate.response.json'));
  });

  it('report schedule: create and update (1.38)', async () => {
    const c = await api.post('/v1.3/reports/schedule', use('report-schedule/create.request.json'));
    expect(c.status).toBe(200);
    covers('report-schedule/create.response.json', c.json);
    const u = await api.put(`/v1.3/reports/schedule/${c.json.scheduleUuid}`, use('report-schedule/update.request.json'));
    expect(u.status).toBe(200);
    covers('report-schedule/update.response.json', u.json);
  });

  it('covered every request sample and call description in the fixtures', () => {
    const all = readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
      .map((f) => f.replaceAll('\\', '/'))
      .filter((f) => f.endsWith('.request.json') || /\/delete[^/]*\.json$/.test(f) || /\/rule-[^/]*\.json$/.test(f));
    expect(all.length).toBeGreaterThanOrEqual(12);
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
  });

  it('seeds every documented response as printed, and reads each back as printed', async () => {
    const cp = sample('centralized-policy/get.response.json');
    const ex = sample('exception/get.response.json');
    const sp = sample('sensor-profile/get.response.json');
    const spList = sample('sensor-profile/list.response.json');
    const rt13 = sample('runtime-policy/list.v1.3.response.json');
    const sr = sample('secret-rule/get.response.json');
    const local = await startApi({ seed: { centralizedPolicies: [cp], exceptions: [ex], sensorProfiles: [sp], runtimePolicies: rt13, secretRules: [sr] } });
    try {
      expect((await local.get(`/v1.3/centralizedPolicy/${cp.uuid}`)).json).toEqual(cp);
      expect((await local.get(`/v1.3/exception/${ex.exceptionId}?includeQids=true`)).json).toEqual(ex);
      expect((await local.get(`/v1.3/sensorProfile/${sp.profileId}`)).json).toEqual(sp);
      expect((await local.get(`/v1.3/secretrule/${sr.ruleUuid}`)).json).toEqual(sr);
      const rt = (await local.get('/v1.3/runtime/policies?filter=name:Deny')).json;
      expect(rt).toEqual(rt13);
    } finally {
      await local.close();
    }
    // the list forms: sensor-profile list items (no registries shown) and the v1.2 PascalCase list, Default Policy included
    const v12 = sample('runtime-policy/list.v1.2.response.json');
    const lists = await startApi({ seed: { sensorProfiles: spList.data, runtimePolicies: v12 } });
    try {
      // a list item shows a sensor count but not the sensors: the seed stores the ids it is given (none here)
      const noCount = (l: any) => ({ ...l, data: l.data.map(({ associatedSensorsCount: _c, ...p }: any) => p) });
      expect(noCount((await lists.get('/v1.3/sensorProfile?pageNumber=1&pageSize=50')).json)).toEqual(noCount(spList));
      expect((await lists.get('/v1.2/runtime/policies?pageNumber=1&pageSize=3')).json).toEqual(v12);
    } finally {
      await lists.close();
    }
  });

  it('the shape checker itself reports missing fields and type changes', () => {
    expect(missingFields({ a: 1, b: { c: 'x' }, d: [{ e: 1 }] }, { a: '1', b: {}, d: [{}] })).toEqual(['$.a: expected number, got string', '$.b.c: missing', '$.d[0].e: missing']);
    expect(missingFields({ count: '85' }, { count: 85 })).toEqual(['$.count: expected string, got number']);
  });
});
