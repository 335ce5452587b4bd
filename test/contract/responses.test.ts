// Contract: every documented response, seeded as the live account exactly as printed, exports to declarations
// that validate and plan no change.
import { describe, expect, it } from 'vitest';
import type { SeedAccount } from '../../src/simulator/index.js';
import { useSimulator } from '../helpers/suite.js';
import { changesOf, exportAccount, plan, removeDir, sample, validate, yamlFiles } from './helpers.js';

interface Case {
  title: string;
  seed: SeedAccount;
  /** Exported files expected (beyond any others), relative to the export folder. */
  exports: number;
  exportArgs?: string[];
}

const cases: Case[] = [
  { title: 'centralized-policy/get.response.json', seed: { centralizedPolicies: [sample('centralized-policy/get.response.json')] }, exports: 1 },
  { title: 'exception/get.response.json', seed: { exceptions: [sample('exception/get.response.json')] }, exports: 1 },
  // the details sample is the Default profile (system): exported only with --include-system
  { title: 'sensor-profile/get.response.json (--include-system)', seed: { sensorProfiles: [sample('sensor-profile/get.response.json')] }, exports: 1, exportArgs: ['--include-system', '--kind', 'SensorProfile'] },
  // A list item is a summary (no registries, no sensors: the client reads each profile's details). A profile made
  // as the 1.17 notes require ("(Required) Add one or more registries … sensors") has both, so the seed completes
  // North's details with the create sample's ids; its summary fields stay as printed.
  {
    title: 'sensor-profile/list.response.json',
    seed: {
      sensorProfiles: sample('sensor-profile/list.response.json').data.map((p: Record<string, unknown>) =>
        p.profileName === 'North' ? { ...p, associatedRegistries: sample('sensor-profile/create.request.json').associatedRegistryIds, associatedSensors: sample('sensor-profile/create.request.json').associatedSensorIds.slice(0, 1) } : p,
      ),
    },
    exports: 1,
  },
  { title: 'runtime-policy/list.v1.3.response.json', seed: { runtimePolicies: sample('runtime-policy/list.v1.3.response.json') }, exports: 2 },
  { title: 'secret-rule/list.response.json', seed: { secretRules: sample('secret-rule/list.response.json').data }, exports: 1 },
  { title: 'secret-rule/get.response.json', seed: { secretRules: [sample('secret-rule/get.response.json')] }, exports: 1 },
];

describe('contract: documented responses as live state', () => {
  const sim = useSimulator();

  for (const c of cases) {
    it(`${c.title}: export, then plan shows no change`, async () => {
      sim.reset(c.seed);
      const { dir, result } = await exportAccount(sim, c.exportArgs ?? []);
      try {
        expect(result.code, result.stdout + result.stderr).toBe(0);
        expect(yamlFiles(dir).length, `exported files: ${yamlFiles(dir).join(', ')}`).toBeGreaterThanOrEqual(c.exports);
        const v = await validate(dir);
        expect(v.code, v.stdout + v.stderr).toBe(0);
        const { plan: p, result: r } = await plan(sim, dir);
        expect(r.code, r.stderr).toBe(0);
        expect(changesOf(p)).toEqual([]);
        expect(p.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
      } finally {
        removeDir(dir);
      }
    });
  }
});
