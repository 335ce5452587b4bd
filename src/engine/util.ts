import { createHash } from 'node:crypto';
import type { ApiClient } from '../api/types.js';

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Fingerprint of a canonical live object: what a saved plan records and apply compares. */
export function fingerprint(canonicalLive: Record<string, unknown>): string {
  return 'sha256:' + sha256(stableStringify(canonicalLive)).slice(0, 32);
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order.
 * `shouldStop` is consulted before each new call: once true, the remaining items are not started. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  shouldStop: () => boolean = () => false,
): Promise<Array<{ started: true; value: R } | { started: false }>> {
  const results: Array<{ started: true; value: R } | { started: false }> = items.map(() => ({ started: false }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (shouldStop()) return;
      const i = next++;
      results[i] = { started: true, value: await fn(items[i]!, i) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** `/a/0/b` → `a[0].b` */
export function pointerToPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The value at a JSON pointer, or undefined. */
export function valueAt(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** The client's view counting its calls under the kind's name (`--debug`'s calls by kind), or the client itself. */
export function forKind(api: ApiClient, kind: { kind: string }): ApiClient {
  return api.forKind?.(kind.kind) ?? api;
}
