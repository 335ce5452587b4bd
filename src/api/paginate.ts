// Every item of a paginated list, whatever its shape: `{data, count}`, a bare array, or `{content}`.
// With a total, items are counted against it (a gateway may cap the page size silently, so a short
// page proves nothing) and the remaining pages are fetched in parallel; without one, a short or
// empty page ends the list.
import { QcsError } from '../errors.js';
import type { ListShape } from './types.js';

export const DEFAULT_PAGE_SIZE = 250;
/** The page size the notes document ("The default value is 50"): asked once a gateway refuses DEFAULT_PAGE_SIZE
 * with a 400, for the rest of the run. */
export const FALLBACK_PAGE_SIZE = 50;
/** A list longer than this many pages is a server ignoring `pageNumber`, not a real list. */
export const MAX_PAGES = 2000;
/** Most items a list is read up to (documented in SECURITY.md and README.md; 20 times the largest account we plan for). */
export const MAX_LIST_ITEMS = 200_000;

/** A list over one of its bounds: refused, not read to the end (memory is the next thing to run out). */
export function listTooLarge(where: string, why: string): QcsError {
  return new QcsError('E_RESPONSE_TOO_LARGE', `${where}: the list is refused: ${why}`, {
    hint: 'No account holds that many objects of a kind: check the gateway URL, or narrow the list (a filter).',
  });
}

export interface Page {
  shape: ListShape;
  items: unknown[];
  total?: number;
  last?: boolean;
}

function toCount(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v);
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return undefined;
}

/** CS lists hold objects: anything else is a broken answer (reading it would fail later, far from the cause). */
function objectsOnly(page: Page, where: string): Page {
  const bad = page.items.findIndex((i) => i === null || typeof i !== 'object' || Array.isArray(i));
  if (bad < 0) return page;
  throw new QcsError('E_BAD_RESPONSE', `${where} answered a list whose item ${bad} is not an object`, {
    hint: 'The gateway may not serve this endpoint as documented; run with --debug to see the calls.',
  });
}

export function readPage(body: unknown, where: string): Page {
  return objectsOnly(readPageShape(body, where), where);
}

function readPageShape(body: unknown, where: string): Page {
  if (body === undefined || body === null || body === '') return { shape: 'array', items: [] };
  if (Array.isArray(body)) return { shape: 'array', items: body };
  if (typeof body === 'object') {
    const o = body as Record<string, unknown>;
    if (Array.isArray(o.data) || (o.data === null && 'count' in o)) {
      return { shape: 'data', items: (o.data as unknown[] | null) ?? [], total: toCount(o.count) ?? toCount(o.totalCount) ?? toCount(o.total) };
    }
    if (Array.isArray(o.content) || (o.content === null && ('totalElements' in o || 'count' in o))) {
      return {
        shape: 'content',
        items: (o.content as unknown[] | null) ?? [],
        total: toCount(o.totalElements) ?? toCount(o.count),
        last: o.last === true ? true : undefined,
      };
    }
  }
  throw new QcsError('E_BAD_RESPONSE', `${where} did not answer a list (expected {data, count}, an array, or {content})`, {
    hint: 'The gateway may not serve this endpoint as documented; run with --debug to see the calls.',
  });
}

/** Gateways cap page sizes at round numbers (50, 100, 200…); a short page of such a length may not be the last. */
function looksLikeCap(length: number): boolean {
  return length >= 10 && length % 10 === 0;
}

export async function collectPages<T>(
  fetchPage: (pageNumber: number, pageSize: number) => Promise<unknown>,
  pageSize: number,
  where: string,
  onPage?: (items: unknown[]) => void,
): Promise<T[]> {
  const tooMany = (): QcsError =>
    new QcsError('E_BAD_RESPONSE', `${where}: more than ${MAX_PAGES} pages; the gateway seems to ignore pageNumber`);
  let count = 0;
  const read = (body: unknown) => {
    const page = readPage(body, where);
    count += page.items.length;
    if (count > MAX_LIST_ITEMS) throw listTooLarge(where, `it holds more than ${MAX_LIST_ITEMS.toLocaleString('en-US')} items`);
    if (page.items.length > 0) onPage?.(page.items);
    return page;
  };
  const first = read(await fetchPage(1, pageSize));
  const items: unknown[] = [...first.items];

  if (first.total !== undefined) {
    const total = first.total;
    if (total > MAX_LIST_ITEMS) throw listTooLarge(where, `it announces ${total.toLocaleString('en-US')} items, more than ${MAX_LIST_ITEMS.toLocaleString('en-US')}`);
    if (items.length >= total || items.length === 0) return items as T[];
    // a first page shorter than asked while more exist: the gateway caps the page size; use its size
    const size = Math.min(pageSize, first.items.length);
    const pages = Math.ceil(total / size);
    if (pages > MAX_PAGES) throw tooMany();
    const rest = await Promise.all(
      Array.from({ length: pages - 1 }, (_, i) => fetchPage(i + 2, size).then((b) => read(b))),
    );
    for (const p of rest) items.push(...p.items);
    // fewer than announced (objects removed meanwhile, or a varying cap): go on until an empty page
    let n = pages;
    while (items.length < total) {
      if (++n > MAX_PAGES) throw tooMany();
      const p = read(await fetchPage(n, size));
      if (p.items.length === 0) break;
      items.push(...p.items);
    }
    return items as T[];
  }

  // No total: a short page ends the list — unless the first page's length looks like a page-size cap the
  // gateway applied silently (a round number), in which case that is the page size and one more page is read.
  const size = first.items.length > 0 && first.items.length < pageSize && looksLikeCap(first.items.length) ? first.items.length : pageSize;
  let page = first;
  let n = 1;
  while (page.items.length > 0 && page.items.length >= size && page.last !== true) {
    if (++n > MAX_PAGES) throw tooMany();
    const before = JSON.stringify(page.items[0]);
    page = read(await fetchPage(n, size));
    // the same page again: the gateway ignores pageNumber (said now, not at a limit far away)
    if (page.items.length > 0 && JSON.stringify(page.items[0]) === before) {
      throw new QcsError('E_BAD_RESPONSE', `${where}: page ${n} starts as page ${n - 1} did; the gateway seems to ignore pageNumber`);
    }
    items.push(...page.items);
  }
  return items as T[];
}
