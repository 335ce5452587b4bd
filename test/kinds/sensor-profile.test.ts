import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sensorProfile as kind, type SensorProfileSpec } from '../../src/kinds/sensor-profile.js';
import { readAll } from '../../src/engine/fetch.js';
import { FakeApi, patch, sample, desired } from './helpers.js';

const P = '/v1.3/sensorProfile';
const NORTH = '8aee8879-d536-4efd-b23d-41dcb77a4a32';

/** The details sample (the Default profile: profileType null, associatedRegistries/associatedSensors ids). */
const matchingDefault: SensorProfileSpec = {
  description: 'Initial Profile',
  associatedRegistryIds: ['f78162f6-54c9-4b29-a04e-3518a1d6e211', '6e92f810-1182-4ffd-8c14-3191f84ed333', 'd67dac61-7be2-40a2-8145-346c9e322181', '3f3539a8-7994-45f6-81e2-12581be2c9a1'],
  associatedSensorIds: ['6e651384-7412-4e7e-ae4f-fbf045bacb25', 'b17cdd54-64ff-4b37-b83e-6dcfa3ea5ba9'],
};

function northDetails(): Record<string, unknown> {
  const [, north] = sample('sensor-profile/list.response.json').data;
  const req = sample('sensor-profile/update.request.json');
  return { ...north, description: req.description, associatedRegistries: req.associatedRegistryIds.map((id: string) => ({ registryUuid: id, registryName: 'r' })), associatedSensors: req.associatedSensorIds, associatedRegistriesCount: 2 };
}

describe('SensorProfile canonical forms', () => {
  it('the details sample equals the matching declaration (profileType null = Registry, ids sorted)', () => {
    expect(kind.canonicalLive(sample('sensor-profile/get.response.json'))).toEqual(kind.canonical({ ...matchingDefault, profileType: 'Registry' }));
    expect(JSON.stringify(kind.canonicalLive(sample('sensor-profile/get.response.json')))).toBe(JSON.stringify(kind.canonical(matchingDefault)));
  });

  it('the create request read back as live equals its declaration; registry objects read as ids', () => {
    const req = sample('sensor-profile/create.request.json');
    const spec: SensorProfileSpec = { description: req.description, associatedRegistryIds: [...req.associatedRegistryIds].reverse(), associatedSensorIds: req.associatedSensorIds };
    expect(kind.canonicalLive(req)).toEqual(kind.canonical(spec));
    // registry objects (as the profile's registry listing describes them) also read as names (issue 27)
    expect(kind.canonicalLive(northDetails())).toEqual({ ...kind.canonical(spec), associatedRegistries: ['r'] });
  });

  it.each([
    ['description', { description: 'x' }, '/description'],
    ['associatedSensorIds', { associatedSensorIds: ['6e651384-7412-4e7e-ae4f-fbf045bacb25'] }, '/associatedSensorIds/1'],
  ])('changing %s yields one op at that field', (_f, change, path) => {
    const ops = patch(kind.canonicalLive(sample('sensor-profile/get.response.json')), kind.canonical({ ...matchingDefault, ...change }));
    expect(ops).toHaveLength(1);
    expect(ops[0]!.path).toBe(path);
  });

  it('toSpec round-trips', () => {
    for (const live of [sample('sensor-profile/get.response.json'), northDetails()]) {
      const { associatedRegistries: _n, ...byId } = kind.canonicalLive(live);
      expect(kind.canonical(kind.toSpec(live))).toEqual(byId);
    }
    expect(kind.toSpec(sample('sensor-profile/get.response.json'))).toEqual({ ...matchingDefault, associatedRegistryIds: [...matchingDefault.associatedRegistryIds!].sort(), associatedSensorIds: [...matchingDefault.associatedSensorIds!].sort() });
  });
});

describe('SensorProfile calls', () => {
  it('list reads details for each summary and keeps the listed id', async () => {
    const list = sample('sensor-profile/list.response.json').data;
    const api = new FakeApi({ [`GET ${P}/00000000-0000-0000-0000-000000000000`]: sample('sensor-profile/get.response.json'), [`GET ${P}/${NORTH}`]: { ...northDetails(), profileId: 'other' } }, { [P]: list });
    const live = (await readAll(api, kind)) as any[];
    expect(live.map(kind.idOf)).toEqual(['00000000-0000-0000-0000-000000000000', NORTH]);
    expect(live.map(kind.nameOf)).toEqual(['Default', 'North']);
    expect(live[1]!.description).toBe('ecprofile desc');
    expect(await kind.get(api, 'nope')).toBeUndefined();
  });

  it('create and update send the documented bodies; remove DELETEs', async () => {
    const api = new FakeApi({
      [`POST ${P}`]: sample('sensor-profile/create.response.json'),
      [`PUT ${P}/789214bc-d21b-4a26-94a2-2f48ddd4df52`]: sample('sensor-profile/update.response.json'),
      [`DELETE ${P}/${NORTH}`]: undefined,
    });
    const req = sample('sensor-profile/create.request.json');
    const spec: SensorProfileSpec = { description: req.description, associatedRegistryIds: req.associatedRegistryIds, associatedSensorIds: req.associatedSensorIds };
    expect(await kind.create(api, 'ecprofile', desired(kind, spec as Record<string, unknown>))).toBe('ed37bef6-5ed3-4464-b6c0-9e2251e567c0');
    const live = { profileId: '789214bc-d21b-4a26-94a2-2f48ddd4df52', profileName: 'ecprofile', profileType: 'Registry', createdBy: 'username', associatedSensorsCount: 2 };
    await kind.update(api, live, 'ecprofileupdate', desired(kind, spec as Record<string, unknown>, live));
    await kind.remove(api, northDetails());
    const { createdBy: _c, updatedBy: _u, ...createBody } = req;
    const { createdBy: _c2, updatedBy: _u2, ...updateBody } = sample('sensor-profile/update.request.json');
    expect(api.writes()).toEqual([
      { method: 'POST', path: P, body: createBody },
      { method: 'PUT', path: `${P}/789214bc-d21b-4a26-94a2-2f48ddd4df52`, body: updateBody },
      { method: 'DELETE', path: `${P}/${NORTH}` },
    ]);
  });

  it('the Default profile is protected', () => {
    const [def, north] = sample('sensor-profile/list.response.json').data;
    expect(kind.isProtected(def)).toBe(true);
    expect(kind.isProtected({ ...def, profileId: 'x' })).toBe(true); // name Default, created by System
    expect(kind.isProtected(north)).toBe(false);
    expect(kind.isProtected({ ...north, profileName: 'Default' })).toBe(false); // a user's profile named Default
  });
});

describe('SensorProfile check', () => {
  it('needs one or more registries and one or more sensors (CS 1.17: "(Required) Add one or more …")', () => {
    expect(kind.check!({ description: 'x' }, 'p').map((i) => i.message)).toEqual([expect.stringMatching(/missing required field 'associatedRegistryIds'/), expect.stringMatching(/missing required field 'associatedSensorIds'/)]);
    expect(kind.check!({ associatedRegistryIds: [], associatedSensorIds: ['s'] }, 'p').map((i) => i.path)).toEqual([['associatedRegistryIds']]);
    expect(kind.check!({ associatedSensorIds: ['s'] }, 'p')).toHaveLength(1);
    expect(kind.check!({ associatedRegistryIds: ['r'], associatedSensorIds: ['s'] }, 'p')).toEqual([]);
    expect(kind.check!({ associatedRegistries: ['r'], associatedSensors: ['s'] } as SensorProfileSpec, 'p')).toEqual([]);
  });
});

const specArb: fc.Arbitrary<SensorProfileSpec> = fc.record(
  {
    description: fc.string({ maxLength: 12 }),
    associatedRegistryIds: fc.uniqueArray(fc.uuid(), { maxLength: 4 }),
    associatedSensorIds: fc.uniqueArray(fc.uuid(), { maxLength: 4 }),
  },
  { requiredKeys: [] },
);

/** As the details GET renders it: ids under associatedRegistries/associatedSensors, counts, epoch strings. */
function liveFrom(spec: SensorProfileSpec): Record<string, unknown> {
  return {
    profileId: NORTH,
    profileName: 'p',
    profileType: 'Registry',
    description: spec.description ?? null,
    createdBy: 'me',
    created: '1657793883813',
    associatedSensorsCount: spec.associatedSensorIds?.length ?? 0,
    associatedRegistriesCount: spec.associatedRegistryIds?.length ?? 0,
    associatedSensors: [...(spec.associatedSensorIds ?? [])].reverse(),
    associatedRegistries: spec.associatedRegistryIds ?? null,
  };
}

describe('SensorProfile properties', () => {
  it('id order does not matter; liveFrom matches; toSpec round-trips', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const rev = { ...spec, associatedRegistryIds: [...(spec.associatedRegistryIds ?? [])].reverse() };
        expect(kind.canonical(rev)).toEqual(kind.canonical(spec));
        const live = liveFrom(spec);
        expect(kind.canonicalLive(live)).toEqual(kind.canonical(spec));
        expect(kind.canonical(kind.toSpec(live))).toEqual(kind.canonical(spec));
      }),
    );
  });
});
