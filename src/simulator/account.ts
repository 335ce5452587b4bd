// The in-memory account: one insertion-ordered map of objects a kind (by id), plus state a route keeps beside
// its objects (e.g. the registries sensor profiles point at). The account names no kind: each route module
// owns its objects, its extra state, its seed and its dump.
import type { KindName } from '../types.js';
import type { Json } from './types.js';

export class Account {
  private readonly byKind = new Map<KindName, Map<string, Json>>();
  private readonly extra = new Map<string, unknown>();

  /** The objects of one kind, by id (insertion-ordered); an empty map the first time a kind is asked for. */
  objects(kind: KindName): Map<string, Json> {
    let map = this.byKind.get(kind);
    if (!map) {
      map = new Map();
      this.byKind.set(kind, map);
    }
    return map;
  }

  /** State a route keeps beside its objects, under a key of its own; made by `init` the first time. */
  state<T>(key: string, init: () => T): T {
    if (!this.extra.has(key)) this.extra.set(key, init());
    return this.extra.get(key) as T;
  }
}

/** True when `name` is already used by another object of the kind. */
export function nameTaken(map: Map<string, Json>, nameField: string, name: string, exceptId?: string): boolean {
  for (const [id, o] of map) if (id !== exceptId && o[nameField] === name) return true;
  return false;
}
