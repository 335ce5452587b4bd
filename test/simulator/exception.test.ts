// Exception contract row: list (items with qids), details ?includeQids=true, create, update, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, startApi, type Api } from './helpers.js';

const BASE = '/v1.3/exception';
let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const body = (name: string, extra: Record<string, unknown> = {}) => ({ ...sample('exception/create.request.json'), name, ...extra });

describe('Exception', () => {
  it('creates the documented DYNAMIC exception → {exceptionId}; its listId gives the qids; exceptionType is not read back', async () => {
    const c = await api.post(BASE, body('ex-dyn'));
    expect(c.status).toBe(200);
    expect(Object.keys(c.json)).toEqual(['exceptionId']);
    const d = (await api.get(`${BASE}/${c.json.exceptionId}?includeQids=true`)).json;
    expect(d).toMatchObject({ exceptionId: c.json.exceptionId, name: 'ex-dyn', startDate: '1695635855000', endDate: '1700906255000', dynamicFilter: 'repo.tag:rails', entityAssignmentType: 'DYNAMIC' });
    expect(d.created).toMatch(/^\d{13}$/);
    // as the GET sample answers for the create sample: listId 9b157637-… → [90984]
    expect(d.qids).toEqual(sample('exception/get.response.json').qids);
    expect(d).not.toHaveProperty('exceptionType');
    // the filter does not choose the qids: another filter, same list, same qids
    const c2 = await api.post(BASE, body('ex-dyn-2', { dynamicFilter: 'repo.repository:legacy/*' }));
    expect((await api.get(`${BASE}/${c2.json.exceptionId}?includeQids=true`)).json.qids).toEqual([90984]);
    // without includeQids the details leave qids out
    expect((await api.get(`${BASE}/${c.json.exceptionId}`)).json).not.toHaveProperty('qids');
  });

  it('keeps the qids sent; no listId and no qids gives none; entityAssignmentType is stored only when sent', async () => {
    const c = await api.post(BASE, body('ex-qids', { entityAssignmentType: undefined, dynamicFilter: null, listId: undefined, qids: [376157, 90984], startDate: 1767225600000, endDate: '1782864000000' }));
    expect(c.status).toBe(200);
    const d = (await api.get(`${BASE}/${c.json.exceptionId}?includeQids=true`)).json;
    expect(d.qids).toEqual([376157, 90984]);
    expect(d.startDate).toBe('1767225600000');
    expect(d).not.toHaveProperty('entityAssignmentType');
    expect(d).not.toHaveProperty('listId');
    const none = await api.post(BASE, body('ex-none', { entityAssignmentType: undefined, dynamicFilter: undefined, listId: undefined }));
    expect((await api.get(`${BASE}/${none.json.exceptionId}?includeQids=true`)).json.qids).toEqual([]);
    // an unknown listId holds no qids; entityAssignmentType in another case is read as DYNAMIC
    const other = await api.post(BASE, body('ex-other-list', { listId: '11111111-1111-1111-1111-111111111111', entityAssignmentType: 'dynamic' }));
    const o = (await api.get(`${BASE}/${other.json.exceptionId}?includeQids=true`)).json;
    expect([o.qids, o.entityAssignmentType]).toEqual([[], 'DYNAMIC']);
  });

  it('the seed sets QID lists by listId, and seeds an exception exactly as the GET sample shows it', async () => {
    const listId = '22222222-2222-2222-2222-222222222222';
    const seeded = sample('exception/get.response.json');
    const local = await startApi({ seed: { qidLists: { [listId]: [3, 1] }, exceptions: [seeded] } });
    try {
      expect((await local.get(`${BASE}/${seeded.exceptionId}?includeQids=true`)).json).toEqual(seeded);
      const c = await local.post(BASE, body('from-list', { listId }));
      expect((await local.get(`${BASE}/${c.json.exceptionId}?includeQids=true`)).json.qids).toEqual([3, 1]);
      expect(local.sim.dump().qidLists).toEqual({ '9b157637-8132-4899-bfae-effd1ea39a75': [90984], [listId]: [3, 1] });
    } finally {
      await local.close();
    }
    await expect(startApi({ seed: { qidLists: { x: ['a'] } } as any })).rejects.toThrow(/qidLists\["x"\]/);
  });

  it('a PUT replaces the exception with its body: omitted fields (qids included) are cleared', async () => {
    const c = await api.post(BASE, body('ex-replace'));
    const before = api.sim.raw('exceptions', c.json.exceptionId)!;
    expect(before['qids']).toEqual([90984]);
    const u = await api.put(`${BASE}/${c.json.exceptionId}`, { name: 'ex-replace', startDate: '1', endDate: '2' });
    expect(u.json).toEqual({ exceptionId: c.json.exceptionId });
    const after = api.sim.raw('exceptions', c.json.exceptionId)!;
    expect(after).toEqual({ exceptionId: c.json.exceptionId, name: 'ex-replace', startDate: '1', endDate: '2', qids: [], createdBy: before['createdBy'], created: before['created'], updatedBy: 'qcs-demo', updated: expect.any(String) });
  });

  it('lists {data, count} with items carrying every detail field including qids', async () => {
    const r = await api.get(`${BASE}?pageNumber=1&pageSize=50`);
    expect(r.json.count).toBe(r.json.data.length);
    const item = r.json.data.find((e: any) => e.name === 'ex-qids');
    const details = (await api.get(`${BASE}/${item.exceptionId}?includeQids=true`)).json;
    expect(item).toEqual(details);
  });

  it('updates: PUT → {exceptionId}; updated/updatedBy maintained', async () => {
    let now = 1_700_000_000_000;
    const local = await startApi({ clock: () => now });
    try {
      const c = await local.post(BASE, body('ex-upd'));
      now += 1000;
      const u = await local.put(`${BASE}/${c.json.exceptionId}`, body('ex-upd', { explanation: 'changed', dynamicFilter: 'repo.repository:legacy/*' }));
      expect(u.status).toBe(200);
      expect(u.json).toEqual({ exceptionId: c.json.exceptionId });
      const d = (await local.get(`${BASE}/${c.json.exceptionId}?includeQids=true`)).json;
      expect(d.explanation).toBe('changed');
      expect(d.updated).toBe(String(now));
      expect(d.created).toBe(String(now - 1000));
    } finally {
      await local.close();
    }
  });

  it('accepts QQL with and/or, parentheses, NOT and values holding colons', async () => {
    const f = 'repo.registry:registry.example.com:5000 and (repo.tag:"v1:rc" or NOT cluster.k8s.pod.namespace:payments)';
    const c = await api.post(BASE, body('ex-qql', { dynamicFilter: f, scope: 'CONTAINER' }));
    expect(c.status).toBe(200);
    expect((await api.get(`${BASE}/${c.json.exceptionId}`)).json.dynamicFilter).toBe(f);
  });

  it('stores another entityAssignmentType as sent ("A new value, DYNAMIC": others exist), with or without a filter (assumed)', async () => {
    const s = await api.post(BASE, body('ex-static', { entityAssignmentType: 'STATIC', dynamicFilter: null }));
    expect(s.status).toBe(200);
    expect((await api.get(`${BASE}/${s.json.exceptionId}`)).json.entityAssignmentType).toBe('STATIC');
    expect((await api.post(BASE, body('ex-nofilter-type', { entityAssignmentType: undefined }))).status).toBe(200);
  });

  it('refuses bad bodies with 400 and a message', async () => {
    const bad = async (b: unknown, re: RegExp) => {
      const r = await api.post(BASE, b);
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(re);
    };
    await bad(body('e1', { dynamicFilter: 'image.label:foo' }), /unsupported token/);
    await bad(body('e2', { dynamicFilter: undefined }), /dynamicFilter is required/);
    await bad(body('e3', { endDate: '1' }), /endDate must not be before startDate/);
    await bad(body('e4', { startDate: '2026-01-01' }), /startDate must be epoch milliseconds/);
    await bad(body('e5', { entityAssignmentType: 'some times' }), /entityAssignmentType must be a token such as DYNAMIC/);
    await bad(body('e6', { entityAssignmentType: undefined, dynamicFilter: null, qids: ['x'] }), /qids\[0\]/);
    await bad(body('e9', { dynamicFilter: 'repo.tag:latest and cluster.k8s.pod.namespace:payments' }), /cluster\.k8s\.pod\.namespace is for containers.*scope IMAGE/);
    await bad(body('e8', { dynamicFilter: 'repo.tag:latest and NOT (image.sha:abc)' }), /unsupported token\(s\) image\.sha/);
    await bad(body('ex-dyn'), /already exists/);
    await bad({ reason: 'RISK_ACCEPTED', startDate: '1', endDate: '2' }, /name is required/);
  });

  it('deletes (200, no body) then 404', async () => {
    const c = await api.post(BASE, body('ex-del'));
    const d = await api.del(`${BASE}/${c.json.exceptionId}`);
    expect([d.status, d.text]).toEqual([200, '']);
    expect((await api.get(`${BASE}/${c.json.exceptionId}?includeQids=true`)).status).toBe(404);
    expect((await api.del(`${BASE}/${c.json.exceptionId}`)).status).toBe(404);
  });

  it('pages: 7 exceptions at pageSize 3', async () => {
    const local = await startApi();
    try {
      for (let i = 0; i < 7; i++) await local.post(BASE, body(`page-${i}`));
      const pages = [];
      for (let n = 1; n <= 3; n++) pages.push((await local.get(`${BASE}?pageNumber=${n}&pageSize=3`)).json);
      expect(pages.map((p) => [p.data.length, p.count])).toEqual([
        [3, 7],
        [3, 7],
        [1, 7],
      ]);
    } finally {
      await local.close();
    }
  });
});
