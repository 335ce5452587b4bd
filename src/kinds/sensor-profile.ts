// SensorProfile — /v1.3/sensorProfile (registry sensor profiles).
// Quirks handled here: list summaries lack description and registries (details read per item); requests use
// `associatedRegistryIds`/`associatedSensorIds`, details answer `associatedRegistries`/`associatedSensors`;
// the Default profile (id of zeros, created by System, profileType null) is protected.
import type { CheckIssue, Kind } from './types.js';
import { type Obj, arr, compact, idSet, isBlank, isObj, optString, pick } from './coerce.js';
import { collection } from './collection.js';
import { nameAgrees, unlessEmpty, unlessEmptyText } from './spec.js';
import { asWritten, carried, changedKeys } from './carry.js';
import { ApiError } from '../errors.js';
import type { ApiClient } from '../api/types.js';
import { seg } from './requests.js';
import { byName, labelsToIds, resolveProfileRefs } from './sensor-profile-names.js';

const PATH = '/v1.3/sensorProfile';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_ID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

export interface SensorProfileSpec {
  description?: string;
  profileType?: string;
  associatedRegistryIds?: string[];
  associatedSensorIds?: string[];
  /** Registries by name or registryUri (or id), resolved at plan time. */
  associatedRegistries?: string[];
  /** Sensors by hostname (or id), resolved at plan time. */
  associatedSensors?: string[];
}

export type SensorProfileLive = Obj;

const REGISTRY_ID_KEYS = ['registryUuid', 'registryId', 'uuid', 'id'];
const SENSOR_ID_KEYS = ['sensorUuid', 'uuid', 'id', 'sensorId'];

function registries(o: Obj): string[] {
  return idSet(pick(o, 'associatedRegistryIds', 'associatedRegistries'), REGISTRY_ID_KEYS);
}

function sensors(o: Obj): string[] {
  return idSet(pick(o, 'associatedSensorIds', 'associatedSensors'), SENSOR_ID_KEYS);
}

/** `Registry` is the only profile type; the Default profile reads back `null`. */
function profileType(v: unknown): string {
  const s = optString(v);
  if (s === undefined || s.toLowerCase() === 'registry') return 'Registry';
  return s;
}

function canonicalOf(o: Obj): Record<string, unknown> {
  return {
    description: optString(o.description) ?? '',
    profileType: profileType(o.profileType),
    associatedRegistryIds: registries(o),
    associatedSensorIds: sensors(o),
    ...byName(o),
  };
}

function idOf(live: SensorProfileLive): string {
  return optString(pick(live, 'profileId', 'profileUuid', 'uuid', 'id')) ?? '';
}

const rest = collection(PATH, { idOf, createdIdKeys: ['profileUuid', 'profileId', 'uuid', 'id'], what: 'create sensor profile' });

const FIELDS = ['description', 'profileType', 'associatedRegistryIds', 'associatedSensorIds'] as const;

/** Server-managed fields of a live profile (ids, authorship, times, counts: sensor-profile/get.response.json):
 * never sent back. The details' `associatedRegistries`/`associatedSensors` go back under the request names. */
const SERVER_FIELDS = ['profileId', 'profileUuid', 'uuid', 'id', 'createdBy', 'created', 'updatedBy', 'updated', 'associatedSensorsCount', 'associatedRegistriesCount', 'associatedRegistries', 'associatedSensors'];

/** A managed key's value on the wire, as written. */
function wireValue(k: string, desired: Obj, spec: Obj): unknown {
  if (k === 'description') return typeof spec.description === 'string' ? spec.description : desired.description;
  if (k === 'profileType') return asWritten(spec.profileType, desired.profileType, profileType);
  return arr(desired[k]);
}

/** The create body: the name, the declared fields, and `profileType` ("(Required) … Only "Registry" profile type
 * is supported", 001_…) as `Registry` when not declared. */
function createBody(name: string, desired: Obj, spec: Obj): Obj {
  const out: Obj = { profileName: name };
  for (const k of FIELDS) if (desired[k] !== undefined) out[k] = wireValue(k, desired, spec);
  out.profileType ??= 'Registry';
  return out;
}

/** The update body: the live details (keys no kind knows included), its two lists under the request names, with
 * each field the declaration changes replaced, as written. */
function updateBody(live: Obj, name: string, desired: Obj, spec: Obj): Obj {
  const out: Obj = { profileName: name, ...carried(live, [...SERVER_FIELDS, 'profileName']) };
  const have = canonicalOf(live);
  if (pick(live, 'associatedRegistryIds', 'associatedRegistries') !== undefined) out.associatedRegistryIds = have.associatedRegistryIds;
  if (pick(live, 'associatedSensorIds', 'associatedSensors') !== undefined) out.associatedSensorIds = have.associatedSensorIds;
  for (const k of changedKeys(FIELDS, desired, have)) out[k] = wireValue(k, desired, spec);
  return out;
}

/** The details, with the registries and the sensors as their listings describe them (names, URIs, hostnames), so a
 * declaration by name compares with them; a listing that cannot be read leaves the ids as they are. */
async function getNamed(api: ApiClient, id: string): Promise<Obj | undefined> {
  const d = await rest.get(api, id);
  if (!d) return d;
  const listing = async (sub: string): Promise<Obj[] | undefined> => {
    try {
      return (await api.list<Obj>(`${PATH}/${seg(id)}/${sub}`)).filter(isObj);
    } catch (e) {
      if (e instanceof ApiError) return undefined;
      throw e;
    }
  };
  const [regs, sens] = await Promise.all([listing('registry'), listing('sensor')]);
  const out: Obj = { ...d };
  if (regs && Array.isArray(d.associatedRegistries)) {
    const by = new Map(regs.map((r) => [optString(r.registryUuid) ?? '', r]));
    out.associatedRegistries = d.associatedRegistries.map((r) => {
      const info = typeof r === 'string' ? by.get(r) : undefined;
      return info ? compact({ registryUuid: r, registryName: optString(info.registryName), registryUri: optString(info.registryUri) }) : r;
    });
  }
  if (sens && Array.isArray(d.associatedSensors)) {
    const by = new Map(sens.map((x) => [optString(x.uuid) ?? '', x]));
    out.associatedSensors = d.associatedSensors.map((x) => {
      const info = typeof x === 'string' ? by.get(x) : undefined;
      return info ? compact({ uuid: x, hostname: optString(info.hostname) }) : x;
    });
  }
  return out;
}

/** The canonical keys: the id lists, or the same lists by name (one of the two forms a declaration). */
const KEYS = [...FIELDS, 'associatedRegistries', 'associatedSensors'] as const;

export const sensorProfile: Kind<SensorProfileSpec, SensorProfileLive> = {
  kind: 'SensorProfile',
  schemaFile: 'sensor-profile.schema.json',
  folder: 'sensor-profiles',
  // a profile names registries: they are created first (and deleted after it)
  dependsOn: ['Registry'],
  can: { create: true, update: true, delete: true },

  // Summaries have no description and no registries: the engine reads the details of the profiles that need
  // them, keeping the listed identity (the documented details sample answers another id than the one asked).
  list: rest.list,
  merge: (s, d) => ({ ...s, ...d, profileId: idOf(s) || idOf(d), profileName: s.profileName ?? d.profileName }),
  // The documented list items carry profileId, profileName, profileType and counts (no description, no lists).
  detailFields: ['description', 'associatedRegistryIds', 'associatedSensorIds', 'associatedRegistries', 'associatedSensors'],
  wire: {
    associatedRegistryIds: ['associatedRegistryIds', 'associatedRegistries'],
    associatedSensorIds: ['associatedSensorIds', 'associatedSensors'],
    associatedRegistries: ['associatedRegistries'],
    associatedSensors: ['associatedSensors'],
  },

  get: getNamed,
  sameAs: { associatedRegistries: 'associatedRegistryIds', associatedSensors: 'associatedSensorIds' },
  // registries and sensors by name (associatedRegistries: [name or registryUri], associatedSensors: [hostname])
  refersTo: ['Registry'],
  resolve: (spec, ctx, name) => resolveProfileRefs(spec as Obj, ctx, name) as { spec: SensorProfileSpec; issues: CheckIssue[] },
  async lookup(api, specs): Promise<Record<string, unknown[]>> {
    // the sensors a profile may use, read only when a declaration names a sensor by hostname
    if (!specs.some((sp) => arr(sp.associatedSensors).some((x) => typeof x === 'string' && !UUID.test(x)))) return {};
    return { sensors: (await api.list<Obj>(`${PATH}/associate`)).filter(isObj) };
  },

  idOf,
  nameOf: (live) => optString(live.profileName) ?? '',

  canonical: (spec) => canonicalOf(spec as Obj),
  canonicalLive: (live) => canonicalOf(live),
  fields: KEYS,
  setFields: ['associatedRegistryIds', 'associatedSensorIds'],
  // 001_…: "You can assign only one sensor profile to each registry".
  claims: { field: 'associatedRegistryIds', what: 'registry' },
  // The details' names of the two lists (sensor-profile/get.response.json).
  aliases: { associatedRegistries: 'associatedRegistryIds', associatedSensors: 'associatedSensorIds', associatedRegistryNames: 'associatedRegistries', associatedSensorHostnames: 'associatedSensors' },

  // registries and sensors declared by name are made ids when the write is made (registries created earlier in the
  // same apply included), then written as declared
  create: async (api, name, desired, written) => rest.create(api, createBody(name, await labelsToIds(api, desired), written?.spec ?? desired)),

  update: async (api, live, name, desired, written) => rest.update(api, live, updateBody(live, name, await labelsToIds(api, desired, live), written?.spec ?? desired)),

  remove: rest.remove,

  isProtected(live) {
    if (ZERO_ID.test(idOf(live))) return true;
    return live.profileName === 'Default' && live.createdBy === 'System';
  },

  toSpec(live) {
    const c = canonicalOf(live);
    const regs = c.associatedRegistryIds as string[];
    const sens = c.associatedSensorIds as string[];
    // names where every entry has one and no two share it (the listings described them), else the ids
    const names = c.associatedRegistries as string[] | undefined;
    const hosts = c.associatedSensors as string[] | undefined;
    const regNames = names && names.length === regs.length && !names.some((n) => regs.includes(n)) ? names : undefined;
    const sensNames = hosts && hosts.length === sens.length && !hosts.some((n) => sens.includes(n)) ? hosts : undefined;
    return compact({
      description: unlessEmptyText(c.description),
      profileType: c.profileType === 'Registry' ? undefined : (c.profileType as string),
      ...(regNames ? { associatedRegistries: unlessEmpty(regNames) } : { associatedRegistryIds: unlessEmpty(regs) }),
      ...(sensNames ? { associatedSensors: unlessEmpty(sensNames) } : { associatedSensorIds: unlessEmpty(sens) }),
    }) as SensorProfileSpec;
  },

  check(spec, name) {
    const issues: CheckIssue[] = [];
    const o = spec as Obj;
    // 1.17 notes: "associatedRegistryIds (Required) Add one or more registries to this profile", and the same
    // words for associatedSensorIds.
    for (const [key, alias, what] of [
      ['associatedRegistryIds', 'associatedRegistries', 'registries (the registries the profile\'s sensors scan)'],
      ['associatedSensorIds', 'associatedSensors', 'sensors (the sensors that scan the profile\'s registries)'],
    ] as const) {
      const given = o[key] !== undefined && o[key] !== null ? key : o[alias] !== undefined && o[alias] !== null ? alias : undefined;
      if (given === undefined) {
        issues.push({ path: [], message: `missing required field '${key}': a sensor profile needs one or more ${what}` });
      } else if (arr(o[given]).every(isBlank)) {
        issues.push({ path: [given], message: `${given} is empty: a sensor profile needs one or more ${what} ("(Required) Add one or more …", CS 1.17 notes)` });
      }
      if (given === key && o[alias] !== undefined && o[alias] !== null) {
        issues.push({ path: [alias], message: `${key} and ${alias} are two names of one list; keep ${key}` });
      }
    }
    issues.push(...nameAgrees(spec, 'profileName', name, "the profile's"));
    return issues;
  },
};
