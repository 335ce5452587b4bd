// SensorProfile's registries and sensors by name (issue 27; imported only by sensor-profile.ts): the plan resolves
// `associatedRegistries: [name or registryUri]` against the declared and live registries, and
// `associatedSensors: [hostname]` against the sensors a profile may use (`/sensorProfile/associate`) and those its
// live object holds; both sides are then compared as names (canonical `associatedRegistries`, `associatedSensors`;
// a resolved spec holds them as `associatedRegistryNames`, `associatedSensorHostnames`), and a write turns the names into ids when it is made, so a registry created
// earlier in the same apply is found. A registry may also name its profile (`spec.sensorProfile`): the profile then
// includes it.
import type { ApiClient } from '../api/types.js';
import { QcsError } from '../errors.js';
import { suggest } from '../declarations/messages.js';
import { arr, isObj, optString, sortedSet, type Obj } from './coerce.js';
import type { CheckIssue, RefContext } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uri = (v: unknown) => optString(v)?.trim().replace(/\/+$/, '').toLowerCase();

/** How a registry reads in a profile compared by name: its name, else its URI, else its id. */
function registryLabel(r: Obj): string {
  return optString(r.registryName) ?? optString(r.registryUri)?.trim().replace(/\/+$/, '') ?? optString(r.registryUuid) ?? '';
}

function sensorLabel(s: Obj): string {
  return optString(s.hostname) ?? optString(s.uuid) ?? '';
}

/** The name forms of a profile's lists (canonical `associatedRegistries`, `associatedSensors`): a resolved spec's
 * (`associatedRegistryNames`, `associatedSensorHostnames`), or a live object's whose listings described its
 * registries and sensors (objects, not bare ids). Empty when neither. */
export function byName(o: Obj): Obj {
  const out: Obj = {};
  if (Array.isArray(o.associatedRegistryNames)) out.associatedRegistries = sortedSet(o.associatedRegistryNames.map(String), (s) => s);
  else if (Array.isArray(o.associatedRegistries) && o.associatedRegistries.some(isObj)) {
    out.associatedRegistries = sortedSet(o.associatedRegistries.map((r) => (isObj(r) ? registryLabel(r) : String(r))), (s) => s);
  }
  if (Array.isArray(o.associatedSensorHostnames)) out.associatedSensors = sortedSet(o.associatedSensorHostnames.map(String), (s) => s);
  else if (Array.isArray(o.associatedSensors) && o.associatedSensors.some(isObj)) {
    out.associatedSensors = sortedSet(o.associatedSensors.map((s) => (isObj(s) ? sensorLabel(s) : String(s))), (s) => s);
  }
  return out;
}

interface Known {
  id?: string;
  label: string;
  names: string[];
}

function registryPool(ctx: RefContext): Known[] {
  const out: Known[] = [];
  const seen = new Set<string>();
  const add = (id: string | undefined, name: string | undefined, u: string | undefined) => {
    const key = id ?? `name:${name}`;
    if (seen.has(key) || (id === undefined && name !== undefined && out.some((k) => k.names.includes(name)))) return;
    seen.add(key);
    out.push({ id, label: name ?? u ?? id ?? '', names: [name, u, id].filter((x): x is string => !!x) });
  };
  for (const r of ctx.live('Registry')) if (isObj(r)) add(optString(r.registryUuid), optString(r.registryName), optString(r.registryUri)?.trim().replace(/\/+$/, ''));
  for (const p of ctx.live('SensorProfile')) {
    if (!isObj(p)) continue;
    for (const r of arr(p.associatedRegistries)) if (isObj(r)) add(optString(r.registryUuid), optString(r.registryName), optString(r.registryUri)?.trim().replace(/\/+$/, ''));
  }
  for (const d of ctx.declared('Registry')) add(undefined, d.name, optString(d.spec.registryUri)?.trim().replace(/\/+$/, ''));
  return out;
}

function sensorPool(ctx: RefContext): Known[] | undefined {
  const listed = ctx.lookup?.('sensors');
  if (listed === undefined) return undefined;
  const out = new Map<string, Known>();
  const add = (s: Obj) => {
    const id = optString(s.uuid);
    if (id && !out.has(id)) out.set(id, { id, label: sensorLabel(s), names: [optString(s.hostname), id].filter((x): x is string => !!x) });
  };
  for (const s of listed) if (isObj(s)) add(s);
  for (const p of ctx.live('SensorProfile')) if (isObj(p)) for (const s of arr(p.associatedSensors)) if (isObj(s)) add(s);
  return [...out.values()];
}

/** One declared entry against the known objects: its label, or an issue (unknown with did-you-mean; ambiguous). */
function match(entry: string, pool: Known[], what: string, byUri: boolean): { label: string } | { message: string } {
  const e = entry.trim();
  const hits = pool.filter((k) => k.names.some((n) => n === e || (byUri && uri(n) === uri(e))));
  if (hits.length === 1) return { label: hits[0]!.label };
  if (hits.length > 1) return { message: `'${e}' matches ${hits.length} ${what}s: ${hits.map((h) => `${h.label}${h.id ? ` (id ${h.id})` : ''}`).join(' and ')}; name one by its id` };
  const guess = suggest(e, [...new Set(pool.flatMap((k) => k.names.filter((n) => !UUID.test(n))))]);
  return { message: `no ${what} is ${byUri ? 'named, or has the URI,' : 'named'} '${e}'${what === 'registry' ? ' (declared or in Qualys)' : ' (among the sensors a profile may use)'}${guess ? ` — did you mean '${guess}'?` : ''}` };
}

/** Plan time: a profile's registries and sensors by name resolved to the names both sides compare. */
export function resolveProfileRefs(spec: Obj, ctx: RefContext, name: string): { spec: Obj; issues: CheckIssue[] } {
  const issues: CheckIssue[] = [];
  const out: Obj = { ...spec };
  const regs = arr(spec.associatedRegistries).map(String);
  // registries that name this profile from their side (Registry spec.sensorProfile)
  const fromRegistries = ctx.declared('Registry').filter((d) => d.spec.sensorProfile === name).map((d) => d.name);
  const byNames = regs.some((r) => !UUID.test(r)) || (fromRegistries.length > 0 && spec.associatedRegistryIds === undefined);
  if (byNames) {
    const pool = registryPool(ctx);
    const labels: string[] = [];
    regs.forEach((r, i) => {
      const m = match(r, pool, 'registry', true);
      if ('label' in m) labels.push(m.label);
      else issues.push({ path: ['associatedRegistries', i], message: m.message });
    });
    delete out.associatedRegistries;
    out.associatedRegistryNames = [...labels, ...fromRegistries];
  } else if (fromRegistries.length > 0) {
    issues.push({ path: ['associatedRegistryIds'], message: `registries ${fromRegistries.join(', ')} name this profile (spec.sensorProfile): list the registries by name (associatedRegistries) to have them added` });
  }
  // the same relation declared on both sides with different answers
  for (const d of ctx.declared('Registry')) {
    const other = optString(d.spec.sensorProfile);
    if (other === undefined || other === name) continue;
    const i = regs.findIndex((r) => r === d.name || uri(r) === uri(d.spec.registryUri));
    if (i >= 0) issues.push({ path: ['associatedRegistries', i], message: `registry '${d.name}' says its sensor profile is '${other}' (spec.sensorProfile), not '${name}': a registry has one profile; keep one answer` });
  }
  const sens = arr(spec.associatedSensors).map(String);
  if (sens.some((s) => !UUID.test(s))) {
    const pool = sensorPool(ctx);
    if (pool) {
      const labels: string[] = [];
      sens.forEach((s, i) => {
        const m = match(s, pool, 'sensor', false);
        if ('label' in m) labels.push(m.label);
        else issues.push({ path: ['associatedSensors', i], message: m.message });
      });
      delete out.associatedSensors;
      out.associatedSensorHostnames = labels;
    }
  }
  return { spec: out, issues };
}

/** A write's body lists: the names made ids, looked up in what the live profile holds, then (read once, only when
 * needed) in the registry list and the sensors a profile may use — a registry created earlier in the same apply is
 * found there. Ids the write already carries (the names are not managed) are kept. */
export async function labelsToIds(api: ApiClient, desired: Obj, live?: Obj): Promise<Obj> {
  const out: Obj = { ...desired };
  const ids = async (labels: unknown, held: Obj[], label: (o: Obj) => string, idKey: string, fetch: () => Promise<Obj[]>, what: string): Promise<string[]> => {
    let all: Obj[] | undefined;
    const result: string[] = [];
    for (const raw of arr(labels)) {
      const l = String(raw);
      let hit = held.find((o) => label(o) === l || optString(o[idKey]) === l);
      if (!hit) {
        all ??= (await fetch()).filter(isObj);
        hit = all.find((o) => label(o) === l || optString(o[idKey]) === l);
      }
      const id = hit ? optString(hit[idKey]) : undefined;
      if (id === undefined) throw new QcsError('E_GONE', `the ${what} '${l}' a sensor profile names does not exist (any more)`, { hint: 'Run plan again: it shows what exists.' });
      result.push(id);
    }
    return result;
  };
  if (Array.isArray(desired.associatedRegistries) && desired.associatedRegistryIds === undefined) {
    out.associatedRegistryIds = await ids(desired.associatedRegistries, arr(live?.associatedRegistries).filter(isObj), registryLabel, 'registryUuid', () => api.list<Obj>('/v1.3/registry'), 'registry');
  }
  if (Array.isArray(desired.associatedSensors) && desired.associatedSensorIds === undefined) {
    out.associatedSensorIds = await ids(desired.associatedSensors, arr(live?.associatedSensors).filter(isObj), sensorLabel, 'uuid', () => api.list<Obj>('/v1.3/sensorProfile/associate'), 'sensor');
  }
  return out;
}
