// Reading the live state: summaries first, details on demand. A kind's `list` answers what the API's list
// answers, and a list item is a summary: a field absent from it is *unknown*, not unset (GUIDE). The engine
// reads an object's details only when its item lacks a field that is needed: for a plan, a field the object's
// declaration manages; for an export, any field of the kind. Undeclared objects are never read in detail (a
// prune deletes by id). Which fields an item carries is decided per object and per field, by absence: a field
// counts as carried when the item has it under one of its names (`wire`), for every kind, so a gateway whose
// lists carry everything costs no detail call. An update is always built on the object's details read in the
// same run (engine/apply.ts: `isDetailed`).
import type { ApiClient } from '../api/types.js';
import type { Kind } from '../kinds/types.js';
import type { Declaration } from '../types.js';
import { declaredKeys } from './desired.js';
import { mapLimit } from './util.js';

type Obj = Record<string, unknown>;

/** Detail reads in flight per kind (the client bounds the total). */
const DETAIL_PARALLELISM = 16;

/** True when the live item carries the data of canonical key `key`: it has the key under one of its wire names
 * (absent = unknown, whatever the kind). */
export function carries(kind: Kind, item: unknown, key: string): boolean {
  const o = item as Obj;
  return (kind.wire?.[key] ?? [key]).some((k) => o[k] !== undefined);
}

/** True when the item carries every one of `keys`. */
export function carriesAll(kind: Kind, item: unknown, keys: Iterable<string>): boolean {
  for (const k of keys) if (!carries(kind, item, k)) return false;
  return true;
}

/** The keys of the kind's canonical form (those an export needs). */
function detailFields(kind: Kind): readonly string[] {
  return kind.fields ?? kind.detailFields ?? [];
}

/** The live objects read by id in this process (a detail GET), as opposed to list items (summaries). */
const DETAILED = new WeakSet<object>();

/** True when `obj` is an object's details read in this run (an update can be built on it). */
export function isDetailed(obj: unknown): boolean {
  return typeof obj === 'object' && obj !== null && DETAILED.has(obj);
}

/** The item completed with its details; undefined when it no longer exists. */
export async function withDetails(api: ApiClient, kind: Kind, item: unknown): Promise<unknown> {
  const details = await kind.get(api, kind.idOf(item));
  if (details === undefined) return undefined;
  const out = kind.merge ? kind.merge(item, details) : { ...(item as Obj), ...(details as Obj) };
  if (typeof out === 'object' && out !== null) DETAILED.add(out);
  return out;
}

/** An object's details by id (a detail GET), marked as read in detail; undefined when it does not exist. */
export async function detailsById(api: ApiClient, kind: Kind, id: string): Promise<unknown> {
  const details = await kind.get(api, id);
  if (typeof details === 'object' && details !== null) DETAILED.add(details);
  return details;
}

/** Completes, in place, the items `needs` says lack something; items gone meanwhile are dropped. */
async function complete(api: ApiClient, kind: Kind, items: unknown[], needs: (item: unknown) => boolean): Promise<unknown[]> {
  const todo = items.map((it, i) => ({ it, i })).filter(({ it }) => needs(it));
  if (todo.length === 0) return items; // nothing to read: the very list (a page tap's index of it holds)
  const read = await mapLimit(todo, DETAIL_PARALLELISM, ({ it }) => withDetails(api, kind, it));
  const out = [...items];
  const gone = new Set<number>();
  todo.forEach(({ i }, n) => {
    const r = read[n]!;
    const v = r.started ? r.value : undefined;
    if (v === undefined) gone.add(i);
    else out[i] = v;
  });
  return out.filter((_, i) => !gone.has(i));
}

/** Every live object of the kind with every field (export, and whoever needs whole objects). */
export async function readAll(api: ApiClient, kind: Kind): Promise<unknown[]> {
  const items = await kind.list(api);
  const fields = detailFields(kind);
  return complete(api, kind, items, (it) => !carriesAll(kind, it, fields));
}

/** Live objects by name (several may share one) and by id. */
export interface Index {
  byName: Map<string, unknown[]>;
  byId: Map<string, unknown>;
}

export function indexLive(kind: Kind, live: readonly unknown[]): Index {
  const byName = new Map<string, unknown[]>();
  const byId = new Map<string, unknown>();
  for (const obj of live) {
    const name = kind.nameOf(obj);
    const list = byName.get(name);
    if (list) list.push(obj);
    else byName.set(name, [obj]);
    byId.set(kind.idOf(obj), obj);
  }
  return { byName, byId };
}

/** A view of `api` whose lists also tell `onItems` each page's items as the page arrives. */
function tappingPages(api: ApiClient, onItems: (items: unknown[]) => void): ApiClient {
  return {
    gateway: api.gateway,
    request: (method, path, options) => api.request(method, path, options),
    list: (path, options = {}) =>
      api.list(path, {
        ...options,
        onPage: (items) => {
          options.onPage?.(items);
          onItems(items);
        },
      }),
    resolvePath: (candidates) => api.resolvePath(candidates),
    get stats() {
      return api.stats;
    },
    ...(api.forKind ? { forKind: (label: string) => tappingPages(api.forKind!(label), onItems) } : {}),
    close: () => api.close(),
  };
}

/** Who follows a list as its pages arrive (a plan starting its work meanwhile, engine/plan-kind.ts). */
export interface PageTap {
  onItems(items: unknown[]): void;
  /** The index of the whole list, when the tap made it from the very items told. */
  indexOf?(items: readonly unknown[]): Index | undefined;
  /** True when the tap found that `item` carries every field `decl` manages. */
  viewedFor?(item: unknown, decl: Declaration): boolean;
}

/** The live objects of a kind as a plan needs them: summaries, with details for the declared objects whose
 * summary lacks a field their declaration manages. `tap` is told the list's items page by page as they arrive. */
export async function readForPlan(api: ApiClient, kind: Kind, decls: readonly Declaration[], tap?: PageTap, renames?: ReadonlyArray<{ kind: string; from: string; to: string }>): Promise<unknown[]> {
  const items = await kind.list(tap ? tappingPages(api, (page) => tap.onItems(page)) : api);
  if (decls.length === 0) return items;
  const { byName, byId } = tap?.indexOf?.(items) ?? indexLive(kind, items);
  const wanted = new Map<unknown, Set<string>>();
  // a declaration renamed since the base (--base) is planned on the live object of its old name
  const renamedFrom = new Map((renames ?? []).filter((r) => r.kind === kind.kind).map((r) => [r.to, r.from]));
  for (const d of decls) {
    const spec = d.spec as Obj;
    const pinned = kind.declaredId?.(spec);
    const byItsName = byName.get(d.name) ?? [];
    const from = byItsName.length === 0 ? renamedFrom.get(d.name) : undefined;
    const candidates = pinned !== undefined ? [byId.get(pinned)].filter((x) => x !== undefined) : from !== undefined ? (byName.get(from) ?? []) : byItsName;
    if (candidates.length !== 1) continue; // none (a create) or ambiguous (refused): no details needed
    if (tap?.viewedFor?.(candidates[0], d)) continue; // it carries every field the declaration manages
    const keys = declaredKeys(kind, spec);
    wanted.set(candidates[0], keys);
  }
  const read = await complete(api, kind, items, (it) => {
    const keys = wanted.get(it);
    return keys !== undefined && !carriesAll(kind, it, keys);
  });
  return kind.claims ? readClaimHolders(api, kind, decls, read) : read;
}

/** The values of a kind's `claims` field a declaration claims that its own live object does not hold yet. */
export function newClaims(kind: Kind, spec: Obj, own: unknown): string[] {
  const field = kind.claims?.field;
  if (field === undefined || !declaredKeys(kind, spec).has(field)) return [];
  const want = (kind.canonical(spec)[field] as unknown[] | undefined) ?? [];
  const held = own === undefined ? [] : ((kind.canonicalLive(own)[field] as unknown[] | undefined) ?? []);
  return want.filter((v): v is string => typeof v === 'string' && !held.includes(v));
}

/** When a declaration claims a value its own object does not hold (a registry a sensor profile takes), the
 * undeclared objects are read in detail where their items lack the field, so the plan can name the one the value
 * moves from. Nothing is read when every claim is already held (an unchanged account: the minimum of calls). */
async function readClaimHolders(api: ApiClient, kind: Kind, decls: readonly Declaration[], items: unknown[]): Promise<unknown[]> {
  const { byName, byId } = indexLive(kind, items);
  const declared = new Set<unknown>();
  let moves = false;
  for (const d of decls) {
    const pinned = kind.declaredId?.(d.spec as Obj);
    const candidates = pinned !== undefined ? [byId.get(pinned)].filter((x) => x !== undefined) : (byName.get(d.name) ?? []);
    for (const c of candidates) declared.add(c);
    if (newClaims(kind, d.spec as Obj, candidates.length === 1 ? candidates[0] : undefined).length > 0) moves = true;
  }
  if (!moves) return items;
  const field = kind.claims!.field;
  return complete(api, kind, items, (it) => !declared.has(it) && !carries(kind, it, field));
}

/** The canonical live form restricted to the fields the item carries (all of it for a kind without `fields`). */
export function carriedView(kind: Kind, item: unknown): Record<string, unknown> {
  const full = kind.canonicalLive(item);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(full)) if (carries(kind, item, k)) out[k] = v;
  return out;
}
