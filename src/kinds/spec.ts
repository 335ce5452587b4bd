// The declaration side that several kinds share: the friendly spec export writes (an empty list or text left out,
// as a declaration would leave it) and the check that a spec's own name field agrees with metadata.name.
import type { CheckIssue } from './types.js';

/** A list, or undefined when it is empty (export leaves it out). */
export function unlessEmpty<T>(list: T[]): T[] | undefined {
  return list.length ? list : undefined;
}

/** A canonical text, or undefined when it is "" (export leaves it out). */
export function unlessEmptyText(text: unknown): string | undefined {
  return text === '' ? undefined : (text as string);
}

/** The issue when the spec also names the object (`spec[key]`, the API's name field) and not as metadata.name does;
 * `whose` says whose name it is in the message ("the policy's"). */
export function nameAgrees(spec: object, key: string, name: string, whose: string): CheckIssue[] {
  const named = (spec as Record<string, unknown>)[key];
  if (typeof named !== 'string' || named === name) return [];
  return [{ path: [key], message: `${key} "${named}" differs from metadata.name "${name}"; metadata.name is ${whose} name: remove ${key} or make the two equal` }];
}
