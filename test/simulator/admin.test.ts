// The /__sim/ admin API: state dump, reset, requests, faults, token expiry, runtime policies in use. No auth, not recorded.
import { afterEach, describe, expect, it } from 'vitest';
import { call, startApi, type Api } from './helpers.js';

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const admin = (a: Api, method: string, path: string, body?: unknown) => call(a.sim.url, method, `/__sim/${path}`, { body });

describe('admin API', () => {
  it('GET /__sim/state dumps the account in seed format, equal to dump()', async () => {
    api = await startApi({ seed: { exceptions: [{ name: 'seeded', reason: 'RISK_ACCEPTED', scope: 'IMAGE', startDate: '1', endDate: '2', qids: [5] }] } });
    const r = await admin(api, 'GET', 'state');
    expect(r.status).toBe(200);
    expect(r.json).toEqual(api.sim.dump());
    expect(Object.keys(r.json).sort()).toEqual(['centralizedPolicies', 'exceptions', 'qidLists', 'reportSchedules', 'runtimePolicies', 'runtimePoliciesInUse', 'secretRules', 'sensorProfiles']);
    expect(r.json.qidLists).toEqual({ '9b157637-8132-4899-bfae-effd1ea39a75': [90984] });
    expect(r.json.runtimePolicies.map((p: any) => p.name)).toEqual(['Default Policy']);
    expect(r.json.exceptions.map((e: any) => [e.name, e.qids])).toEqual([['seeded', [5]]]);
    expect(r.json.sensorProfiles[0].profileName).toBe('Default');
    expect(r.json.centralizedPolicies.some((p: any) => p.isDefault)).toBe(true);
    expect(r.json.secretRules).toEqual([]);
  });

  it('POST /__sim/reset restores the initial seed, or loads the seed given', async () => {
    api = await startApi();
    await api.post('/v1.3/runtime/policies', { name: 'temp' });
    expect((await admin(api, 'POST', 'reset')).status).toBe(200);
    expect((await api.get('/v1.3/runtime/policies')).json.map((p: any) => p.name)).toEqual(['Default Policy']);
    expect((await admin(api, 'POST', 'reset', { runtimePolicies: [{ name: 'from-reset' }] })).status).toBe(200);
    expect((await api.get('/v1.3/runtime/policies')).json.map((p: any) => p.name)).toEqual(['Default Policy', 'from-reset']);
    const bad = await admin(api, 'POST', 'reset', { runtimePolicies: [{ description: 'no name' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/runtimePolicies\[0\].*name is required/);
    expect((await admin(api, 'POST', 'reset', { nonsense: [] })).json.message).toMatch(/Unknown seed key/);
    expect((await call(api.sim.url, 'POST', '/__sim/reset', { raw: '{oops' })).status).toBe(400);
  });

  it('GET/DELETE /__sim/requests list and clear what was received; admin calls are not recorded', async () => {
    api = await startApi();
    await api.get('/v1.3/exception?pageNumber=2');
    const r = (await admin(api, 'GET', 'requests')).json;
    expect(r.map((x: any) => `${x.method} ${x.path} ${x.status}`)).toEqual(['POST /auth 201', 'GET /csapi/v1.3/exception 200']);
    expect(r[1].query).toEqual({ pageNumber: '2' });
    expect(typeof r[1].time).toBe('number');
    expect((await admin(api, 'DELETE', 'requests')).status).toBe(200);
    expect((await admin(api, 'GET', 'requests')).json).toEqual([]);
    expect(api.sim.requests()).toEqual([]);
  });

  it('PUT /__sim/faults sets faults (validated), GET reads them back', async () => {
    api = await startApi();
    const r = await admin(api, 'PUT', 'faults', { failNextRequests: 1, failStatus: 500 });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ failNextRequests: 1, failStatus: 500, latencyMs: 0 });
    expect((await api.get('/v1.3/exception')).status).toBe(500);
    expect((await api.get('/v1.3/exception')).status).toBe(200);
    expect((await admin(api, 'PUT', 'faults', { errorRate: -1 })).status).toBe(400);
    expect((await admin(api, 'PUT', 'faults', [1])).status).toBe(400);
    expect((await admin(api, 'PUT', 'faults', { secretDetectorOnly: true })).status).toBe(200);
    expect((await admin(api, 'GET', 'faults')).json.secretDetectorOnly).toBe(true);
    expect((await api.get('/v1.3/secretrule')).status).toBe(404);
  });

  it('GET /__sim/raw/<collection>[/<id>] reads stored objects as the simulator holds them', async () => {
    api = await startApi();
    const c = await api.post('/v1.3/centralizedPolicy', { policyName: 'raw', tagIds: [] });
    const one = await admin(api, 'GET', `raw/centralizedPolicies/${c.json.uuid}`);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(api.sim.raw('centralizedPolicies', c.json.uuid));
    expect(one.json).toMatchObject({ uuid: c.json.uuid, policyName: 'raw', tagIds: null, version: 1 });
    const all = await admin(api, 'GET', 'raw/runtimePolicies');
    expect(Object.values(all.json).map((p: any) => p.name)).toEqual(['Default Policy']);
    expect((await admin(api, 'GET', 'raw/exceptions/nope')).status).toBe(404);
    expect((await admin(api, 'GET', 'raw/nothing')).status).toBe(404);
    expect(api.sim.raw('exceptions', 'nope')).toBeUndefined();
  });

  it('POST /__sim/expire-tokens makes every token answer 401', async () => {
    api = await startApi();
    expect((await api.get('/v1.3/exception')).status).toBe(200);
    expect((await admin(api, 'POST', 'expire-tokens')).status).toBe(200);
    expect((await api.get('/v1.3/exception')).status).toBe(401);
  });

  it('PUT/DELETE /__sim/in-use/{id} marks a runtime policy in use; unknown admin calls and ids are 404', async () => {
    api = await startApi();
    const id = (await api.post('/v1.3/runtime/policies', { name: 'used' })).json.id;
    expect((await admin(api, 'PUT', `in-use/${id}`)).status).toBe(200);
    expect((await api.del(`/v1.3/runtime/policies/${id}`)).status).toBe(409);
    expect((await admin(api, 'GET', 'state')).json.runtimePoliciesInUse).toEqual([id]);
    expect((await admin(api, 'DELETE', `in-use/${id}`)).status).toBe(200);
    expect((await api.del(`/v1.3/runtime/policies/${id}`)).status).toBe(200);
    expect((await admin(api, 'PUT', 'in-use/ffffffffffffffffffffffff')).status).toBe(404);
    expect((await admin(api, 'GET', 'nothing')).status).toBe(404);
  });
});
