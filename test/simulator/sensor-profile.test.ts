// SensorProfile contract row: list, details, create, update, delete; the Default profile; one profile per registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, startApi, type Api } from './helpers.js';

const BASE = '/v1.3/sensorProfile';
const ZERO = '00000000-0000-0000-0000-000000000000';
let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const uuidN = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
let nextRegistry = 1000;
/** A profile body; by default with a registry of its own (one profile per registry) and one sensor. */
const body = (name: string, registries: string[] = [uuidN(nextRegistry++)], sensors: string[] = [uuidN(99)]) => ({
  profileName: name,
  description: `${name} desc`,
  profileType: 'Registry',
  associatedRegistryIds: registries,
  associatedSensorIds: sensors,
});

describe('SensorProfile', () => {
  it('has the Default profile (zeros, System) which can be neither changed nor deleted', async () => {
    const d = (await api.get(`${BASE}/${ZERO}`)).json;
    expect(d).toMatchObject({ profileId: ZERO, profileName: 'Default', profileType: null, createdBy: 'System', updatedBy: null });
    // it holds the registries and sensors of the details sample
    const s = sample('sensor-profile/get.response.json');
    expect([d.associatedRegistries, d.associatedSensors, d.associatedRegistriesCount, d.associatedSensorsCount]).toEqual([s.associatedRegistries, s.associatedSensors, 4, 2]);
    const item = (await api.get(`${BASE}?pageNumber=1&pageSize=50`)).json.data.find((p: any) => p.profileId === ZERO);
    expect(item.updatedBy).toBe('System');
    const put = await api.put(`${BASE}/${ZERO}`, body('Default'));
    expect(put.status).toBe(400);
    expect(put.json.message).toMatch(/Default/);
    expect((await api.del(`${BASE}/${ZERO}`)).status).toBe(400);
  });

  it('creates from the sample → {profileUuid}; details carry ids and counts; createdBy is the caller, not the body', async () => {
    const c = await api.post(BASE, sample('sensor-profile/create.request.json'));
    expect(c.status).toBe(200);
    expect(Object.keys(c.json)).toEqual(['profileUuid']);
    const d = (await api.get(`${BASE}/${c.json.profileUuid}`)).json;
    expect(d).toMatchObject({
      profileId: c.json.profileUuid,
      profileName: 'ecprofile',
      description: 'ecprofile desc',
      profileType: 'Registry',
      createdBy: 'qcs-demo',
      associatedRegistriesCount: 2,
      associatedSensorsCount: 2,
      associatedRegistries: ['1ec46398-23be-40fc-8cde-8b4bd916d5fa', 'fe88284c-5fb3-4bc7-b2a0-33208e8d7d41'],
    });
    expect(d.created).toMatch(/^\d{13}$/);
  });

  it('lists {data, count, groups} of summaries without description or registries', async () => {
    const r = (await api.get(`${BASE}?pageNumber=1&pageSize=50&sort=created%3Adesc`)).json;
    expect(r.groups).toEqual({});
    expect(r.count).toBe(r.data.length);
    for (const p of r.data) {
      expect(Object.keys(p)).toEqual(['profileId', 'profileName', 'profileType', 'associatedSensorsCount', 'createdBy', 'created', 'updatedBy', 'updated']);
    }
  });

  it('updates: PUT → {profileUuid}; one profile per registry: a claimed registry moves from its holder (assumed, no 400)', async () => {
    const regs = async (id: string) => (await api.get(`${BASE}/${id}`)).json.associatedRegistries as string[];
    const a = await api.post(BASE, body('sp-a', [uuidN(1), uuidN(2)]));
    const b = await api.post(BASE, body('sp-b', [uuidN(3)]));
    const c = await api.post(BASE, body('sp-c', [uuidN(2)]));
    expect(c.status).toBe(200);
    expect(await regs(a.json.profileUuid)).toEqual([uuidN(1)]);
    expect(await regs(c.json.profileUuid)).toEqual([uuidN(2)]);
    expect((await api.put(`${BASE}/${b.json.profileUuid}`, body('sp-b', [uuidN(3), uuidN(1)]))).status).toBe(200);
    expect(await regs(a.json.profileUuid)).toEqual([]);
    const u = await api.put(`${BASE}/${a.json.profileUuid}`, body('sp-a-renamed', [uuidN(1)], [uuidN(9)]));
    expect(u.json).toEqual({ profileUuid: a.json.profileUuid });
    const d = (await api.get(`${BASE}/${a.json.profileUuid}`)).json;
    expect([d.profileName, d.associatedRegistries, d.associatedSensorsCount]).toEqual(['sp-a-renamed', [uuidN(1)], 1]);
    expect(await regs(b.json.profileUuid)).toEqual([uuidN(3)]);
    // the Default profile's registries move too
    const held = sample('sensor-profile/get.response.json').associatedRegistries[0];
    const defaultId = '00000000-0000-0000-0000-000000000000';
    expect(await regs(defaultId)).toContain(held);
    expect((await api.post(BASE, body('sp-d', [held]))).status).toBe(200);
    expect(await regs(defaultId)).not.toContain(held);
  });

  it('a create needs registries and sensors; an update does not, and replaces the profile with its body', async () => {
    for (const [b, re] of [
      [body('sp-n1', []), /associatedRegistryIds is required/],
      [body('sp-n2', [uuidN(50)], []), /associatedSensorIds is required/],
      [{ profileName: 'sp-n3', associatedSensorIds: [uuidN(99)] }, /associatedRegistryIds is required/],
    ] as const) {
      const r = await api.post(BASE, b);
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(re);
    }
    const c = await api.post(BASE, body('sp-replace'));
    const before = api.sim.raw('sensorProfiles', c.json.profileUuid)!;
    const u = await api.put(`${BASE}/${c.json.profileUuid}`, { profileName: 'sp-replace', createdBy: 'username', updatedBy: 'username' });
    expect(u.status).toBe(200);
    expect(api.sim.raw('sensorProfiles', c.json.profileUuid)).toEqual({
      profileId: c.json.profileUuid,
      profileName: 'sp-replace',
      associatedSensors: [],
      associatedRegistries: [],
      createdBy: before['createdBy'],
      created: before['created'],
      updatedBy: 'qcs-demo',
      updated: expect.any(String),
    });
  });

  it('refuses bad bodies: missing name, a profileType other than Registry, wrong types, duplicates', async () => {
    const bad = async (b: unknown, re: RegExp) => {
      const r = await api.post(BASE, b);
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(re);
    };
    await bad({ description: 'x' }, /profileName is required/);
    await bad({ ...body('sp-t'), profileType: 'Cluster' }, /profileType must be one of Registry/);
    await bad({ ...body('sp-t'), associatedRegistryIds: 'abc' }, /associatedRegistryIds must be an array/);
    await bad({ ...body('sp-t'), associatedSensorIds: [1] }, /associatedSensorIds\[0\]/);
    await bad(body('Default'), /already exists/);
  });

  it('serves the /{id}/registry, /{id}/sensor and /associate listings', async () => {
    const local = await startApi({
      seed: {
        registries: [{ registryUuid: uuidN(1), registryName: 'reg1', registryUri: 'https://registry-1.docker.io', registryType: 'DockerHub', totalImages: 10, lastScanned: '1657868777405' }],
        sensors: [{ uuid: uuidN(7), hostname: 'ip-10-82-11-73' }, { uuid: uuidN(8) }],
      },
    });
    try {
      const c = await local.post(BASE, body('sp-list', [uuidN(1), uuidN(2)], [uuidN(7)]));
      const regs = (await local.get(`${BASE}/${c.json.profileUuid}/registry`)).json;
      expect(regs.count).toBe(2);
      expect(regs.data[0]).toMatchObject({ registryUuid: uuidN(1), registryName: 'reg1', totalImages: 10 });
      expect(regs.data[1].registryUuid).toBe(uuidN(2));
      const sensors = (await local.get(`${BASE}/${c.json.profileUuid}/sensor`)).json;
      expect(sensors.content.map((s: any) => [s.uuid, s.hostname])).toEqual([[uuidN(7), 'ip-10-82-11-73']]);
      expect(sensors.content[0].privileged).toBe('false');
      const free = (await local.get(`${BASE}/associate`)).json;
      expect(free.content.map((s: any) => s.uuid)).toEqual([uuidN(8)]);
      expect((await local.get(`${BASE}/${c.json.profileUuid}/nothing`)).status).toBe(404);
    } finally {
      await local.close();
    }
  });

  it('deletes (200, no body) then 404', async () => {
    const c = await api.post(BASE, body('sp-del'));
    const d = await api.del(`${BASE}/${c.json.profileUuid}`);
    expect([d.status, d.text]).toEqual([200, '']);
    expect((await api.get(`${BASE}/${c.json.profileUuid}`)).status).toBe(404);
  });

  it('pages: Default + 6 profiles at pageSize 3', async () => {
    const local = await startApi();
    try {
      for (let i = 0; i < 6; i++) await local.post(BASE, body(`page-${i}`));
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
