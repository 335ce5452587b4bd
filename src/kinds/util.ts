// Small shared helpers of the kind modules: representation normalization (null/""/absent, dates,
// enums, set-like arrays, JSON-string metaData) and API call helpers. Pure except `getOrUndefined`.
import type { ApiClient } from '../api/types.js';
import { ApiError } from '../errors.js';
import { sortKeysDeep, stableStringify } from '../json.js';

export { sameValue, stableStringify } from '../json.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** undefined, null and "" all mean "not set". */
export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** A string field, or undefined when unset (null / "" / absent). Numbers and booleans are stringified. */
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

/** A boolean field: true/false, "true"/"false" (any case); `dflt` when unset. */
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

/** An integer field given as a number or a digit string; undefined when unset or not a number. */
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

/** First present (not undefined/null) value among the given keys (for camelCase / PascalCase variants). */
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
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
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

/** metaData: an object, or a JSON string of one (as the API reads it back). Unset/empty → undefined. */
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

// ---- dates ---------------------------------------------------------------------------------------

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-](\d{2}):?(\d{2})?)$/;
const DIGITS = /^-?\d+$/;

/** True when year-month-day names a day of the calendar (not 2026-02-30, not month 13). */
export function isCalendarDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const back = new Date(Date.UTC(y, m - 1, d));
  return back.getUTCMonth() === m - 1 && back.getUTCDate() === d;
}

/** Epoch milliseconds of a declaration or API date: ISO date-time (with a zone), a date (00:00 UTC),
 * epoch ms as a number or a digit string, or a Date. undefined when unset or unreadable, and for a day the
 * calendar does not have (2026-02-30: JavaScript's Date would silently read it as March 2nd). */
export function parseDate(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === '') return undefined;
  if (DIGITS.test(s)) return Number(s);
  const d = DATE_ONLY.exec(s);
  if (d) {
    if (!isCalendarDay(Number(d[1]), Number(d[2]), Number(d[3]))) return undefined;
    return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
  }
  const t = DATE_TIME.exec(s);
  if (t) {
    if (!isCalendarDay(Number(t[1]), Number(t[2]), Number(t[3]))) return undefined;
    if (Number(t[4]) > 23 || Number(t[5]) > 59 || Number(t[6] ?? 0) > 59) return undefined;
    if (t[9] !== undefined && (Number(t[9]) > 23 || Number(t[10] ?? 0) > 59)) return undefined;
    const ms = Date.parse(s.replace(' ', 'T'));
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Canonical date: ISO 8601 in UTC with milliseconds (what a reviewer reads in a plan, and one form for
 * every input: date, date-time, epoch ms); an unreadable value is kept as a string (so the difference shows). */
export function canonicalDate(v: unknown): string | undefined {
  if (isBlank(v)) return undefined;
  const ms = parseDate(v);
  if (ms === undefined) return String(v);
  let iso = ISO_OF.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    if (ISO_OF.size < 4096) ISO_OF.set(ms, iso);
  }
  return iso;
}

/** toISOString of the instants met (declarations share a few dates; the formatting costs ≈ 1 µs a call). */
const ISO_OF = new Map<number, string>();

/** Friendly declaration form of epoch ms: `YYYY-MM-DD` at 00:00 UTC, else ISO 8601 (`…Z`, ms only when set). */
export function friendlyDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  if (ms % 86_400_000 === 0) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

// ---- API helpers ---------------------------------------------------------------------------------

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}

/** GET a detail path; undefined when the API answers 404. */
export async function getOrUndefined<T = Obj>(api: ApiClient, path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T | undefined> {
  try {
    const res = await api.request<T>('GET', path, query ? { query } : undefined);
    return res ?? undefined;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** The id in a create/update response body, under one of `keys` (also tolerating stray spaces in key names). */
export function idFromResponse(body: unknown, keys: readonly string[], what: string): string {
  if (typeof body === 'string' && body.trim() !== '' && !body.trim().startsWith('{')) return body.trim();
  if (isObj(body)) {
    for (const k of keys) {
      const id = optString(body[k]);
      if (id !== undefined) return id;
    }
    const wanted = new Set(keys.map((k) => k.toLowerCase()));
    for (const [k, v] of Object.entries(body)) {
      if (wanted.has(k.trim().toLowerCase())) {
        const id = optString(v);
        if (id !== undefined) return id;
      }
    }
  }
  throw new Error(`the ${what} response carries no ${keys.join('/')} (got ${JSON.stringify(body)?.slice(0, 200)})`);
}

/** URL path segment for an id. */
export function seg(id: string): string {
  return encodeURIComponent(id);
}
