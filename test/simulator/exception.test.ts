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
  it('creates a DYNAMIC exception → {exceptionId}; the server fills qids from the filter; exceptionType is not read back', async () => {
    const c = await api.post(BASE, body('ex-dyn'));
    expect(c.status).toBe(200);
    expect(Object.keys(c.json)).toEqual(['exceptionId']);
    const d = (await api.get(`${BASE}/${c.json.exceptionId}?includeQids=true`)).json;
    expect(d).toMatchObject({ exceptionId: c.json.exceptionId, name: 'ex-dyn', startDate: '1695635855000', endDate: '1700906255000', dynamicFilter: 'repo.tag:rails', entityAssignmentType: 'DYNAMIC' });
    expect(d.created).toMatch(/^\d{13}$/);
    expect(d.qids.length).toBeGreaterThan(0);
    expect(d.qids.every((q: unknown) => Number.isInteger(q))).toBe(true);
    expect(d).not.toHaveProperty('exceptionType');
    // deterministic: the same filter gives the same qids
    const c2 = await api.post(BASE, body('ex-dyn-2'));
    expect((await api.get(`${BASE}/${c2.json.exceptionId}?includeQids=true`)).json.qids).toEqual(d.qids);
    // without includeQids the details leave qids out
    expect((await api.get(`${BASE}/${c.json.exceptionId}`)).json).not.toHaveProperty('qids');
  });

  it('keeps the qids of a STATIC exception, accepts epoch numbers for dates (read back as strings)', async () => {
    const c = await api.post(BASE, body('ex-static', { entityAssignmentType: 'STATIC', dynamicFilter: null, qids: [376157, 90984], startDate: 1767225600000, endDate: '1782864000000' }));
    expect(c.status).toBe(200);
    const d = (await api.get(`${BASE}/${c.json.exceptionId}?includeQids=true`)).json;
    expect(d.qids).toEqual([376157, 90984]);
    expect(d.startDate).toBe('1767225600000');
  });

  it('lists {data, count} with items carrying every detail field including qids', async () => {
    const r = await api.get(`${BASE}?pageNumber=1&pageSize=50`);
    expect(r.json.count).toBe(r.json.data.length);
    const item = r.json.data.find((e: any) => e.name === 'ex-static');
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
    const c = await api.post(BASE, body('ex-qql', { dynamicFilter: f }));
    expect(c.status).toBe(200);
    expect((await api.get(`${BASE}/${c.json.exceptionId}`)).json.dynamicFilter).toBe(f);
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
    await bad(body('e5', { entityAssignmentType: 'SOMETIMES' }), /entityAssignmentType must be one of/);
    await bad(body('e6', { entityAssignmentType: 'STATIC', dynamicFilter: null, qids: ['x'] }), /qids\[0\]/);
    await bad(body('e7', { entityAssignmentType: 'STATIC' }), /dynamicFilter is only allowed when entityAssignmentType is DYNAMIC/);
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
