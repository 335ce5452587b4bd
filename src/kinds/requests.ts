// The kind modules' API call helpers: a detail GET that may answer 404, the id in a create answer, an id as a
// path segment.
import type { ApiClient } from '../api/types.js';
import { ApiError, QcsError } from '../errors.js';
import { isObj, optString, type Obj } from './coerce.js';

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
  throw new QcsError('E_BAD_RESPONSE', `the ${what} response carries no ${keys.join('/')} (got ${JSON.stringify(body)?.slice(0, 200)})`, {
    hint: 'The object may have been created all the same: run plan again before another apply (it shows the object if it exists).',
  });
}

/** URL path segment for an id. */
export function seg(id: string): string {
  return encodeURIComponent(id);
}
