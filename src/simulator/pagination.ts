// Paging, sorting and the small `filter` dialect the simulator understands.
import { badRequest } from './errors.js';
import type { Json } from './types.js';

export interface Page {
  pageNumber: number;
  pageSize: number;
}

function intParam(q: URLSearchParams, key: string, dflt: number): number {
  const raw = q.get(key);
  if (raw === null || raw === '') return dflt;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badRequest(`${key} must be a positive integer, got "${raw}"`);
  return Number(raw);
}

/** pageNumber from 1 (default 1), pageSize default 50, capped silently to `cap`. */
export function parsePage(q: URLSearchParams, cap: number): Page {
  const pageNumber = intParam(q, 'pageNumber', 1);
  const pageSize = Math.min(intParam(q, 'pageSize', 50), cap);
  return { pageNumber, pageSize };
}

export function slicePage<T>(items: T[], page: Page): T[] {
  const start = (page.pageNumber - 1) * page.pageSize;
  return items.slice(start, start + page.pageSize);
}

function comparable(v: unknown): number | string {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  if (typeof v === 'string') return v;
  return v === undefined || v === null ? '' : JSON.stringify(v);
}

/** `sort=field:asc|desc` (default asc); a stable sort. */
export function sortItems(items: Json[], sort: string | null): Json[] {
  if (!sort) return items;
  const m = /^([A-Za-z0-9_.]+)(?::(asc|desc))?$/i.exec(sort.trim());
  if (!m) throw badRequest(`sort must look like field:asc or field:desc, got "${sort}"`);
  const field = m[1]!;
  const dir = (m[2] ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
  return items
    .map((o, i) => ({ o, i }))
    .sort((a, b) => {
      const x = comparable(a.o[field]);
      const y = comparable(b.o[field]);
      if (x < y) return -dir;
      if (x > y) return dir;
      return a.i - b.i;
    })
    .map((e) => e.o);
}

/**
 * `filter` with terms `token:value` joined by ` and `; a value may be quoted. A term matches when the field
 * (token `name` → the kind's name field) contains the value, case-sensitively.
 */
export function filterItems(items: Json[], filter: string | null, nameField: string): Json[] {
  if (filter === null || filter.trim() === '') return items;
  const terms = filter.split(/\s+and\s+/i).map((t) => {
    const m = /^\s*([A-Za-z0-9_.]+)\s*:\s*(.*?)\s*$/.exec(t);
    if (!m) throw badRequest(`filter must look like token:value (e.g. name:Deny), got "${filter}"`);
    const token = m[1]!;
    let value = m[2]!;
    if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) value = value.slice(1, -1);
    return { field: token === 'name' ? nameField : token, value };
  });
  for (const t of terms) {
    if (items.length > 0 && !items.some((o) => t.field in o)) throw badRequest(`filter token "${t.field}" is not supported here`);
  }
  return items.filter((o) =>
    terms.every((t) => {
      const v = o[t.field];
      if (v === undefined || v === null) return false;
      return String(v).includes(t.value);
    }),
  );
}

/**
 * Filter, sort and page a list; returns the page and the total count after filtering. With `toRead`, `items`
 * are the stored objects and `toRead` makes their read form: without filter or sort only the page's objects are
 * made (an unfiltered page of 10,000 objects then costs the page, not the account), else every one, as before.
 */
export function listPage(items: Json[], q: URLSearchParams, cap: number, nameField: string, toRead?: (stored: Json) => Json): { page: Json[]; count: number } {
  const page = parsePage(q, cap);
  const filter = q.get('filter');
  const sort = q.get('sort');
  if (toRead && (filter === null || filter.trim() === '') && !sort) return { page: slicePage(items, page).map(toRead), count: items.length };
  const read = toRead ? items.map(toRead) : items;
  const filtered = filterItems(read, filter, nameField);
  const sorted = sortItems(filtered, sort);
  return { page: slicePage(sorted, page), count: filtered.length };
}
