// SensorProfile — /v1.3/sensorProfile (registry sensor profiles).
// Quirks handled here: list summaries lack description and registries (details read per item); requests use
// `associatedRegistryIds`/`associatedSensorIds`, details answer `associatedRegistries`/`associatedSensors`;
// the Default profile (id of zeros, created by System, profileType null) is protected.
import type { CheckIssue, Kind } from './types.js';
import { type Obj, arr, compact, idSet, isBlank, optString, pick } from './coerce.js';
import { collection } from './collection.js';
import { nameAgrees, unlessEmpty, unlessEmptyText } from './spec.js';

const PATH = '/v1.3/sensorProfile';
const ZERO_ID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

export interface SensorProfileSpec {
  description?: string;
  profileType?: string;
  associatedRegistryIds?: string[];
  associatedSensorIds?: string[];
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
  };
}

function idOf(live: SensorProfileLive): string {
  return optString(pick(live, 'profileId', 'profileUuid', 'uuid', 'id')) ?? '';
}

const rest = collection(PATH, { idOf, createdIdKeys: ['profileUuid', 'profileId', 'uuid', 'id'], what: 'create sensor profile' });

function body(name: string, desired: Obj): Obj {
  return {
    profileName: name,
    description: desired.description ?? '',
    profileType: desired.profileType ?? 'Registry',
    associatedRegistryIds: arr(desired.associatedRegistryIds),
    associatedSensorIds: arr(desired.associatedSensorIds),
  };
}

const FIELDS = ['description', 'profileType', 'associatedRegistryIds', 'associatedSensorIds'] as const;

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
  detailFields: ['description', 'associatedRegistryIds', 'associatedSensorIds'],
  wire: { associatedRegistryIds: ['associatedRegistryIds', 'associatedRegistries'], associatedSensorIds: ['associatedSensorIds', 'associatedSensors'] },

  get: rest.get,

  idOf,
  nameOf: (live) => optString(live.profileName) ?? '',

  canonical: (spec) => canonicalOf(spec as Obj),
  canonicalLive: (live) => canonicalOf(live),
  fields: FIELDS,
  // The details' names of the two lists (sensor-profile/get.response.json).
  aliases: { associatedRegistries: 'associatedRegistryIds', associatedSensors: 'associatedSensorIds' },

  create: (api, name, desired) => rest.create(api, body(name, desired)),

  update: (api, live, name, desired) => rest.update(api, live, body(name, desired)),

  remove: rest.remove,

  isProtected(live) {
    if (ZERO_ID.test(idOf(live))) return true;
    return live.profileName === 'Default' && live.createdBy === 'System';
  },

  toSpec(live) {
    const c = canonicalOf(live);
    const regs = c.associatedRegistryIds as string[];
    const sens = c.associatedSensorIds as string[];
    return compact({
      description: unlessEmptyText(c.description),
      profileType: c.profileType === 'Registry' ? undefined : (c.profileType as string),
      associatedRegistryIds: unlessEmpty(regs),
      associatedSensorIds: unlessEmpty(sens),
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
