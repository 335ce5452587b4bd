// CentralizedPolicy contract row: list, details, create, update, delete — with the documented quirks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, startApi, type Api } from './helpers.js';

const BASE = '/v1.3/centralizedPolicy';
let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

function body(name: string, extra: Record<string, unknown> = {}) {
  return { ...sample('centralized-policy/create.request.json'), policyName: name, ...extra };
}

describe('CentralizedPolicy', () => {
  it('has a default policy from the start that can be neither changed nor deleted', async () => {
    const list = await api.get(`${BASE}?pageNumber=1&pageSize=50`);
    const def = list.json.data.find((p: any) => p.isDefault === true);
    expect(def).toBeDefined();
    expect(def.createdBy).toBe('System');
    const put = await api.put(`${BASE}/${def.uuid}`, body('renamed default'));
    expect(put.status).toBe(400);
    expect(put.json).toMatchObject({ errorCode: '400 BAD_REQUEST', message: expect.stringMatching(/default/i) });
    expect((await api.del(`${BASE}/${def.uuid}`)).status).toBe(400);
    expect((await api.get(`${BASE}/${def.uuid}`)).json.policyName).toBe(def.policyName);
  });

  it('creates from the sample body: {uuid}; details read metaData back as a JSON string, times as strings, tagIds null', async () => {
    const c = await api.post(BASE, body('cp-create'));
    expect(c.status).toBe(200);
    expect(Object.keys(c.json)).toEqual(['uuid']);
    expect(c.json.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const d = (await api.get(`${BASE}/${c.json.uuid}`)).json;
    expect(d.uuid).toBe(c.json.uuid);
    expect(d.centralizedPolicyRules[0].metaData).toBe('{"value":180}');
    expect(d.centralizedPolicyRules[0].sortOrder).toBe(0);
    expect(d.centralizedPolicyRules[0]).not.toHaveProperty('order');
    expect(d.created).toMatch(/^\d{13}$/);
    expect(d.updated).toBe(d.created);
    expect(d.version).toBe(1);
    expect(d.createdBy).toBe('qcs-demo');
    expect(d.updatedBy).toBe('qcs-demo');
    expect(d.tagIds).toBeNull();
    expect(d).not.toHaveProperty('hasDeprecatedRulesPresent');
    expect(d.k8sFilters).toEqual([{ cluster: { clusterUid: 'a883e610-428d-4355-8a19-7aef2cf4afde', clusterName: 'cluster24' }, namespace: null }]);
  });

  it('keeps tagIds when given, and list summaries carry no rules, filters or tags', async () => {
    const c = await api.post(BASE, body('cp-tags', { tagIds: ['t-1', 't-2'] }));
    expect((await api.get(`${BASE}/${c.json.uuid}`)).json.tagIds).toEqual(['t-1', 't-2']);
    const item = (await api.get(`${BASE}?pageSize=250`)).json.data.find((p: any) => p.uuid === c.json.uuid);
    expect(Object.keys(item).sort()).toEqual(
      ['uuid', 'policyName', 'policyType', 'policyMode', 'description', 'isDefault', 'createdBy', 'created', 'updatedBy', 'updated', 'version'].sort(),
    );
  });

  it('updates with the whole object: {"policyUUID ": uuid} (trailing space), version and updated maintained', async () => {
    let now = 1_741_000_000_000;
    const local = await startApi({ clock: () => now });
    try {
      const c = await local.post(BASE, body('cp-update'));
      now += 5000;
      const upd = { ...sample('centralized-policy/update.request.json'), policyName: 'cp-update' };
      const u = await local.put(`${BASE}/${c.json.uuid}`, upd);
      expect(u.status).toBe(200);
      expect(Object.keys(u.json)).toEqual(['policyUUID ']);
      // as in the sample, the answer echoes the body's uuid (the sample body carries abe4ed1b-…), not the path's
      expect(u.json['policyUUID ']).toBe(upd.uuid);
      const { uuid: _u, ...noUuid } = upd;
      expect((await local.put(`${BASE}/${c.json.uuid}`, noUuid)).json).toEqual({ 'policyUUID ': c.json.uuid });
      now += 0;
      const d = (await local.get(`${BASE}/${c.json.uuid}`)).json;
      expect(d.version).toBe(3);
      expect(d.updated).toBe(String(now));
      expect(d.created).toBe(String(now - 5000));
      expect(d.centralizedPolicyRules[0].metaData).toBe('{"value":30}');
      expect(d.k8sFilters[0].cluster.clusterName).toBe('cluster26');
      expect(d.uuid).toBe(c.json.uuid);
    } finally {
      await local.close();
    }
  });

  it('accepts metaData as a JSON string, rule position as order or sortOrder, and stores only the fields sent', async () => {
    const c = await api.post(BASE, {
      policyName: 'cp-defaults',
      policyType: 'K8S_ADMISSION_CONTROLLER',
      policyMode: 'ACTIVE',
      centralizedPolicyRules: [
        { name: 'a', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', kind: 'IMAGE_SECURITY', action: 'FAIL', metaData: '{"value":7}', sortOrder: 5 },
        { name: 'b', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', kind: 'IMAGE_SECURITY', action: 'FAIL', order: 1, isEnabled: false },
        { name: 'c', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES' },
      ],
    });
    expect(c.status).toBe(200);
    const d = (await api.get(`${BASE}/${c.json.uuid}`)).json;
    expect(d.centralizedPolicyRules).toEqual([
      { name: 'a', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', kind: 'IMAGE_SECURITY', action: 'FAIL', metaData: '{"value":7}', sortOrder: 5 },
      { name: 'b', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', kind: 'IMAGE_SECURITY', action: 'FAIL', sortOrder: 1, isEnabled: false },
      { name: 'c', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES' },
    ]);
    expect(d).not.toHaveProperty('description');
    expect(d).not.toHaveProperty('exclusionPolicyRules');
    expect(d).not.toHaveProperty('k8sFilters');
    expect(d.isDefault).toBe(false);
    expect(d.tagIds).toBeNull();
  });

  it('a PUT replaces the policy with its body: an omitted field is cleared, server fields stay server-side', async () => {
    const c = await api.post(BASE, body('cp-replace', { description: 'before', tagIds: [7] }));
    const before = api.sim.raw('centralizedPolicies', c.json.uuid)!;
    expect(before['tagIds']).toEqual([7]);
    const u = await api.put(`${BASE}/${c.json.uuid}`, { policyName: 'cp-replace', uuid: c.json.uuid, createdBy: 'someone', created: '1', version: 99, hasDeprecatedRulesPresent: false });
    expect(u.status).toBe(200);
    const after = api.sim.raw('centralizedPolicies', c.json.uuid)!;
    expect(after).toEqual({ uuid: c.json.uuid, policyName: 'cp-replace', isDefault: false, tagIds: null, createdBy: before['createdBy'], created: before['created'], updatedBy: 'qcs-demo', updated: expect.any(String), version: 2 });
  });

  it('refuses a duplicate name, a missing name, wrong types and malformed JSON with 400 and a message', async () => {
    await api.post(BASE, body('cp-dup'));
    const dup = await api.post(BASE, body('cp-dup'));
    expect(dup.status).toBe(400);
    expect(dup.json.message).toMatch(/already exists/);
    const { policyName: _n, ...noName } = body('x');
    expect((await api.post(BASE, noName)).json.message).toMatch(/policyName is required/);
    const wrongType = await api.post(BASE, body('cp-wrong', { centralizedPolicyRules: 'nope' }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.message).toMatch(/centralizedPolicyRules must be an array/);
    const badRule = await api.post(BASE, body('cp-wrong', { centralizedPolicyRules: [{ name: 'r', type: 'T', isEnabled: 'yes' }] }));
    expect(badRule.json.message).toMatch(/centralizedPolicyRules\[0\]\.isEnabled must be a boolean/);
    const mal = await fetch(`${api.sim.url}/csapi${BASE}`, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, body: '{"policyName": ' });
    expect(mal.status).toBe(400);
    expect(((await mal.json()) as any).errorCode).toBe('400 BAD_REQUEST');
    const arr = await api.post(BASE, [1, 2]);
    expect(arr.status).toBe(400);
    const c = await api.post(BASE, body('cp-rename-target'));
    expect((await api.put(`${BASE}/${c.json.uuid}`, body('cp-dup'))).status).toBe(400);
  });

  it('deletes (200, no body), then answers 404; unknown ids are 404', async () => {
    const c = await api.post(BASE, body('cp-delete'));
    const d = await api.del(`${BASE}/${c.json.uuid}`);
    expect(d.status).toBe(200);
    expect(d.text).toBe('');
    expect((await api.get(`${BASE}/${c.json.uuid}`)).status).toBe(404);
    expect((await api.put(`${BASE}/${c.json.uuid}`, body('cp-delete'))).status).toBe(404);
    expect((await api.del(`${BASE}/${c.json.uuid}`)).status).toBe(404);
  });

  it('pages the list: 7 policies at pageSize 3 give 3 + 3 + 1 with the total count', async () => {
    const local = await startApi();
    try {
      for (let i = 0; i < 6; i++) expect((await local.post(BASE, body(`page-${i}`))).status).toBe(200);
      const pages = [];
      for (let n = 1; n <= 4; n++) pages.push((await local.get(`${BASE}?pageNumber=${n}&pageSize=3`)).json);
      expect(pages.map((p) => p.data.length)).toEqual([3, 3, 1, 0]);
      expect(pages.every((p) => p.count === 7)).toBe(true);
      const names = pages.flatMap((p) => p.data.map((x: any) => x.policyName));
      expect(new Set(names).size).toBe(7);
      expect((await local.get(`${BASE}?pageNumber=0`)).status).toBe(400);
      expect((await local.get(`${BASE}?pageSize=abc`)).status).toBe(400);
      const desc = (await local.get(`${BASE}?sort=policyName:desc&pageSize=2`)).json.data.map((x: any) => x.policyName);
      expect(desc).toEqual(['page-5', 'page-4']);
    } finally {
      await local.close();
    }
  });
});
