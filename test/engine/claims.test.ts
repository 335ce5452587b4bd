// One sensor profile a registry (001_…: "You can assign only one sensor profile to each registry"): two declarations
// claiming one registry are refused at both lines; a declared profile claiming a registry an undeclared live profile
// holds is planned with a warning naming the profile it moves from (issue 30, item 6).
import { describe, expect, it } from 'vitest';
import { validateText } from '../../src/declarations/validate.js';
import { makePlan } from '../../src/engine/plan.js';
import { sensorProfile } from '../../src/kinds/sensor-profile.js';
import type { Declaration } from '../../src/types.js';
import { FakeApi } from '../kinds/helpers.js';

const R1 = '1ec46398-23be-40fc-8cde-8b4bd916d5fa';
const R2 = 'fe88284c-5fb3-4bc7-b2a0-33208e8d7d41';
const S1 = '3a00f41d-8bb8-41d2-b2c2-54ed50131082';
const P = '/v1.3/sensorProfile';

const doc = (name: string, registries: string[]) => `apiVersion: qcs-gitops/v1
kind: SensorProfile
metadata: { name: ${name} }
spec:
  associatedRegistryIds:
${registries.map((r) => `    - ${r}`).join('\n')}
  associatedSensorIds: [${S1}]
`;

describe('one profile a registry', () => {
  it('two declarations claiming one registry: an error at both lines, and neither is planned', () => {
    const r = validateText('p.yaml', `${doc('north', [R2, R1])}---\n${doc('south', [R1])}`);
    expect(r.declarations).toEqual([]);
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.message}`)).toEqual([
      expect.stringMatching(new RegExp(`^7:7 error registry ${R1} is claimed by SensorProfile 'north' and by 'south' \\(p.yaml:15:7\\)`)),
      expect.stringMatching(new RegExp(`^15:7 error registry ${R1} is claimed by SensorProfile 'south' and by 'north' \\(p.yaml:7:7\\)`)),
    ]);
  });

  function api(): FakeApi {
    // the documented list items: no registries (the details carry them)
    const item = (id: string, name: string) => ({ profileId: id, profileName: name, profileType: 'Registry', associatedSensorsCount: 1, createdBy: 'u', created: '1', updatedBy: 'u', updated: '1' });
    const north = item('8aee8879-d536-4efd-b23d-41dcb77a4a32', 'north');
    const south = item('789214bc-d21b-4a26-94a2-2f48ddd4df52', 'south');
    return new FakeApi(
      {
        [`GET ${P}/${north.profileId}`]: { ...north, description: '', associatedRegistries: [R1], associatedSensors: [S1] },
        [`GET ${P}/${south.profileId}`]: { ...south, description: '', associatedRegistries: [R2], associatedSensors: [S1] },
      },
      { [P]: [north, south] },
    );
  }
  const decl = (name: string, registries: string[]): Declaration => {
    const pos = { file: 'p.yaml', line: 1, column: 1 };
    return { apiVersion: 'qcs-gitops/v1', kind: 'SensorProfile', name, spec: { associatedRegistryIds: registries, associatedSensorIds: [S1] }, source: pos, positionOf: () => pos };
  };

  it('a declared profile taking a registry an undeclared profile holds: planned, with a warning naming that profile', async () => {
    const a = api();
    const { plan } = await makePlan(a, [sensorProfile], [decl('south', [R2, R1])]);
    expect(plan.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['update south']);
    expect(plan.notes.filter((n) => n.startsWith('warning'))).toEqual([expect.stringMatching(new RegExp(`^warning: SensorProfile/south claims registry ${R1}, which the undeclared SensorProfile 'north' holds: applying moves it from 'north' to 'south'`))]);
    // the undeclared profile was read in detail to find the holder
    expect(a.calls.filter((c) => c.method === 'GET').map((c) => c.path).sort()).toEqual([`${P}/789214bc-d21b-4a26-94a2-2f48ddd4df52`, `${P}/8aee8879-d536-4efd-b23d-41dcb77a4a32`]);
  });

  it('every claim already held: no note, and no undeclared profile read in detail (the minimum of calls)', async () => {
    const a = api();
    const { plan } = await makePlan(a, [sensorProfile], [decl('south', [R2])]);
    expect(plan.notes.filter((n) => n.startsWith('warning'))).toEqual([]);
    expect(a.calls.filter((c) => c.method === 'GET').map((c) => c.path)).toEqual([`${P}/789214bc-d21b-4a26-94a2-2f48ddd4df52`]);
  });
});
