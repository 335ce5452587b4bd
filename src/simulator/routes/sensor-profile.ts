// SensorProfile — /csapi/v1.3/sensorProfile: list, details, create, update, delete, and the
// /{id}/registry, /{id}/sensor and /associate listings.
import type { Account } from '../account.js';
import { badRequest, notFound } from '../errors.js';
import { byMethod, deleted, requireUniqueName } from './crud.js';
import { uuid, ZERO_UUID } from '../ids.js';
import { listPage, parsePage, slicePage } from '../pagination.js';
import { hash32 } from '../prng.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import { eachSeed, SEED_USER, SeedError, uniqueName } from '../seeding.js';
import type { Json, SeedAccount } from '../types.js';
import { asObject, oneOf, optString, optStringArray, reqString } from '../validate.js';

export function defaultSensorProfile(): Json {
  return {
    profileId: ZERO_UUID,
    profileName: 'Default',
    profileType: null,
    description: 'Initial Profile',
    createdBy: 'System',
    created: '1657601138783',
    updatedBy: null,
    updated: '1657601138783',
    // The details sample (GET /sensorProfile/d96b936c-…, answered by the Default profile) shows 2 sensors and 4 registries.
    associatedSensors: ['b17cdd54-64ff-4b37-b83e-6dcfa3ea5ba9', '6e651384-7412-4e7e-ae4f-fbf045bacb25'],
    associatedRegistries: ['6e92f810-1182-4ffd-8c14-3191f84ed333', '3f3539a8-7994-45f6-81e2-12581be2c9a1', 'd67dac61-7be2-40a2-8145-346c9e322181', 'f78162f6-54c9-4b29-a04e-3518a1d6e211'],
  };
}

/**
 * The stored form from a request body (or a seed entry when `seed` is true): what is sent, nothing filled in (a
 * PUT replaces the object with its body). A create needs non-empty associatedRegistryIds and associatedSensorIds
 * (1.17: "(Required) Add one or more registries/sensors"). `createdBy`/`updatedBy` in a request are ignored.
 */
export function normalizeSensorProfile(body: unknown, seed = false, create = false): Json {
  const o = asObject(body);
  const out: Json = { profileName: reqString(o, 'profileName') };
  if (o['profileType'] !== undefined && o['profileType'] !== null) out['profileType'] = oneOf(optString(o, 'profileType', ''), ['Registry'], 'profileType');
  else if (seed && o['profileType'] === null) out['profileType'] = null;
  if (o['description'] !== undefined && o['description'] !== null) out['description'] = optString(o, 'description', '');
  const ids = (request: string, stored: string, what: string): string[] => {
    const key = o[request] !== undefined ? request : stored;
    const list = [...new Set(optStringArray(o, key))];
    if (create && list.length === 0) throw badRequest(`${request} is required: add one or more ${what} to the profile`);
    return list;
  };
  out['associatedSensors'] = ids('associatedSensorIds', 'associatedSensors', 'sensors');
  out['associatedRegistries'] = ids('associatedRegistryIds', 'associatedRegistries', 'registries');
  if (seed) for (const k of ['profileId', 'createdBy', 'created', 'updatedBy', 'updated'] as const) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function sensorProfileDetails(p: Json): Json {
  const sensors = p['associatedSensors'] as string[];
  const registries = p['associatedRegistries'] as string[];
  const out: Json = {
    profileId: p['profileId'],
    profileName: p['profileName'],
    profileType: p['profileType'],
    description: p['description'],
    createdBy: p['createdBy'],
    created: p['created'],
    updatedBy: p['updatedBy'],
    updated: p['updated'],
    associatedSensorsCount: sensors.length,
    associatedRegistriesCount: registries.length,
    associatedSensors: [...sensors],
    associatedRegistries: [...registries],
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

function summary(p: Json): Json {
  return {
    profileId: p['profileId'],
    profileName: p['profileName'],
    profileType: p['profileType'],
    associatedSensorsCount: (p['associatedSensors'] as string[]).length,
    createdBy: p['createdBy'],
    created: p['created'],
    updatedBy: p['updatedBy'] ?? p['createdBy'],
    updated: p['updated'],
  };
}

/** One profile per registry, the Default profile included (001: "You can assign only one sensor profile to each
 * registry"): a profile claiming a registry another profile holds takes it — the registry moves, as the notes say
 * of an assignment from the registry side ("the profile will be updated to include the new registry"); the notes
 * never say a second claim is refused (assumed). The profiles it leaves are updated (`updated`, `updatedBy`). */
function moveRegistries(account: Account, registries: string[], user: string, now: string, selfId?: string): void {
  for (const [id, p] of account.objects('SensorProfile')) {
    if (id === selfId) continue;
    const held = p['associatedRegistries'] as string[];
    if (!registries.some((r) => held.includes(r))) continue;
    p['associatedRegistries'] = held.filter((r) => !registries.includes(r));
    p['updated'] = now;
    p['updatedBy'] = user;
  }
}

function hex(seed: string, n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += hash32(`${seed}/${i}`).toString(16).padStart(8, '0');
  return out.slice(0, n);
}

function registryInfo(account: Account, id: string): Json {
  return {
    registryUuid: id,
    registryName: `registry-${id.slice(0, 8)}`,
    registryUri: 'https://registry-1.docker.io',
    registryType: 'DockerHub',
    totalImages: hash32(id) % 50,
    lastScanned: '1657868777405',
    ...structuredClone(registries(account).get(id) ?? {}),
    // a registry the account holds (the Registry route) is described as it is
    ...pickRegistry(account.objects('Registry').get(id)),
  };
}

function pickRegistry(r: Json | undefined): Json {
  if (!r) return {};
  const out: Json = {};
  for (const k of ['registryUuid', 'registryName', 'registryUri', 'registryType', 'totalImages', 'lastScanned']) if (r[k] !== undefined && r[k] !== null) out[k] = r[k];
  return out;
}

/** A sensor as the listings show it: what the seed says about it, completed with plausible values. */
function sensorInfo(account: Account, id: string): Json {
  const sha = hex(id, 64);
  const imageSha = hex(`${id}/image`, 64);
  const h = hash32(id);
  const ip = `10.82.${h % 250}.${(h >>> 8) % 250}`;
  const mac = hex(`${id}/mac`, 12).match(/../g)!.join(':');
  const version = '1.16.0-0';
  return {
    uuid: id,
    activationUuid: uuidFrom(`${id}/activation`),
    hostname: `ip-${ip.replace(/\./g, '-')}`,
    customerUuid: '46fa2878-32d7-75af-82de-e624b224d693',
    dockerVersion: '20.10.12',
    ipv4: ip,
    os: 'Ubuntu 20.04.4 LTS',
    ipv6: `fe80::${hex(`${id}/v6`, 4)}:${hex(`${id}/v6b`, 4)}`,
    sensorVersion: version,
    platform: 'LINUX_SENSOR',
    lastCheckedIn: '1657871603302',
    label: [
      { key: 'name', value: 'Qualys Sensor Image' },
      { key: 'vendor', value: 'Qualys, Inc' },
      { key: 'VersionInfo', value: `Qualys Sensor Version ${version}` },
      { key: 'maintainer', value: 'DevOps <devops@qualys.com>' },
    ],
    privileged: 'false',
    macAddress: mac,
    vulnSigVersion: null,
    hostUuid: uuidFrom(`${id}/host`),
    configurationProfile: null,
    status: 'Provisioned',
    registry: 'docker.io',
    sha,
    sensorId: sha.slice(0, 12),
    name: 'qualys-container-sensor',
    created: '1657793184000',
    imageId: imageSha.slice(0, 12),
    imageSha,
    binaryVersion: null,
    containerIpv4: null,
    containerIpv6: null,
    containerMacAddress: '',
    sensorType: 'REGISTRY',
    containerRuntime: 'DOCKER',
    containerRuntimeVersion: '20.10.12',
    architecture: 'x86_64',
    ...structuredClone(sensors(account).get(id) ?? {}),
  };
}

function uuidFrom(seed: string): string {
  const x = hex(seed, 32);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

function handle(ctx: RouteCtx): RouteResult {
  const { account } = ctx;
  const map = account.objects('SensorProfile');
  const [id, sub, extra] = ctx.rest;
  const now = String(ctx.now);
  if (extra !== undefined) throw notFound('No such path under sensorProfile');
  if (id === undefined) {
    return byMethod(ctx, 'sensorProfile', {
      GET: () => {
        const { page, count } = listPage([...map.values()].map(summary), ctx.query, ctx.pageSizeCap, 'profileName');
        return { status: 200, body: { data: page, count, groups: {} } };
      },
      POST: () => {
        const p = normalizeSensorProfile(ctx.body, false, true);
        requireUniqueName(map, 'profileName', p, 'A sensor profile');
        moveRegistries(account, p['associatedRegistries'] as string[], ctx.user, now);
        const rec = { profileId: uuid(), ...p, createdBy: ctx.user, created: now, updatedBy: ctx.user, updated: now };
        map.set(rec.profileId, rec);
        return { status: 200, body: { profileUuid: rec.profileId }, created: true, mutated: true };
      },
    });
  }
  if (id === 'associate' && sub === undefined) {
    return byMethod(ctx, 'sensorProfile/associate', {
      GET: () => {
        const used = new Set<string>();
        for (const [pid, p] of map) if (pid !== ZERO_UUID) for (const s of p['associatedSensors'] as string[]) used.add(s);
        const free = [...sensors(account).keys()].filter((s) => !used.has(s));
        return { status: 200, body: { content: slicePage(free, parsePage(ctx.query, ctx.pageSizeCap)).map((s) => sensorInfo(account, s)) } };
      },
    });
  }
  const cur = map.get(id);
  if (!cur) throw notFound(`Sensor profile ${id} not found`);
  if (sub !== undefined) return byMethod(ctx, `sensorProfile/{id}/${sub}`, { GET: () => associations(ctx, cur, sub) });
  const system = () => {
    if (id === ZERO_UUID) throw badRequest(`The Default sensor profile belongs to the system and cannot be ${ctx.method === 'PUT' ? 'changed' : 'deleted'}`);
  };
  return byMethod(ctx, 'sensorProfile/{id}', {
    GET: () => ({ status: 200, body: sensorProfileDetails(cur) }),
    PUT: () => {
      system();
      const p = normalizeSensorProfile(ctx.body);
      requireUniqueName(map, 'profileName', p, 'A sensor profile', id);
      moveRegistries(account, p['associatedRegistries'] as string[], ctx.user, now, id);
      map.set(id, { profileId: id, ...p, createdBy: cur['createdBy'], created: cur['created'], updatedBy: ctx.user, updated: now });
      return { status: 200, body: { profileUuid: id }, mutated: true };
    },
    DELETE: () => {
      system();
      return deleted(map, id);
    },
  });
}

/** GET sensorProfile/{id}/registry and /sensor: a profile's registries, or its sensors, a page of them. */
function associations(ctx: RouteCtx, cur: Json, sub: string): RouteResult {
  const { account } = ctx;
  const page = parsePage(ctx.query, ctx.pageSizeCap);
  if (sub === 'registry') {
    const all = (cur['associatedRegistries'] as string[]).map((r) => registryInfo(account, r));
    return { status: 200, body: { data: slicePage(all, page), count: all.length, groups: {} } };
  }
  if (sub === 'sensor') {
    const all = (cur['associatedSensors'] as string[]).map((s) => sensorInfo(account, s));
    return { status: 200, body: { content: slicePage(all, page) } };
  }
  throw notFound(`No such path: sensorProfile/{id}/${sub}`);
}

export const sensorProfileRoutes: KindRoutes = {
  kind: 'SensorProfile',
  permission: 'SENSOR_PROFILE',
  bases: [['v1.3', 'sensorProfile']],
  handle,
  seedKeys: ['sensorProfiles', 'registries', 'sensors'],
  seed,
  dump,
};

// ---- registries, sensors, seed and dump --------------------------------------------------------------

/** Registries known to the account (listings only; unknown ids are described generically). */
function registries(account: Account): Map<string, Json> {
  return account.state('registries', () => new Map<string, Json>());
}

/** Sensors known to the account (listings only). */
function sensors(account: Account): Map<string, Json> {
  return account.state('sensors', () => new Map<string, Json>());
}

function seed(account: Account, s: SeedAccount, now: number): void {
  const map = account.objects('SensorProfile');
  const ms = String(now);
  map.set(ZERO_UUID, defaultSensorProfile());
  eachSeed(s, 'sensorProfiles', (o) => {
    const p = normalizeSensorProfile(o, true);
    const rec: Json = { profileId: uuid(), createdBy: SEED_USER, created: ms, updatedBy: SEED_USER, updated: ms, ...p };
    uniqueName(map, 'profileName', rec, rec['profileId'] as string, 'sensorProfiles');
    map.set(rec['profileId'] as string, rec);
  });
  eachSeed(s, 'registries', (o) => {
    if (typeof o['registryUuid'] !== 'string') throw new SeedError('registryUuid is required');
    registries(account).set(o['registryUuid'], structuredClone(o));
  });
  eachSeed(s, 'sensors', (o) => {
    if (typeof o['uuid'] !== 'string') throw new SeedError('uuid is required');
    sensors(account).set(o['uuid'], structuredClone(o));
  });
}

function dump(account: Account): SeedAccount {
  const out: SeedAccount = { sensorProfiles: [...account.objects('SensorProfile').values()].map(sensorProfileDetails) };
  if (registries(account).size > 0) out.registries = [...registries(account).values()].map((x) => structuredClone(x));
  if (sensors(account).size > 0) out.sensors = [...sensors(account).values()].map((x) => structuredClone(x));
  return out;
}
