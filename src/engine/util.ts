import { createHash } from 'node:crypto';
import type { ApiClient } from '../api/types.js';
import { stableStringify } from '../json.js';

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

/** The client's view counting its calls under the kind's name (`--debug`'s calls by kind), or the client itself. */
export function forKind(api: ApiClient, kind: { kind: string }): ApiClient {
  return api.forKind?.(kind.kind) ?? api;
}
