// The documented forms of a field, read as one canonical value: "not set" (null, "", absent), strings, enums (upper
// case), booleans and integers (also as strings), set-like arrays of values or ids (sorted, unique), and metaData
// (an object, or the JSON string the API reads back). Pure; shared by the kind modules.
import { sortKeysDeep, stableStringify } from '../json.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** undefined, null and "" all mean "not set". */
export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** A string field, or undefined when unset (null / "" / absent) or not a scalar. Numbers and booleans are stringified. */
export function optString(v: unknown): string | undefined {
  if (isBlank(v)) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** An enum value in upper case, or undefined when unset. */
export function upper(v: unknown): string | undefined {
  const s = optString(v);
  return s === undefined ? undefined : s.trim().toUpperCase();
}

/** A boolean field: true/false, "true"/"false" (any case, spaces trimmed), a number (0 is false, any other true);
 * `dflt` when unset or anything else. */
export function bool(v: unknown, dflt: boolean): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  if (typeof v === 'number') return v !== 0;
  return dflt;
}

/** A number field given as a finite number (kept as it is) or a string of digits (spaces trimmed); undefined when
 * unset or anything else. */
export function optInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** null / absent → []; an array as it is; anything else → [it]. */
export function arr(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** First present (not undefined/null) value among the given keys (the names a field goes by, in order of preference). */
export function pick(o: Obj, ...keys: string[]): unknown {
  for (const k of keys) {
    const v = o[k];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

/** Removes keys whose value is undefined (keeps key order). */
export function compact<T extends Obj>(o: T): T {
  const out: Obj = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A set-like array in canonical form: blanks dropped, duplicates removed, sorted by `key` (default: its JSON). */
export function sortedSet<T>(items: readonly T[], key: (t: T) => string = (t) => stableStringify(t)): T[] {
  const seen = new Map<string, T>();
  for (const it of items) {
    if (isBlank(it)) continue;
    const k = key(it);
    if (!seen.has(k)) seen.set(k, it);
  }
  return [...seen.entries()].sort((a, b) => compareKeys(a[0], b[0])).map((e) => e[1]);
}

/** Ids given as plain ids or as objects carrying one of `idKeys`; returned as strings, sorted, unique. */
export function idSet(v: unknown, idKeys: readonly string[] = ['id', 'uuid']): string[] {
  const ids: string[] = [];
  for (const item of arr(v)) {
    if (isObj(item)) {
      const id = optString(pick(item, ...idKeys));
      if (id !== undefined) ids.push(id);
    } else {
      const id = optString(item);
      if (id !== undefined) ids.push(id);
    }
  }
  return sortedSet(ids, (s) => s);
}

/** Numbers given as numbers or digit strings; sorted numerically, unique. Non-numeric entries are kept as strings (sorted last) so a diff shows them. */
export function numberSet(v: unknown): Array<number | string> {
  const nums = new Set<number>();
  const other = new Set<string>();
  for (const item of arr(v)) {
    const n = optInt(item);
    if (n !== undefined) nums.add(n);
    else if (!isBlank(item)) other.add(String(item));
  }
  return [...[...nums].sort((a, b) => a - b), ...[...other].sort(compareKeys)];
}

/** metaData: an object, or a JSON string of one (as the API reads it back), with its keys sorted at every depth;
 * unset or `{}` → undefined; a string that is not JSON is kept as it is (so a diff shows it). */
export function parseJsonish(v: unknown): unknown {
  if (isBlank(v)) return undefined;
  let out = v;
  if (typeof v === 'string') {
    try {
      out = JSON.parse(v);
    } catch {
      return v;
    }
  }
  if (isObj(out) && Object.keys(out).length === 0) return undefined;
  return sortKeysDeep(out);
}
