// The kind modules' API call helpers: a detail GET that may answer 404, the id in a create answer, an id as a
// path segment.
import type { ApiClient } from '../api/types.js';
import { ApiError, QcsError } from '../errors.js';
import { isObj, optString, type Obj } from './coerce.js';
import { redactAndCut } from '../redact.js';

/** The API answered 404. */
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

/** The id in a create/update answer: a bare text body, or the value under the first of `keys` present (matched as
 * written, then ignoring case and stray spaces in the answer's key names). Throws when there is none. */
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
  throw new QcsError('E_BAD_RESPONSE', `the ${what} response carries no ${keys.join('/')} (got ${redactAndCut(JSON.stringify(body) ?? String(body), 200)})`, {
    hint: 'The object may have been created all the same: run plan again before another apply (it shows the object if it exists).',
  });
}

/** Why an id cannot go into a path, or undefined when it can: it must be a non-empty single path segment (no `/`,
 * `\\` or control character) that is not `.` or `..`. */
export function badId(id: unknown): string | undefined {
  if (typeof id !== 'string' || id.trim() === '') return 'no id';
  if (id === '.' || id === '..') return `the id ${JSON.stringify(id)} is not a path segment`;
  // eslint-disable-next-line no-control-regex -- controls are what is refused
  if (/[/\\\u0000-\u001f\u007f]/.test(id)) return `the id ${JSON.stringify(id)} holds a character an id cannot (/, \\ or a control character)`;
  return undefined;
}

/** URL path segment for an id: checked (badId), then percent-encoded. */
export function seg(id: string): string {
  const bad = badId(id);
  if (bad) throw new QcsError('E_BAD_RESPONSE', `refusing to put an id in a path: ${bad}`, { hint: 'The gateway answered an object whose id is not valid; nothing was sent for it.' });
  return encodeURIComponent(id);
}

/** The list with every item's id checked (badId): an item without a valid id is E_BAD_RESPONSE naming it (by its
 * name and position), never an object to plan for. */
export function checkListIds<T>(kind: { kind: string; idOf(live: T): string; nameOf(live: T): string }, items: T[]): T[] {
  items.forEach((item, i) => {
    let id: unknown;
    try {
      id = kind.idOf(item);
    } catch {
      id = undefined;
    }
    const bad = badId(id);
    if (!bad) return;
    let name: string;
    try {
      name = JSON.stringify(kind.nameOf(item)) ?? '(no name)';
    } catch {
      name = '(no name)';
    }
    throw new QcsError('E_BAD_RESPONSE', `the ${kind.kind} list answered an item (number ${i + 1}, name ${name.length > 200 ? `${name.slice(0, 199)}…` : name}) with ${bad}`, {
      hint: 'Nothing is planned for an object without a valid id. Check the object in the Qualys UI, or run with --debug to see the answer.',
    });
  });
  return items;
}
