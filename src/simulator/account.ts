// The in-memory account: one insertion-ordered map a kind, plus the few facts routes consult.
import type { Json } from './types.js';

export class Account {
  readonly centralizedPolicies = new Map<string, Json>();
  readonly runtimePolicies = new Map<string, Json>();
  readonly exceptions = new Map<string, Json>();
  readonly sensorProfiles = new Map<string, Json>();
  readonly secretRules = new Map<string, Json>();
  /** Runtime policies associated with an instrumented image or container. */
  readonly runtimePoliciesInUse = new Set<string>();
  /** Known registries and sensors (listings only; unknown ids are described generically). */
  readonly registries = new Map<string, Json>();
  readonly sensors = new Map<string, Json>();
  /** Built-in secret rules as they were at start, to dump only the overrides. */
  readonly builtinSecretRules = new Map<string, Json>();
  /** QID lists by listId: a created exception with a listId and no qids gets the list's qids. */
  readonly qidLists = new Map<string, number[]>();
}

/** Throws a 400 when `name` is already used by another object of the kind. */
export function nameTaken(map: Map<string, Json>, nameField: string, name: string, exceptId?: string): boolean {
  for (const [id, o] of map) if (id !== exceptId && o[nameField] === name) return true;
  return false;
}
