// Plans one kind: match its declarations to its live objects (by pinned id, else by name), diff the managed
// fields of each match, and plan the deletes of the undeclared objects (with --prune, within its scope).
// `earlyViews` starts the per-object work as the list pages arrive, so a plan of thousands of objects is
// mostly made while the API is still answering.
import jsonpatch from 'fast-json-patch';
import picomatch from 'picomatch';
import type { Diagnostic } from '../errors.js';
import type { Kind } from '../kinds/types.js';
import { pinnedId as pinnedIdOf, pinnedIdPath } from '../kinds/defaults.js';
import type { Declaration } from '../types.js';
import type { IgnoredDifference, ManualChange, PlannedChange } from './model.js';
import { fingerprint } from './util.js';
import { escapePointerToken, stableStringify } from '../json.js';
import { desiredState, managedView, unchangedKeys, writeOnlyValues, type Canonical, type ManagedView } from './desired.js';
import { carriedView, carriesAll, indexLive, newClaims, type Index, type PageTap } from './fetch.js';
import type { PlanOptions } from './plan-options.js';

/** The ignored paths of one declaration: the project's for its kind, then its own (each once). */
export function ignoreOf(decl: Pick<Declaration, 'kind' | 'ignore'>, options: Pick<PlanOptions, 'ignore'>): string[] {
  const project = options.ignore?.[decl.kind] ?? [];
  if (project.length === 0 && !decl.ignore?.length) return [];
  return [...new Set([...project, ...(decl.ignore ?? [])])];
}

/** The prune scope as a test on one undeclared object. */
function pruneScopeTest(options: PlanOptions): (kind: string, name: string) => boolean {
  const globs = options.pruneMatch ?? [];
  const kinds = options.pruneKinds ?? [];
  const nameMatches = globs.length ? picomatch(globs as string[], { dot: true }) : () => true;
  return (kind, name) => (kinds.length === 0 || kinds.includes(kind)) && nameMatches(name);
}

/** The JSON patch from `before` to `after`. A key of `sets` (a kind's `setFields`) holding an array on both sides
 * is compared as a set: nothing when the members agree (whatever their order), else one `replace` of the whole
 * array, never positional operations (`~ qids[1]` would name a member that is kept). A JSON patch never replaces
 * an array by an array otherwise, so the renderers show such a replace member by member (render/fields.ts). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>, sets: readonly string[] = []): jsonpatch.Operation[] {
  const whole = sets.filter((k) => Array.isArray(before[k]) && Array.isArray(after[k]));
  if (whole.length === 0) return jsonpatch.compare(before, after);
  const b = { ...before };
  const a = { ...after };
  const ops: jsonpatch.Operation[] = [];
  for (const k of whole) {
    if (!sameMembers(b[k] as unknown[], a[k] as unknown[])) ops.push({ op: 'replace', path: `/${escapePointerToken(k)}`, value: a[k] });
    delete b[k];
    delete a[k];
  }
  return [...jsonpatch.compare(b, a), ...ops];
}

function sameMembers(x: readonly unknown[], y: readonly unknown[]): boolean {
  const keys = new Set(x.map((v) => stableStringify(v)));
  const other = new Set(y.map((v) => stableStringify(v)));
  return keys.size === other.size && [...keys].every((k) => other.has(k));
}

/** What one kind contributes to a plan (kept apart so kinds can be planned as their live state arrives). */
export interface KindPart {
  diagnostics: Diagnostic[];
  ambiguous: string[];
  notes: string[];
  upserts: PlannedChange[];
  deletes: PlannedChange[];
  unchanged: number;
  unmanaged: number;
  /** Undeclared objects outside a limited --prune's scope. */
  leftAlone: number;
  ignored: IgnoredDifference[];
  /** Names of the undeclared live objects left alone (not protected, not built in), as listed. */
  undeclared: string[];
  /** Undeclared built-in objects (a kind that can neither create nor delete): counted apart, never deleted. */
  builtIn: number;
  /** Differences the kind cannot write (no update): made by hand. */
  manual: ManualChange[];
}

/** Whether a kind's objects can be renamed by an update (Capabilities.rename; absent: as update). */
export function canRename(kind: Kind): boolean {
  return kind.can.update && kind.can.rename !== false;
}

/** The objects of a kind are built in when they can neither be created nor deleted (secret rules). */
function isBuiltInKind(kind: Kind): boolean {
  return !kind.can.create && !kind.can.delete;
}

export type InTarget = (kind: string, name: string) => boolean;

export function targetFilter(targets: Set<string> | undefined): InTarget {
  return (kind, name) => !targets || targets.has(`${kind}/${name}`);
}

/** Plans one kind. `each` runs the per-declaration step over the declarations: synchronously in buildPlan,
 * in slices that give the event loop back in makePlan (so other kinds' calls keep flowing meanwhile). */
export function planKind<R>(
  kind: Kind,
  decls: readonly Declaration[],
  liveObjs: readonly unknown[],
  options: PlanOptions,
  inTarget: InTarget,
  each: (decls: readonly Declaration[], step: (decl: Declaration) => void, done: () => KindPart) => R,
  early?: EarlyPlan,
): R {
  const run: KindRun = {
    kind,
    part: { diagnostics: [], ambiguous: [], notes: [], upserts: [], deletes: [], unchanged: 0, unmanaged: 0, leftAlone: 0, ignored: [], undeclared: [], builtIn: 0, manual: [] },
    index: early?.indexOf(liveObjs) ?? indexLive(kind, liveObjs),
    matched: new Set<unknown>(),
    early: early?.views,
    renamedFrom: new Map((options.renames ?? []).filter((r) => r.kind === kind.kind).map((r) => [r.to, r.from])),
    declared: decls.length > 0,
  };
  const step = (decl: Declaration): void => {
    const found = matchDeclaration(run, decl);
    if (!found) return;
    if (found.match !== undefined) run.matched.add(found.match);
    if (!inTarget(kind.kind, decl.name) && !(found.renamedFrom !== undefined && inTarget(kind.kind, found.renamedFrom))) return;
    planDeclared(run, decl, found.match, ignoreOf(decl, options), found.renamedFrom, options.resend?.includes(`${kind.kind}/${decl.name}`) ?? false);
  };
  const done = (): KindPart => {
    if (kind.claims) noteClaims(run, decls, inTarget);
    planUndeclared(run, liveObjs, options, inTarget);
    return run.part;
  };
  return each(decls, step, done);
}

/** One kind's plan as it is made: the part so far, the live objects by id and name, and those declarations matched. */
interface KindRun {
  kind: Kind;
  part: KindPart;
  index: Index;
  matched: Set<unknown>;
  early?: ReadonlyMap<unknown, EarlyView>;
  /** --base renames of this kind: new name → name at the base. */
  renamedFrom: ReadonlyMap<string, string>;
  /** False for a kind planned only for its removed declarations: nothing else of it is pruned or listed. */
  declared: boolean;
}

/** The live object a declaration names (its pinned id, else its name); undefined when the declaration is not
 * planned (an unknown pinned id, an ambiguous name: each noted in the part). `match` undefined: nothing live yet. */
function matchDeclaration(run: KindRun, decl: Declaration): { match: unknown; renamedFrom?: string } | undefined {
  const { kind, part, index } = run;
  const kindName = kind.kind;
  const pinnedId = pinnedIdOf(kind, decl.spec as Record<string, unknown>);
  if (pinnedId !== undefined) {
    const match = index.byId.get(pinnedId);
    if (match === undefined) {
      const at = pinnedIdPath(kind);
      part.diagnostics.push({ ...decl.positionOf(at), path: at.join('.'), message: `no live ${kindName} has id '${pinnedId}'` });
      return undefined;
    }
    const liveName = kind.nameOf(match);
    if (liveName !== decl.name && !decl.name.startsWith(liveName)) {
      part.notes.push(`${kindName}/${decl.name} pins id ${pinnedId}, which Qualys names '${liveName}': the pinned object is the one changed.`);
    }
    return { match };
  }
  const candidates = index.byName.get(decl.name) ?? [];
  const from = run.renamedFrom.get(decl.name);
  if (candidates.length === 0 && from !== undefined) return matchRenamed(run, decl, from);
  if (candidates.length > 1) {
    part.ambiguous.push(`${kindName}/${decl.name}: ${candidates.length} live objects share this name (ids ${candidates.map((c) => kind.idOf(c)).join(', ')})`);
    for (const c of candidates) run.matched.add(c);
    return undefined;
  }
  return { match: candidates[0] };
}

/** A declaration renamed since the base (same place, new name, nothing live under the new name): the live object of
 * its old name, renamed. A kind that cannot rename says so at the declaration's name. */
function matchRenamed(run: KindRun, decl: Declaration, from: string): { match: unknown; renamedFrom?: string } | undefined {
  const { kind, part, index } = run;
  const olds = index.byName.get(from) ?? [];
  if (olds.length === 0) return { match: undefined }; // nothing live to rename: a create
  if (!canRename(kind)) {
    part.diagnostics.push({
      ...decl.positionOf(['metadata', 'name']),
      path: 'metadata.name',
      message: `${kind.kind} objects cannot be renamed: metadata.name was '${from}' at the base commit; keep that name (Qualys names ${kind.kind} objects itself)`,
    });
    for (const o of olds) run.matched.add(o);
    return undefined;
  }
  if (olds.length > 1) {
    part.ambiguous.push(`${kind.kind}/${from} (renamed to '${decl.name}'): ${olds.length} live objects share this name (ids ${olds.map((c) => kind.idOf(c)).join(', ')})`);
    for (const o of olds) run.matched.add(o);
    return undefined;
  }
  return { match: olds[0], renamedFrom: from };
}

/** A declared object against its live object: the managed view and its patch, and the keys the declaration
 * manages there. An unchanged object (no ignored path) gets the shared UNCHANGED: no view to make, no diff to run. */
function compare(kind: Kind, spec: Record<string, unknown>, live: unknown, ignore: readonly string[], made: Canonical = {}): { view: ManagedView; patch: jsonpatch.Operation[]; managed: ReadonlySet<string> } {
  const want = made.want ?? kind.canonical(spec);
  const have = made.have ?? kind.canonicalLive(live);
  const unchanged = ignore.length === 0 ? unchangedKeys(kind, spec, want, have) : undefined;
  if (unchanged) return { ...UNCHANGED, managed: unchanged };
  const view = managedView(kind, spec, live, ignore, { want, have });
  return { view, patch: diff(view.before, view.after, kind.setFields), managed: view.managed };
}

/** A declaration's change: a create when nothing live matches, an update when the managed fields differ. */
function planDeclared(run: KindRun, decl: Declaration, match: unknown, ignore: string[], renamedFrom?: string, resend = false): void {
  const { kind, part, index } = run;
  const kindName = kind.kind;
  const spec = decl.spec as Record<string, unknown>;
  if (match === undefined) {
    if (!kind.can.create) {
      const known = [...index.byName.keys()].filter((n) => n.toLowerCase().includes(decl.name.toLowerCase().slice(0, 4))).slice(0, 5);
      part.diagnostics.push({
        ...decl.positionOf(['metadata', 'name']),
        path: 'metadata.name',
        message: `no live ${kindName} is named '${decl.name}', and ${kindName} objects cannot be created${known.length ? ` (similar names: ${known.join(', ')})` : ''}`,
      });
      return;
    }
    const after = desiredState(kind, spec);
    part.upserts.push({ kind: kindName, name: decl.name, action: 'create', patch: diff({}, after), after, spec, fingerprint: null, source: decl.source, ...(ignore.length ? { ignore } : {}) });
    return;
  }
  if (kind.isProtected(match)) {
    part.notes.push(`${kindName}/${decl.name} is a protected system object: it is never changed, so its declaration is ignored.`);
    return;
  }
  const early = run.early?.get(match);
  const { view, patch } = early?.decl === decl ? early : compare(kind, spec, match, ignore);
  const { before, after, ignoredDiffers } = view;
  if (ignoredDiffers.length) part.ignored.push({ kind: kindName, name: decl.name, paths: ignoredDiffers });
  // apply --replace-credentials: the write-only fields (never compared) are sent again, shown as such
  const resent = resend && kind.can.update ? Object.entries(writeOnlyValues(kind, kind.canonical(spec))).map(([k, value]) => ({ op: 'add' as const, path: `/${k}`, value })) : [];
  if (patch.length === 0 && resent.length === 0 && renamedFrom === undefined) {
    part.unchanged++;
    return;
  }
  if (!kind.can.update) {
    part.manual.push({ kind: kindName, name: decl.name, id: kind.idOf(match), patch, before, after, source: decl.source });
    return;
  }
  part.upserts.push({
    kind: kindName,
    name: decl.name,
    action: 'update',
    id: kind.idOf(match),
    patch: [...patch, ...resent],
    before,
    after,
    spec,
    fingerprint: fingerprint(kind.canonicalLive(match)),
    source: decl.source,
    ...(ignore.length ? { ignore } : {}),
    ...(renamedFrom !== undefined ? { renamedFrom } : {}),
  });
}

/** A declared object claiming a value (a registry) an undeclared live object holds: planned, with a note naming the
 * object the value moves from (one object a value: Kind.claims). */
function noteClaims(run: KindRun, decls: readonly Declaration[], inTarget: InTarget): void {
  const { kind, part, index, matched } = run;
  const { field, what } = kind.claims!;
  const holders = [...index.byId.values()].filter((o) => !matched.has(o));
  for (const d of decls) {
    if (!inTarget(kind.kind, d.name)) continue;
    const own = index.byName.get(d.name);
    for (const v of newClaims(kind, d.spec as Record<string, unknown>, own?.length === 1 ? own[0] : undefined)) {
      const holder = holders.find((o) => ((kind.canonicalLive(o)[field] as unknown[] | undefined) ?? []).includes(v));
      if (holder === undefined) continue;
      part.notes.push(
        `warning: ${kind.kind}/${d.name} claims ${what} ${v}, which the undeclared ${kind.kind} '${kind.nameOf(holder)}' holds: applying moves it from '${kind.nameOf(holder)}' to '${d.name}' (one ${kind.kind} a ${what}).`,
      );
    }
  }
}

/** The live objects no declaration matched: deletes of those whose declaration was removed since the base (--base),
 * deletes with --prune (within its scope), else left alone and listed by name (built-in objects counted apart). */
function planUndeclared(run: KindRun, liveObjs: readonly unknown[], options: PlanOptions, inTarget: InTarget): void {
  const { kind, part, matched } = run;
  const kindName = kind.kind;
  const inPruneScope = pruneScopeTest(options);
  // removed since the base; and a renamed declaration's old name when its object was not renamed (the new name was
  // already live): its declaration is gone all the same
  const removed = new Set([...(options.removed?.objects ?? []).filter((o) => o.kind === kindName).map((o) => o.name), ...run.renamedFrom.values()]);
  const pruning = !!options.prune && kind.can.delete && run.declared;
  const builtIn = isBuiltInKind(kind);
  const liveNames = new Map<string, number>();
  if (removed.size) for (const obj of liveObjs) if (!matched.has(obj)) liveNames.set(kind.nameOf(obj), (liveNames.get(kind.nameOf(obj)) ?? 0) + 1);
  for (const obj of liveObjs) {
    if (matched.has(obj)) continue;
    const name = kind.nameOf(obj);
    if (!run.declared && !removed.has(name)) continue;
    if (kind.isProtected(obj)) {
      if (removed.has(name)) part.notes.push(`${kindName}/${name} was removed from the declarations, but it is a protected system object: it is never deleted.`);
      else if (pruning) part.notes.push(`${kindName}/${name} is a protected system object: it is never pruned.`);
      continue;
    }
    if (removed.has(name) && kind.can.delete) {
      if (!inTarget(kindName, name)) continue;
      if (liveNames.get(name)! > 1) {
        part.notes.push(`${kindName}/${name} was removed from the declarations, but ${liveNames.get(name)} live objects share this name: none is deleted (delete the right one in Qualys).`);
        continue;
      }
      part.deletes.push({ ...deleteOf(kind, obj, name), reason: 'removed', ...(options.removed ? { since: options.removed.since } : {}) });
      continue;
    }
    if (builtIn) {
      part.builtIn++;
      continue;
    }
    if (!pruning) {
      part.unmanaged++;
      part.undeclared.push(name);
      continue;
    }
    if (!inTarget(kindName, name)) continue;
    if (!inPruneScope(kindName, name)) {
      part.leftAlone++;
      part.undeclared.push(name);
      continue;
    }
    part.deletes.push(deleteOf(kind, obj, name));
  }
  part.undeclared.sort();
}

/** A planned delete. It shows what the list item carries (undeclared objects are not read in detail). */
function deleteOf(kind: Kind, obj: unknown, name: string): PlannedChange {
  const before = carriedView(kind, obj);
  return { kind: kind.kind, name, action: 'delete', id: kind.idOf(obj), patch: diff(before, {}), before, fingerprint: fingerprint(before) };
}

export const eachSync = (decls: readonly Declaration[], step: (d: Declaration) => void, done: () => KindPart): KindPart => {
  for (const d of decls) step(d);
  return done();
};

/** Declarations planned between two returns to the event loop in makePlan. */
const SLICE = 250;
const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export const eachSliced = async (decls: readonly Declaration[], step: (d: Declaration) => void, done: () => KindPart): Promise<KindPart> => {
  for (let i = 0; i < decls.length; i++) {
    if (i > 0 && i % SLICE === 0) await yieldToLoop();
    step(decls[i]!);
  }
  return done();
};

/** A managed view computed before the whole list was read: valid for the declaration it was made for. */
interface EarlyView {
  decl: Declaration;
  view: ManagedView;
  patch: jsonpatch.Operation[];
}

/** What planDeclared reads of an unchanged object's view (one shared value: thousands of unchanged objects
 * allocate nothing for it). */
const UNCHANGED: Omit<EarlyView, 'decl'> = Object.freeze({
  view: Object.freeze({ managed: new Set<string>(), before: Object.freeze({}), after: Object.freeze({}), ignoredDiffers: Object.freeze([]) as unknown as string[] }),
  patch: Object.freeze([]) as unknown as jsonpatch.Operation[],
});

/** The plan of one kind started as its list pages arrive (`onItems`): the live objects indexed by name and id, and
 * the managed view of each declared object whose list item carries every field its declaration manages. planKind
 * uses them when the objects it is given are the very ones told (else it indexes and views anew); readForPlan
 * skips the detail check of the objects viewed. Declarations pinned by id are planned after the read, as always. */
export class EarlyPlan implements PageTap {
  readonly views = new Map<unknown, EarlyView>();
  private readonly declared = new Map<string, Declaration>();
  private readonly index: Index = { byName: new Map(), byId: new Map() };
  private readonly seen = new Set<unknown>();
  private idClash = false;
  private indexed?: { items: readonly unknown[]; index: Index | undefined };
  /** The declarations' canonical forms, made while the first answers are awaited (prepare). */
  private readonly wanted = new Map<Declaration, Record<string, unknown>>();

  constructor(
    private readonly kind: Kind,
    decls: readonly Declaration[],
    private readonly options: PlanOptions,
    inTarget: InTarget,
  ) {
    for (const d of decls) if (kind.declaredId?.(d.spec as Record<string, unknown>) === undefined && inTarget(kind.kind, d.name)) this.declared.set(d.name, d);
  }

  readonly onItems = (items: unknown[]): void => {
    const { kind, index } = this;
    for (const item of items) {
      const name = kind.nameOf(item);
      const id = kind.idOf(item);
      this.seen.add(item);
      const same = index.byName.get(name);
      if (same) same.push(item);
      else index.byName.set(name, [item]);
      if (index.byId.has(id)) this.idClash = true;
      index.byId.set(id, item);
      const decl = this.declared.get(name);
      if (!decl || kind.isProtected(item)) continue;
      const c = compare(kind, decl.spec as Record<string, unknown>, item, ignoreOf(decl, this.options), { want: this.wanted.get(decl) });
      // an item lacking a managed field is read in detail, and compared after the read
      if (carriesAll(kind, item, c.managed)) this.views.set(item, { decl, view: c.view, patch: c.patch });
    }
  };

  /** Makes the declarations' canonical forms in slices that give the event loop back, so it runs while the API is
   * answering (the first page comes after the token and one round trip). */
  async prepare(): Promise<void> {
    let n = 0;
    for (const d of this.declared.values()) {
      if (++n % SLICE === 0) await yieldToLoop();
      if (!this.wanted.has(d)) this.wanted.set(d, this.kind.canonical(d.spec as Record<string, unknown>));
    }
  }

  /** The index of `items` when they are exactly the objects told (names shared by several in `items`' order);
   * readForPlan and planKind ask for the same list, which is checked once. */
  indexOf(items: readonly unknown[]): Index | undefined {
    if (this.indexed?.items !== items) this.indexed = { items, index: this.indexFor(items) };
    return this.indexed.index;
  }

  private indexFor(items: readonly unknown[]): Index | undefined {
    if (this.idClash || items.length !== this.seen.size || !items.every((it) => this.seen.has(it))) return undefined;
    const shared = [...this.index.byName.values()].filter((l) => l.length > 1);
    if (shared.length > 0) {
      const at = new Map(items.map((it, i) => [it, i]));
      for (const l of shared) l.sort((a, b) => at.get(a)! - at.get(b)!);
    }
    return this.index;
  }

  viewedFor(item: unknown, decl: Declaration): boolean {
    return this.views.get(item)?.decl === decl;
  }
}
