// RuntimePolicy contract row: bare-array list with filter=name:…, details with camelCase rules, create, update, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, startApi, type Api } from './helpers.js';

const BASE = '/v1.3/runtime/policies';
let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const policy = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  description: `${name} description`,
  policyMode: 'ACTIVE',
  defaultNetworkAction: 'ALLOW',
  defaultExecuteAction: 'ALLOW',
  defaultFileAction: 'DENY',
  ignoredSyscalls: ['ptrace'],
  rules: [
    { name: 'no-ssh-in', ruleType: 'NETWORK_INBOUND', program: '*', ipAddress: '*', port: 22, action: 'DENY' },
    { name: 'ro-hosts', ruleType: 'WRITE', program: '*', file: '/etc/hosts', action: 'DENY', inactive: true },
  ],
  ...extra,
});

describe('RuntimePolicy', () => {
  it('creates → {id} (24 hex); details carry the summary and camelCase rules with ids and syscallGroup; ISO times', async () => {
    const c = await api.post(BASE, policy('rt-create'));
    expect(c.status).toBe(200);
    expect(Object.keys(c.json)).toEqual(['id']);
    expect(c.json.id).toMatch(/^[0-9a-f]{24}$/);
    const d = (await api.get(`${BASE}/${c.json.id}`)).json;
    expect(d).toMatchObject({ id: c.json.id, name: 'rt-create', policyMode: 'ACTIVE', defaultFileAction: 'DENY', ignoredSyscalls: ['ptrace'] });
    expect(d.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(d.rules).toHaveLength(2);
    expect(d.rules[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'no-ssh-in',
      ruleType: 'NETWORK_INBOUND',
      action: 'DENY',
      program: '*',
      file: '',
      ipAddress: '*',
      port: 22,
      syscall: '',
      syscallGroup: '',
      arg1: '',
      arg2: '',
      arg3: '',
      inactive: false,
    });
    expect(d.rules[1]).toMatchObject({ ruleType: 'WRITE', file: '/etc/hosts', port: 0, inactive: true });
  });

  it('lists a bare array of summaries (no data wrapper, no count)', async () => {
    const r = await api.get(`${BASE}?pageNumber=1&pageSize=50`);
    expect(Array.isArray(r.json)).toBe(true);
    const item = r.json.find((p: any) => p.name === 'rt-create');
    expect(Object.keys(item)).toEqual(['id', 'name', 'created', 'updated', 'description', 'policyMode']);
  });

  it('filters with filter=name:X — case-sensitive contains', async () => {
    await api.post(BASE, policy('Deny Write Static Website Files'));
    await api.post(BASE, policy('Deny cat command access to /etc/passwd file'));
    await api.post(BASE, policy('allow deny lowercase'));
    const q = (f: string) => api.get(`${BASE}?pageNumber=1&pageSize=50&filter=${encodeURIComponent(f)}`);
    expect((await q('name:Deny')).json.map((p: any) => p.name).sort()).toEqual(['Deny Write Static Website Files', 'Deny cat command access to /etc/passwd file']);
    expect((await q('name:deny')).json.map((p: any) => p.name)).toEqual(['allow deny lowercase']);
    expect((await q('name:"cat command"')).json).toHaveLength(1);
    expect((await q('name:nothing-like-this')).json).toEqual([]);
    expect((await q('garbage')).status).toBe(400);
  });

  it('pages the bare array: 7 policies at pageSize 3', async () => {
    const local = await startApi();
    try {
      for (let i = 0; i < 7; i++) await local.post(BASE, policy(`p${i}`));
      const sizes = [];
      // 7 + the system Default Policy
      for (let n = 1; n <= 4; n++) sizes.push((await local.get(`${BASE}?pageNumber=${n}&pageSize=3`)).json.length);
      expect(sizes).toEqual([3, 3, 2, 0]);
    } finally {
      await local.close();
    }
  });

  it('updates: PUT → {id}; rule ids kept when sent back, updated moves, created stays', async () => {
    let now = Date.UTC(2025, 0, 1);
    const local = await startApi({ clock: () => now });
    try {
      const c = await local.post(BASE, policy('rt-update'));
      const before = (await local.get(`${BASE}/${c.json.id}`)).json;
      now += 60_000;
      const rules = [{ ...before.rules[0], port: 2222 }, { name: 'new-rule', ruleType: 'SYSCALL', syscall: 'ptrace', action: 'DENY' }];
      const u = await local.put(`${BASE}/${c.json.id}`, { ...policy('rt-update', { policyMode: 'PERMISSIVE' }), rules });
      expect(u.status).toBe(200);
      expect(u.json).toEqual({ id: c.json.id });
      const after = (await local.get(`${BASE}/${c.json.id}`)).json;
      expect(after.policyMode).toBe('PERMISSIVE');
      expect(after.rules[0].id).toBe(before.rules[0].id);
      expect(after.rules[0].port).toBe(2222);
      expect(after.rules[1].id).toMatch(/^[0-9a-f]{24}$/);
      expect(after.created).toBe(before.created);
      expect(after.updated).toBe(new Date(now).toISOString());
    } finally {
      await local.close();
    }
  });

  it('a PUT replaces the policy with its body: omitted fields are cleared, a rule keeps the id it carries', async () => {
    const local = await startApi();
    try {
      const c = await local.post(BASE, policy('rt-replace', { rules: [{ name: 'sys', ruleType: 'SYSCALL', syscall: 'ptrace', syscallGroup: 'debug', action: 'DENY' }] }));
      const before = (await local.get(`${BASE}/${c.json.id}`)).json;
      expect(before.rules[0].syscallGroup).toBe('debug');
      const givenId = 'aaaaaaaaaaaaaaaaaaaaaaaa';
      const u = await local.put(`${BASE}/${c.json.id}`, { name: 'rt-replace', rules: [{ ...before.rules[0], id: givenId }, { ...before.rules[0], id: undefined, name: 'sys2' }] });
      expect(u.status).toBe(200);
      const raw = local.sim.raw('runtimePolicies', c.json.id)!;
      expect(Object.keys(raw).sort()).toEqual(['created', 'id', 'name', 'rules', 'updated']);
      const rules = raw['rules'] as any[];
      expect(rules[0]).toMatchObject({ id: givenId, syscallGroup: 'debug' });
      expect(rules[1].id).toMatch(/^[0-9a-f]{24}$/);
      expect(rules[1].id).not.toBe(givenId);
      const dup = await local.put(`${BASE}/${c.json.id}`, { name: 'rt-replace', rules: [rules[0], rules[0]] });
      expect(dup.status).toBe(400);
      expect(dup.json.message).toMatch(/used by another rule/);
    } finally {
      await local.close();
    }
  });

  it('holds the system Default Policy (zero creation date), which can be neither changed nor deleted', async () => {
    const list = (await api.get(`${BASE}?pageNumber=1&pageSize=250`)).json;
    const def = list.find((p: any) => p.name === 'Default Policy');
    expect(def).toEqual({ id: '5f9bc49314c4e000019db314', name: 'Default Policy', created: '0001-01-01T00:00:00Z', updated: expect.any(String), description: 'Default group policy', policyMode: 'ACTIVE' });
    const put = await api.put(`${BASE}/${def.id}`, { name: 'Default Policy', description: 'mine now' });
    expect(put.status).toBe(400);
    expect(put.json.message).toMatch(/belongs to the system/);
    expect((await api.del(`${BASE}/${def.id}`)).status).toBe(400);
    expect((await api.get(`${BASE}/${def.id}`)).json.description).toBe('Default group policy');
    expect((await api.post(BASE, { name: 'Default Policy' })).status).toBe(400);
  });

  it('accepts the v1.2 PascalCase rules of the notes (RuleType "network inbound", Port 0, "" fields)', async () => {
    const rules = ['rule-network_inbound', 'rule-network_outbound', 'rule-read', 'rule-write'].map((f) => sample(`runtime-policy/${f}.v1.2.json`));
    const c = await api.post(BASE, { Name: 'rt-v12', Description: 'from the 1.7 notes', Mode: 0, Rules: rules });
    expect(c.status).toBe(200);
    const d = (await api.get(`${BASE}/${c.json.id}`)).json;
    expect(d.policyMode).toBe('ACTIVE');
    expect(d.rules.map((r: any) => [r.ruleType, r.action, r.port])).toEqual([
      ['NETWORK_INBOUND', 'DENY', 22],
      ['NETWORK_OUTBOUND', 'DENY', 22],
      ['READ', 'DENY', 0],
      ['WRITE', 'DENY', 0],
    ]);
    // a create assigns new rule ids; SyscallGroup is kept
    expect(d.rules[0].id).toMatch(/^[0-9a-f]{24}$/);
    expect(d.rules[0].id).not.toBe(rules[0].ID);
    expect(d.rules.every((r: any) => r.syscallGroup === '')).toBe(true);
  });

  it('refuses unknown ruleType, bad action, port on a file rule, wrong types, missing name and duplicates with 400', async () => {
    const bad = async (b: unknown, re: RegExp) => {
      const r = await api.post(BASE, b);
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(re);
    };
    await bad(policy('x1', { rules: [{ name: 'r', ruleType: 'EXECUTE', action: 'DENY' }] }), /rules\[0\]\.ruleType must be one of/);
    await bad(policy('x2', { rules: [{ name: 'r', ruleType: 'READ', file: '/etc/hosts', action: 'BLOCK' }] }), /action must be one of ALLOW, DENY/);
    await bad(policy('x2b', { rules: [{ name: 'r', ruleType: 'NETWORK_OUTBOUND', port: 53, action: 'DENY' }] }), /ipAddress is required/);
    await bad(policy('x2c', { rules: [{ name: 'r', ruleType: 'WRITE', action: 'DENY' }] }), /file is required/);
    await bad(policy('x2d', { rules: [{ name: 'r', ruleType: 'SYSCALL', action: 'DENY' }] }), /syscall is required/);
    await bad(policy('x2e', { rules: [{ name: 'r', ruleType: 'READ', file: '/x', syscall: 'open', action: 'DENY' }] }), /syscall is only allowed on SYSCALL/);
    await bad(policy('x2f', { rules: [{ name: 'r', ruleType: 'NETWORK_INBOUND', ipAddress: '*', file: '/x', action: 'DENY' }] }), /file is only allowed on READ and WRITE/);
    await bad(policy('x3', { rules: [{ name: 'r', ruleType: 'READ', file: '/x', port: 80 }] }), /port is only allowed/);
    await bad(policy('x4', { rules: [{ name: 'r', ruleType: 'NETWORK_INBOUND', port: 'ssh' }] }), /port must be an integer/);
    await bad(policy('x5', { policyMode: 'SOMETIMES' }), /policyMode must be one of ACTIVE, INACTIVE, PERMISSIVE/);
    await bad(policy('x6', { ignoredSyscalls: 'ptrace' }), /ignoredSyscalls must be an array/);
    await bad({ description: 'no name' }, /name is required/);
    await bad(policy('rt-create'), /already exists/);
  });

  it('refuses to delete a policy in use (409), deletes otherwise (200, no body), 404 after', async () => {
    const c = await api.post(BASE, policy('rt-in-use'));
    api.sim.setRuntimePolicyInUse(c.json.id, true);
    const refused = await api.del(`${BASE}/${c.json.id}`);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ errorCode: '409 CONFLICT', message: expect.stringMatching(/in use|associated/) });
    api.sim.setRuntimePolicyInUse(c.json.id, false);
    const ok = await api.del(`${BASE}/${c.json.id}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    expect((await api.get(`${BASE}/${c.json.id}`)).status).toBe(404);
    expect((await api.put(`${BASE}/5e171bef853047000151408e`, policy('nope'))).status).toBe(404);
  });

  it('marks policies in use from the seed', async () => {
    const id = '5e171bef853047000151408e';
    const local = await startApi({ seed: { runtimePolicies: [{ id, name: 'seeded', policyMode: 'ACTIVE' }], runtimePoliciesInUse: [id] } });
    try {
      expect((await local.del(`${BASE}/${id}`)).status).toBe(409);
      expect((await local.get(`${BASE}/${id}`)).json.name).toBe('seeded');
    } finally {
      await local.close();
    }
  });

  it('also serves the v1.2 path with the PascalCase list (Mode an integer)', async () => {
    const r = await api.get('/v1.2/runtime/policies?pageNumber=1&pageSize=3');
    expect(r.status).toBe(200);
    expect(Object.keys(r.json[0])).toEqual(['ID', 'Name', 'DateCreated', 'DateUpdated', 'Description', 'Mode']);
    expect(r.json[0].Mode).toBe(0);
    expect(r.json.find((p: any) => p.Name === 'Default Policy')).toMatchObject({ ID: '5f9bc49314c4e000019db314', DateCreated: '0001-01-01T00:00:00Z', Description: 'Default group policy' });
  });
});
