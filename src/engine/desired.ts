// Field ownership, the one rule every kind follows: a top-level spec field the declaration does not mention
// is not managed. It is neither compared (the plan never shows it) nor changed: every write carries its live
// value (read, modify, write), so a PUT that replaces the whole object never clears what the user did not
// touch. To clear a field, declare it empty (`qids: []`, `description: ""`). Inside a declared field (a rules
// list) the declaration is whole. `null` is how the API writes "absent", so a field declared `null` is not
// managed either.
import type { Kind } from '../kinds/types.js';
import { identicalJson } from '../json.js';

type Obj = Record<string, unknown>;

/** The canonical top-level keys a declaration manages: its spec's own keys that are set (not null), renamed
 * through the kind's aliases, and known to the kind's canonical form. Keys the canonical form does not know
 * (server-managed fields pasted from an API response, `exceptionType`) are accepted and not managed. */
export function managedKeys(kind: Kind, spec: Obj, known: Iterable<string> | ((key: string) => boolean)): Set<string> {
  const knownSet = typeof known === 'function' ? undefined : new Set(known);
  const isKnown = typeof known === 'function' ? known : (k: string) => knownSet!.has(k);
  const out = new Set<string>();
  for (const k in spec) {
    const v = spec[k];
    if (v === undefined || v === null) continue;
    const key = kind.aliases?.[k] ?? k;
    if (isKnown(key)) out.add(key);
  }
  return out;
}

/** The kind's `fields` as a set (made once a kind). */
const FIELD_SETS = new WeakMap<Kind, ReadonlySet<string>>();
function fieldSet(kind: Kind): ReadonlySet<string> {
  let set = FIELD_SETS.get(kind);
  if (!set) FIELD_SETS.set(kind, (set = new Set(kind.fields ?? [])));
  return set;
}

/** The keys a declaration manages, before any live object is known: a kind's `fields` name its canonical keys;
 * only a kind without them needs the canonical form to know them. */
export function declaredKeys(kind: Kind, spec: Obj): Set<string> {
  if (!kind.fields) return managedKeys(kind, spec, Object.keys(kind.canonical(spec)));
  const fields = fieldSet(kind);
  return managedKeys(kind, spec, (k) => fields.has(k));
}

/** The keys a declaration manages against one live object: those the kind's fields, the declared or the live
 * canonical form know. */
function managedAgainst(kind: Kind, spec: Obj, want: Obj, have: Obj): Set<string> {
  const fields = fieldSet(kind);
  const writeOnly = kind.writeOnlyFields;
  return managedKeys(kind, spec, (k) => !writeOnly?.includes(k) && (fields.has(k) || Object.hasOwn(want, k) || Object.hasOwn(have, k)));
}

/** The declared values of the kind's write-only keys (Kind.writeOnlyFields): what every write sends although the
 * API never reads them back. */
export function writeOnlyValues(kind: Kind, want: Obj): Obj {
  const out: Obj = {};
  for (const k of kind.writeOnlyFields ?? []) if (want[k] !== undefined) out[k] = want[k];
  return out;
}

/** The keys of `o` in `keys`, in `o`'s order. */
export function pickKeys(o: Obj, keys: ReadonlySet<string>): Obj {
  const out: Obj = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined && keys.has(k)) out[k] = v;
  }
  return out;
}

// Ignored paths (`metadata.ignore`, the project file's `ignore`): spec paths written as the plan prints them
// (`description`, `centralizedPolicyRules[0].isEnabled`, `rules[1].action`), in canonical form. An ignored path is
// removed from both compared sides (the plan neither shows nor counts it as a change, only notes that it differs),
// and every update carries the live value at it: a field tuned in the Qualys UI survives an update of another one.
// Where the live object has no value at the path (a create, a list item the declaration adds), the declared value
// is sent.

export type FieldPath = Array<string | number>;

/** Parses a path as the plan prints it into segments (`rules[1].action` → ['rules', 1, 'action']); a string
 * saying what is wrong for a malformed one. */
export function parseFieldPath(path: string): FieldPath | string {
  const out: FieldPath = [];
  let i = 0;
  const ident = /^[A-Za-z_$][\w$-]*/;
  while (i < path.length) {
    const rest = path.slice(i);
    if (rest[0] === '[') {
      const index = /^\[(\d+)\]/.exec(rest);
      if (index) {
        out.push(Number(index[1]));
        i += index[0].length;
        continue;
      }
      const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
      if (!quoted) return `'${path}': expected [N] or ["key"] at character ${i + 1}`;
      out.push(JSON.parse(quoted[1]!) as string);
      i += quoted[0].length;
      continue;
    }
    if (out.length > 0) {
      if (rest[0] !== '.') return `'${path}': expected '.', '[N]' or the end at character ${i + 1}`;
      i++;
    }
    const m = ident.exec(path.slice(i));
    if (!m) return `'${path}': expected a field name at character ${i + 1}`;
    out.push(m[0]);
    i += m[0].length;
  }
  if (out.length === 0 || typeof out[0] !== 'string') return `'${path}': a path starts with a field name (policyMode, rules[1].action)`;
  return out;
}

/** An item of a kind's named list (Kind.namedLists) chosen by its name, as the plan prints it: `rules["No ptrace"]`. */
interface NamedItem {
  key: string;
  name: string;
}
type Seg = string | number | NamedItem;

/** Parsed ignore paths with their first segment renamed through the kind's aliases, and a name given to an item of a
 * named list (`rules["No ptrace"].action`) kept as a NamedItem; malformed ones dropped (validation reports them). */
function ignoredPaths(kind: Kind, ignore: readonly string[]): Array<{ path: string; segs: Seg[] }> {
  const out: Array<{ path: string; segs: Seg[] }> = [];
  for (const path of ignore) {
    const segs = parseFieldPath(path);
    if (typeof segs === 'string') continue;
    const first = kind.aliases?.[segs[0] as string] ?? (segs[0] as string);
    const key = kind.namedLists?.[first];
    const second = segs[1];
    const named = key !== undefined && typeof second === 'string' && /^[^.[]+\["/.test(path); // `rules["x"]`, not `rules.x`
    out.push({ path, segs: [first, ...(named ? [{ key, name: second }] : segs.slice(1, 2)), ...segs.slice(2)] });
  }
  return out;
}

/** The index of the one item of `list` named `s.name`; undefined when none or several bear it. */
function namedIndex(list: unknown[], s: NamedItem): number | undefined {
  const at = list.flatMap((item, i) => (item && typeof item === 'object' && (item as Obj)[s.key] === s.name ? [i] : []));
  return at.length === 1 ? at[0] : undefined;
}

function getAt(o: unknown, segs: readonly Seg[]): unknown {
  let cur = o;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof s === 'object') {
      const i = Array.isArray(cur) ? namedIndex(cur, s) : undefined;
      if (i === undefined) return undefined;
      cur = (cur as unknown[])[i];
      continue;
    }
    if (Array.isArray(cur) ? typeof s !== 'number' : typeof s === 'number') return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

/** The parent of the value at `segs` and the last segment, when the parent exists and has the right shape. */
function parentAt(o: unknown, segs: readonly Seg[]): { parent: Record<string | number, unknown>; last: string | number } | undefined {
  const parent = getAt(o, segs.slice(0, -1));
  let last = segs[segs.length - 1]!;
  if (parent === null || typeof parent !== 'object') return undefined;
  if (typeof last === 'object') {
    const i = Array.isArray(parent) ? namedIndex(parent, last) : undefined;
    if (i === undefined) return undefined;
    last = i;
  }
  if (Array.isArray(parent) !== (typeof last === 'number')) return undefined;
  return { parent: parent as Record<string | number, unknown>, last };
}

/** Removes the value at `segs` (a list item is blanked to null, so the indexes of the others stay). */
function removeAt(o: unknown, segs: readonly Seg[]): void {
  const at = parentAt(o, segs);
  if (!at || !(at.last in at.parent)) return;
  if (typeof at.last === 'number') at.parent[at.last] = null;
  else delete at.parent[at.last];
}

/** What a plan compares for one declared object: both sides restricted to the managed keys. */
export interface ManagedView {
  managed: Set<string>;
  before: Obj;
  after: Obj;
  /** The ignored paths (as written) whose live and declared values differ, left out of before and after. */
  ignoredDiffers: string[];
}

/** The canonical forms of a declared and a live object, when already made. */
export interface Canonical {
  want?: Obj;
  have?: Obj;
}

/** The keys a declaration manages when the declared and live canonical forms agree on every one of them (an
 * unchanged object, the usual case); undefined when one differs. The quick test before a managedView and a diff. */
export function unchangedKeys(kind: Kind, spec: Obj, want: Obj, have: Obj): Set<string> | undefined {
  const managed = managedAgainst(kind, spec, want, have);
  for (const k of managed) if (!identicalJson(want[k], have[k])) return undefined;
  return managed;
}

/** What a write of the declaration sends as written: its spec and the canonical keys it manages (against `live`
 * when there is one). */
export function writtenOf(kind: Kind, spec: Obj, live?: unknown): { spec: Obj; managed: Set<string> } {
  const want = kind.canonical(spec);
  const have = live === undefined ? {} : kind.canonicalLive(live);
  return { spec, managed: managedAgainst(kind, spec, want, have) };
}

export function managedView(kind: Kind, spec: Obj, live: unknown, ignore: readonly string[] = [], made: Canonical = {}): ManagedView {
  const want = made.want ?? kind.canonical(spec);
  const have = made.have ?? kind.canonicalLive(live);
  const managed = managedAgainst(kind, spec, want, have);
  let before = pickKeys(have, managed);
  let after = pickKeys(want, managed);
  const ignoredDiffers: string[] = [];
  const paths = ignoredPaths(kind, ignore).filter((p) => managed.has(p.segs[0] as string));
  if (paths.length > 0) {
    for (const p of paths) if (!identicalJson(getAt(before, p.segs), getAt(after, p.segs))) ignoredDiffers.push(p.path);
    before = structuredClone(before);
    after = structuredClone(after);
    for (const p of paths) {
      removeAt(before, p.segs);
      removeAt(after, p.segs);
    }
  }
  return { managed, before, after, ignoredDiffers };
}

/** The canonical object a write sends, and verification checks field by field. For a create: the declared
 * keys (what the declaration leaves out is the server's to default; an ignored path sends its declared value). For
 * an update: the live object, with every managed key replaced by its declared value (a managed key whose declared
 * value is empty in canonical form is removed, so the write clears it), then the live value put back at every
 * ignored path the live object has a value at (inside what the write keeps: an ignored field of a list item the
 * declaration removes goes with it). */
export function desiredState(kind: Kind, spec: Obj, live?: unknown, ignore: readonly string[] = []): Obj {
  const want = kind.canonical(spec);
  const have = live === undefined ? {} : kind.canonicalLive(live);
  const managed = managedAgainst(kind, spec, want, have);
  if (live === undefined) return { ...pickKeys(want, managed), ...writeOnlyValues(kind, want) };
  const out: Obj = { ...have, ...writeOnlyValues(kind, want) };
  for (const k of managed) {
    if (want[k] === undefined) delete out[k];
    else out[k] = want[k];
  }
  // one of two forms of a value managed: the other (the live one) is the kind's to derive, not to send as read
  for (const [a, b] of Object.entries(kind.sameAs ?? {})) {
    if (managed.has(a) && !managed.has(b)) delete out[b];
    else if (managed.has(b) && !managed.has(a)) delete out[a];
  }
  const paths = ignoredPaths(kind, ignore).filter((p) => managed.has(p.segs[0] as string));
  for (const k of new Set(paths.map((p) => p.segs[0] as string))) if (out[k] !== undefined) out[k] = structuredClone(out[k]);
  for (const p of paths) {
    const liveValue = getAt(have, p.segs);
    if (liveValue === undefined) continue;
    if (p.segs.length === 1) {
      out[p.segs[0] as string] = structuredClone(liveValue);
      continue;
    }
    const at = parentAt(out, p.segs);
    if (at) at.parent[at.last] = structuredClone(liveValue);
  }
  return out;
}
