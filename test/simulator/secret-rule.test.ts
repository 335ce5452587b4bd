// SecretRule contract row: list (count a string), details, PUT status/severity, PUT bulkUpdate; no create/delete;
// /v1.3/secretDetector serves the same, and the secretDetectorOnly switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, sample, startApi, type Api } from './helpers.js';

const BASE = '/v1.3/secretrule';
let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

async function all(a: Api, base = BASE): Promise<any[]> {
  return (await a.get(`${base}?pageNumber=1&pageSize=250`)).json.data;
}

describe('SecretRule', () => {
  it('lists several dozen built-in system rules with count as a string and the documented fields', async () => {
    const r = (await api.get(`${BASE}?pageNumber=1&pageSize=250`)).json;
    expect(typeof r.count).toBe('string');
    expect(Number(r.count)).toBe(r.data.length);
    expect(r.data.length).toBeGreaterThanOrEqual(50);
    for (const rule of r.data) {
      expect(Object.keys(rule)).toEqual(['ruleUuid', 'type', 'category', 'severity', 'secretDetector', 'status', 'regex', 'created', 'updated', 'createdBy', 'updatedBy', 'keywords', 'groupName']);
      expect(rule.type).toBe('system');
      expect(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(rule.severity);
      expect(['Active', 'Inactive']).toContain(rule.status);
      expect(typeof rule.created).toBe('number');
      expect(rule.keywords.length).toBeGreaterThan(0);
      expect(() => new RegExp(rule.regex.replace(/\(\?i\)/g, ''))).not.toThrow();
    }
    expect(new Set(r.data.map((x: any) => x.ruleUuid)).size).toBe(r.data.length);
    expect(new Set(r.data.map((x: any) => x.secretDetector)).size).toBe(r.data.length);
    const names = r.data.map((x: any) => x.secretDetector);
    for (const n of ['AWS Access Key', 'GitHub Personal Access Token', 'Slack Token', 'Shopify Token', 'Linear API Token']) expect(names).toContain(n);
  });

  it('keeps stable uuids across restarts, including the ones the notes show', async () => {
    const other = await startApi();
    try {
      expect((await all(other)).map((r) => r.ruleUuid)).toEqual((await all(api)).map((r) => r.ruleUuid));
    } finally {
      await other.close();
    }
    const shopify = (await api.get(`${BASE}/c6c4165e-c960-11ed-afa1-0242ac120002`)).json;
    expect(shopify.secretDetector).toBe('Shopify Token');
    expect((await api.get(`${BASE}/0da96274-c969-11ed-afa1-0242ac120002`)).json.secretDetector).toBe('Linear API Token');
  });

  it('details carry no groupName', async () => {
    const d = (await api.get(`${BASE}/c6c4165e-c960-11ed-afa1-0242ac120002`)).json;
    expect(d).not.toHaveProperty('groupName');
    expect(d.keywords).toEqual(['shppa_', 'shpat_', 'shpca_', 'shpss_']);
  });

  it('PUT changes status and severity (any case in, Active/upper case out) → {"updated secret rule: ": id}', async () => {
    const id = 'ff34aaee-e4c2-11ed-b5ea-0242ac120002';
    const u = await api.put(`${BASE}/${id}`, { secretRuleStatus: 'inactive', severity: 'low' });
    expect(u.status).toBe(200);
    expect(u.json).toEqual({ 'updated secret rule: ': id });
    let d = (await api.get(`${BASE}/${id}`)).json;
    expect([d.status, d.severity, d.updatedBy]).toEqual(['Inactive', 'LOW', 'qcs-demo']);
    expect(typeof d.updated).toBe('number');
    await api.put(`${BASE}/${id}`, sample('secret-rule/update.request.json'));
    d = (await api.get(`${BASE}/${id}`)).json;
    expect([d.status, d.severity]).toEqual(['Active', 'CRITICAL']);
  });

  it('refuses bad PUT bodies with 400 and unknown ids with 404', async () => {
    const id = 'ff34aaee-e4c2-11ed-b5ea-0242ac120002';
    expect((await api.put(`${BASE}/${id}`, { secretRuleStatus: 'maybe', severity: 'low' })).json.message).toMatch(/secretRuleStatus must be one of/);
    expect((await api.put(`${BASE}/${id}`, { secretRuleStatus: 'Active', severity: 'extreme' })).status).toBe(400);
    expect((await api.put(`${BASE}/${id}`, { secretRuleStatus: 'Active' })).json.message).toMatch(/severity is required/);
    expect((await api.put(`${BASE}/${id}`, { secretRuleStatus: 1, severity: 'low' })).json.message).toMatch(/must be a string/);
    expect((await api.put(`${BASE}/11111111-0000-11ed-0000-000000000000`, { secretRuleStatus: 'Active', severity: 'low' })).status).toBe(404);
    expect((await api.get(`${BASE}/11111111-0000-11ed-0000-000000000000`)).status).toBe(404);
  });

  it('bulkUpdate changes status only → {"Updating status for secret rules: ": ids} in its own order', async () => {
    const req = sample('secret-rule/bulkUpdate.request.json');
    await api.put(`${BASE}/${req.ruleIds[0]}`, { secretRuleStatus: 'Inactive', severity: 'high' });
    const r = await api.put(`${BASE}/bulkUpdate`, req);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['Updating status for secret rules: ']);
    const ids = r.json['Updating status for secret rules: '];
    expect([...ids].sort()).toEqual([...req.ruleIds].sort());
    expect(ids).not.toEqual(req.ruleIds);
    for (const id of req.ruleIds) expect((await api.get(`${BASE}/${id}`)).json.status).toBe('Active');
    expect((await api.get(`${BASE}/${req.ruleIds[0]}`)).json.severity).toBe('HIGH');
  });

  it('bulkUpdate refuses unknown ids (nothing changed), empty and oversized lists', async () => {
    const rules = await all(api);
    const target = rules.find((r) => r.status === 'Active')!;
    const r = await api.put(`${BASE}/bulkUpdate`, { secretRuleStatus: 'Inactive', ruleIds: [target.ruleUuid, 'nope'] });
    expect(r.status).toBe(404);
    expect(r.json.message).toMatch(/nope/);
    expect((await api.get(`${BASE}/${target.ruleUuid}`)).json.status).toBe('Active');
    expect((await api.put(`${BASE}/bulkUpdate`, { secretRuleStatus: 'Inactive', ruleIds: [] })).status).toBe(400);
    const many = Array.from({ length: 101 }, () => target.ruleUuid);
    expect((await api.put(`${BASE}/bulkUpdate`, { secretRuleStatus: 'Inactive', ruleIds: many })).json.message).toMatch(/at most 100/);
  });

  it('cannot be created or deleted (405)', async () => {
    const id = 'c6c4165e-c960-11ed-afa1-0242ac120002';
    const post = await api.post(BASE, { secretDetector: 'Mine' });
    expect(post.status).toBe(405);
    expect(post.json.message).toMatch(/system-defined/);
    expect((await api.del(`${BASE}/${id}`)).status).toBe(405);
    expect((await api.get(`${BASE}/${id}`)).status).toBe(200);
  });

  it('pages across pages with count a string', async () => {
    const total = (await all(api)).length;
    const seen: string[] = [];
    for (let n = 1; ; n++) {
      const p = (await api.get(`${BASE}?pageNumber=${n}&pageSize=25`)).json;
      expect(p.count).toBe(String(total));
      if (p.data.length === 0) break;
      seen.push(...p.data.map((r: any) => r.ruleUuid));
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('serves the same under /v1.3/secretDetector, and only there with secretDetectorOnly', async () => {
    const local = await startApi();
    try {
      expect(await all(local, '/v1.3/secretDetector')).toEqual(await all(local));
      const id = 'c6c4165e-c960-11ed-afa1-0242ac120002';
      await local.put(`/v1.3/secretDetector/${id}`, { secretRuleStatus: 'Inactive', severity: 'medium' });
      expect((await local.get(`${BASE}/${id}`)).json.status).toBe('Inactive');
      local.sim.setFaults({ secretDetectorOnly: true });
      const r = await local.get(`${BASE}?pageNumber=1&pageSize=50`);
      expect(r.status).toBe(404);
      expect(r.json.errorCode).toBe('404 NOT_FOUND');
      expect((await local.get(`${BASE}/${id}`)).status).toBe(404);
      expect((await local.get('/v1.3/secretDetector?pageNumber=1&pageSize=50')).status).toBe(200);
      local.sim.setFaults({ secretDetectorOnly: false });
      expect((await local.get(`${BASE}?pageNumber=1&pageSize=50`)).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('applies seed overrides of built-in rules by ruleUuid or secretDetector', async () => {
    const local = await startApi({
      seed: { secretRules: [{ secretDetector: 'Slack Token', status: 'inactive' }, { ruleUuid: 'c6c4165e-c960-11ed-afa1-0242ac120002', severity: 'low' }] },
    });
    try {
      const rules = await all(local);
      expect(rules.find((r) => r.secretDetector === 'Slack Token').status).toBe('Inactive');
      expect(rules.find((r) => r.secretDetector === 'Shopify Token').severity).toBe('LOW');
    } finally {
      await local.close();
    }
    await expect(startApi({ seed: { secretRules: [{ secretDetector: 'No Such Rule', status: 'Active' }] } })).rejects.toThrow(/No Such Rule/);
  });

  it('answers the page-size cap silently (default 250, configurable)', async () => {
    const local = await startApi({ pageSizeCap: 10 });
    try {
      const r = (await local.get(`${BASE}?pageNumber=1&pageSize=250`)).json;
      expect(r.data.length).toBe(10);
      expect(Number(r.count)).toBeGreaterThan(10);
      const capped = (await call(local.sim.url, 'GET', `/csapi${BASE}?pageNumber=2&pageSize=250`, { token: local.token })).json.data;
      const explicit = (await local.get(`${BASE}?pageNumber=2&pageSize=10`)).json.data;
      expect(capped.map((x: any) => x.ruleUuid)).toEqual(explicit.map((x: any) => x.ruleUuid));
      expect(capped[0].ruleUuid).not.toBe(r.data[0].ruleUuid);
    } finally {
      await local.close();
    }
  });
});
