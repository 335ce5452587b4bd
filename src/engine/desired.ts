// Field ownership, the one rule every kind follows: a top-level spec field the declaration does not mention
// is not managed. It is neither compared (the plan never shows it) nor changed: every write carries its live
// value (read, modify, write), so a PUT that replaces the whole object never clears what the user did not
// touch. To clear a field, declare it empty (`qids: []`, `description: ""`). Inside a declared field (a rules
// list) the declaration is whole. `null` is how the API writes "absent", so a field declared `null` is not
// managed either.
import type { Kind } from '../kinds/types.js';

type Obj = Record<string, unknown>;

/** The canonical top-level keys a declaration manages: its spec's own keys that are set (not null), renamed
 * through the kind's aliases, and known to the kind's canonical form. Keys the canonical form does not know
 * (server-managed fields pasted from an API response, `exceptionType`) are accepted and not managed. */
export function managedKeys(kind: Kind, spec: Obj, known: Iterable<string>): Set<string> {
  const knownSet = new Set(known);
  const out = new Set<string>();
  for (const [k, v] of Object.entries(spec)) {
    if (v === undefined || v === null) continue;
    const key = kind.aliases?.[k] ?? k;
    if (knownSet.has(key)) out.add(key);
  }
  return out;
}

/** The keys of `o` in `keys`, in `o`'s order. */
export function pickKeys(o: Obj, keys: ReadonlySet<string>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (keys.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** What a plan compares for one declared object: both sides restricted to the managed keys. */
export interface ManagedView {
  managed: Set<string>;
  before: Obj;
  after: Obj;
}

export function managedView(kind: Kind, spec: Obj, live: unknown): ManagedView {
  const want = kind.canonical(spec);
  const have = kind.canonicalLive(live);
  const managed = managedKeys(kind, spec, [...Object.keys(want), ...Object.keys(have), ...(kind.fields ?? [])]);
  return { managed, before: pickKeys(have, managed), after: pickKeys(want, managed) };
}

/** The canonical object a write sends, and verification checks field by field. For a create: the declared
 * keys (what the declaration leaves out is the server's to default). For an update: the live object, with every
 * managed key replaced by its declared value (a managed key whose declared value is empty in canonical form is
 * removed, so the write clears it). */
export function desiredState(kind: Kind, spec: Obj, live?: unknown): Obj {
  const want = kind.canonical(spec);
  const have = live === undefined ? {} : kind.canonicalLive(live);
  const managed = managedKeys(kind, spec, [...Object.keys(want), ...Object.keys(have), ...(kind.fields ?? [])]);
  if (live === undefined) return pickKeys(want, managed);
  const out: Obj = { ...have };
  for (const k of managed) {
    if (want[k] === undefined) delete out[k];
    else out[k] = want[k];
  }
  return out;
}
