// Seed files and --state: the account survives a restart; writes are atomic.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import { startApi } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qcs-sim-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLE_SEED = fileURLToPath(new URL('../../examples/simulator/seed.json', import.meta.url));

describe('persistence', () => {
  it('keeps the account across restarts with statePath (created, updated and secret-rule changes)', async () => {
    const statePath = join(dir, 'state.json');
    const a = await startApi({ statePath });
    const c = await a.post('/v1.3/exception', { name: 'persisted', reason: 'RISK_ACCEPTED', scope: 'IMAGE', entityAssignmentType: 'DYNAMIC', dynamicFilter: 'repo.tag:latest', startDate: '1', endDate: '2' });
    const rt = await a.post('/v1.3/runtime/policies', { name: 'rt', rules: [{ name: 'r', ruleType: 'READ', file: '/etc/shadow', action: 'DENY' }] });
    await a.put('/v1.3/secretrule/c6c4165e-c960-11ed-afa1-0242ac120002', { secretRuleStatus: 'Inactive', severity: 'low' });
    const before = a.sim.dump();
    const detailsBefore = (await a.get(`/v1.3/runtime/policies/${rt.json.id}`)).json;
    await a.close();
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toEqual(before);

    const b = await startApi({ statePath, seed: { runtimePolicies: [{ name: 'ignored because state exists' }] } });
    try {
      expect(b.sim.dump()).toEqual(before);
      expect((await b.get(`/v1.3/exception/${c.json.exceptionId}?includeQids=true`)).json.name).toBe('persisted');
      expect((await b.get(`/v1.3/runtime/policies/${rt.json.id}`)).json).toEqual(detailsBefore);
      const rule = (await b.get('/v1.3/secretrule/c6c4165e-c960-11ed-afa1-0242ac120002')).json;
      expect([rule.status, rule.severity]).toEqual(['Inactive', 'LOW']);
      await b.del(`/v1.3/exception/${c.json.exceptionId}`);
      expect(JSON.parse(readFileSync(statePath, 'utf8')).exceptions).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('writes the state file at start from the seed when it does not exist yet', async () => {
    const statePath = join(dir, 'nested', 'state.json');
    const sim = await startSimulator({ statePath, seed: { runtimePolicies: [{ name: 'from-seed' }] } });
    await sim.close();
    expect(JSON.parse(readFileSync(statePath, 'utf8')).runtimePolicies.map((p: any) => p.name)).toEqual(['Default Policy', 'from-seed']);
  });

  it('loads a seed file by path, and refuses an unreadable or invalid one with a clear message', async () => {
    const path = join(dir, 'seed.json');
    writeFileSync(path, JSON.stringify({ sensorProfiles: [{ profileName: 'north', profileType: 'Registry', associatedRegistries: ['r-1'] }] }));
    const sim = await startSimulator({ seed: path });
    try {
      expect(sim.dump().sensorProfiles!.map((p) => p['profileName'])).toEqual(['Default', 'north']);
    } finally {
      await sim.close();
    }
    writeFileSync(path, '{ not json');
    await expect(startSimulator({ seed: path })).rejects.toThrow(/not valid JSON/);
    await expect(startSimulator({ seed: join(dir, 'missing.json') })).rejects.toThrow(/Cannot read the seed file/);
    await expect(startSimulator({ seed: { exceptions: [{ name: 'x' }] } })).rejects.toThrow(/seed\.exceptions\[0\]: startDate is required/);
    await expect(startSimulator({ seed: { runtimePolicies: [{ name: 'a' }, { name: 'a' }] } })).rejects.toThrow(/two objects are named "a"/);
  });

  it('the example seed (examples/simulator/seed.json) loads and round-trips through dump', async () => {
    const sim = await startSimulator({ seed: EXAMPLE_SEED });
    try {
      const d = sim.dump();
      expect(d.centralizedPolicies!.length).toBeGreaterThan(1);
      expect(d.runtimePolicies!.length).toBeGreaterThan(0);
      expect(d.exceptions!.length).toBeGreaterThan(0);
      expect(d.sensorProfiles!.length).toBeGreaterThan(1);
      const again = await startSimulator({ seed: d });
      try {
        expect(again.dump()).toEqual(d);
      } finally {
        await again.close();
      }
    } finally {
      await sim.close();
    }
  });
});
