// Builds a plan: fetch the live state of the kinds in play, match declarations to live objects by name,
// diff canonical forms with fast-json-patch, and order the changes. `buildPlan` is pure.
import type { ApiClient } from '../api/types.js';
import { errorMessage, PlanError, ValidationError, type Diagnostic } from '../errors.js';
import type { Kind, RefContext } from '../kinds/types.js';
import type { Declaration, KindName } from '../types.js';
import type { IgnoredDifference, ManualChange, Plan, PlannedChange } from './model.js';
import { desiredState } from './desired.js';
import { mapLimit } from './util.js';
import { applyOrder } from './order.js';
import { forKind } from './util.js';
import type { PlanOptions, ReadProgress } from './plan-options.js';
import { readAll, readForPlan } from './fetch.js';
import { suggest } from '../declarations/messages.js';
import { EarlyPlan, eachSliced, eachSync, planKind, targetFilter, type InTarget, type KindPart } from './plan-kind.js';

export { diff, ignoreOf } from './plan-kind.js';
export type { PlanOptions, ReadProgress } from './plan-options.js';

/** Whether --prune is limited (by name globs or kinds). */
function pruneIsScoped(options: PlanOptions): boolean {
  return !!options.prune && ((options.pruneMatch?.length ?? 0) > 0 || (options.pruneKinds?.length ?? 0) > 0);
}

export type LiveState = Map<KindName, unknown[]>;

/** Kinds whose live state a set of declarations needs (and the kinds of declarations removed since the base). */
export function kindsInPlay(kinds: readonly Kind[], declarations: readonly Declaration[], options: Pick<PlanOptions, 'removed'> = {}): Kind[] {
  const declared = new Set(declarations.map((d) => d.kind));
  for (const o of options.removed?.objects ?? []) declared.add(o.kind);
  return kinds.filter((k) => declared.has(k.kind));
}

/** Reads the whole live state of the given kinds (every object with every field), in parallel (the client
 * bounds the concurrency): what an export needs. A plan reads less (makePlan, engine/fetch.ts). */
export async function fetchLive(api: ApiClient, kinds: readonly Kind[], onProgress?: (event: ReadProgress) => void): Promise<LiveState> {
  let done = 0;
  const lists = await Promise.all(
    kinds.map(async (k) => {
      const list = await readAll(forKind(api, k), k);
      onProgress?.({ kind: k.kind, objects: list.length, kindsDone: ++done, kindsTotal: kinds.length });
      return list;
    }),
  );
  return new Map(kinds.map((k, i) => [k.kind, lists[i]!]));
}

/** Reads the live state as a plan of `declarations` reads it (summaries, details where a declaration needs
 * them): what `apply --plan` re-reads to check a saved plan's fingerprints, so both read alike. */
export async function fetchForPlan(api: ApiClient, kinds: readonly Kind[], declarations: readonly Declaration[], renames?: PlanOptions['renames']): Promise<LiveState> {
  const grouped = declarationsByKind(declarations);
  const lists = await Promise.all(kinds.map((k) => readForPlan(forKind(api, k), k, grouped.get(k.kind) ?? [], undefined, renames)));
  return new Map(kinds.map((k, i) => [k.kind, lists[i]!]));
}

/** The --target values as `Kind/name`, the kind spelt as the registry spells it (any case is accepted). */
function parseTargets(targets: string[] | undefined, kinds: readonly Kind[]): Set<string> | undefined {
  if (!targets || targets.length === 0) return undefined;
  const out = new Set<string>();
  for (const t of targets) {
    const slash = t.indexOf('/');
    if (slash <= 0 || slash === t.length - 1) throw new PlanError('E_TARGET', `--target '${t}' is not of the form KIND/NAME`, [], 'Example: --target Exception/log4j-accepted');
    const given = t.slice(0, slash);
    const kind = kinds.find((k) => k.kind.toLowerCase() === given.toLowerCase());
    if (!kind) {
      const guess = suggest(given, kinds.map((k) => k.kind));
      throw new PlanError('E_TARGET', `--target '${t}': unknown kind '${given}'${guess ? `; did you mean '${guess}'?` : ''}`, [], `The kinds are: ${kinds.map((k) => k.kind).join(', ')}`);
    }
    out.add(`${kind.kind}/${t.slice(slash + 1)}`);
  }
  return out;
}

/** Every --target must name a declared or a live object (or one removed since the base): a target that matches
 * nothing is an error, never a silent "No changes". */
function checkTargets(targets: Set<string> | undefined, kinds: readonly Kind[], grouped: Map<KindName, Declaration[]>, live: LiveState, options: PlanOptions): void {
  if (!targets) return;
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  for (const t of targets) {
    const slash = t.indexOf('/');
    const kindName = t.slice(0, slash);
    const name = t.slice(slash + 1);
    const kind = byKind.get(kindName)!;
    const names = new Set((grouped.get(kindName) ?? []).map((d) => d.name));
    for (const o of live.get(kindName) ?? []) names.add(kind.nameOf(o));
    for (const r of options.renames ?? []) if (r.kind === kindName) names.add(r.from);
    if (names.has(name)) continue;
    const guess = suggest(name, [...names]);
    const read = live.has(kindName);
    throw new PlanError(
      'E_TARGET_NOT_FOUND',
      `--target ${t}: no declared or live ${kindName} named '${name}'${guess ? `; did you mean '${kindName}/${guess}'?` : ''}`,
      [],
      read ? `Name an object the declarations or the account hold (plan without --target lists them).` : `No ${kindName} is declared, so the plan does not read them: declare it, or target a declared kind.`,
    );
  }
}

function byName(a: Declaration, b: Declaration): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Declarations by kind, each list sorted by name (one pass over the declarations, not one per kind). */
function declarationsByKind(declarations: readonly Declaration[]): Map<KindName, Declaration[]> {
  const out = new Map<KindName, Declaration[]>();
  for (const d of declarations) {
    const list = out.get(d.kind);
    if (list) list.push(d);
    else out.set(d.kind, [d]);
  }
  for (const list of out.values()) list.sort(byName);
  return out;
}

/** Puts the kinds' parts together in apply order and applies the plan-wide checks. */
function assemble(kinds: readonly Kind[], parts: Map<KindName, KindPart>, options: PlanOptions): Plan {
  const order = applyOrder(kinds);
  const diagnostics: Diagnostic[] = [];
  const ambiguous: string[] = [];
  const notes: string[] = [];
  const upserts: PlannedChange[] = [];
  const deletes: PlannedChange[] = [];
  let unchanged = 0;
  let unmanaged = 0;
  let leftAlone = 0;
  const ignored: IgnoredDifference[] = [];
  const undeclared: Record<string, string[]> = {};
  const builtIn: Record<string, number> = {};
  const manual: ManualChange[] = [];
  for (const kindName of order) {
    const part = parts.get(kindName);
    if (!part) continue;
    manual.push(...part.manual);
    diagnostics.push(...part.diagnostics);
    ambiguous.push(...part.ambiguous);
    notes.push(...part.notes);
    for (const u of part.upserts) upserts.push(u);
    for (const d of part.deletes) deletes.push(d);
    unchanged += part.unchanged;
    unmanaged += part.unmanaged;
    leftAlone += part.leftAlone;
    ignored.push(...part.ignored);
    if (part.undeclared.length) undeclared[kindName] = part.undeclared;
    if (part.builtIn) builtIn[kindName] = part.builtIn;
  }

  if (diagnostics.length) throw new ValidationError(diagnostics);
  if (ambiguous.length) {
    throw new PlanError('E_AMBIGUOUS_NAME', 'Some declarations match more than one live object; qcs-gitops will not guess which one to manage.', ambiguous, 'Rename or delete the duplicates in Qualys so each name is unique.');
  }
  const maxDeletes = options.maxDeletes ?? 10;
  if (deletes.length > maxDeletes && !options.allowMassDelete) {
    throw new PlanError(
      'E_MASS_DELETE',
      `The plan would delete ${deletes.length} objects, more than --max-deletes ${maxDeletes}.`,
      deletes.map((d) => `${d.kind}/${d.name}`),
      'Declare the objects to keep, raise --max-deletes, or pass --allow-mass-delete if this is intended.',
    );
  }

  // deletes run in reverse kind order
  const rank = new Map(order.map((k, i) => [k, i]));
  deletes.sort((a, b) => rank.get(b.kind)! - rank.get(a.kind)! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const ig of ignored) {
    const n = ig.paths.length;
    notes.push(`${ig.kind}/${ig.name}: ${n} ignored field${n === 1 ? ' differs' : 's differ'} (${ig.paths.join(', ')}); the live value${n === 1 ? ' is' : 's are'} kept.`);
  }
  if (manual.length > 0) notes.push(`${manual.length} difference${manual.length === 1 ? '' : 's'} cannot be written through the API (${manual.map((m) => `${m.kind}/${m.name}`).join(', ')}): make ${manual.length === 1 ? 'it' : 'them'} by hand in Qualys, or change the declaration to match.`);
  if (unmanaged > 0) notes.push(`${unmanaged} live object${unmanaged === 1 ? ' is' : 's are'} not declared: left alone (use --prune to delete them).`);
  for (const [kindName, n] of Object.entries(builtIn)) {
    const label = kinds.find((k) => k.kind === kindName)!.folder.replace(/-/g, ' ');
    notes.push(`${n} built-in ${n === 1 ? label.replace(/s$/, '') : label} ${n === 1 ? 'is' : 'are'} not declared; ${n === 1 ? 'it is' : 'they are'} never deleted.`);
  }
  const scoped = pruneIsScoped(options);
  if (scoped) {
    const what = [
      ...(options.pruneMatch?.length ? [`names matching ${options.pruneMatch.map((g) => `'${g}'`).join(' or ')}`] : []),
      ...(options.pruneKinds?.length ? [`kinds ${options.pruneKinds.join(', ')}`] : []),
    ].join(' and ');
    notes.push(`--prune is limited to ${what}: ${leftAlone} undeclared object${leftAlone === 1 ? ' is' : 's are'} outside that scope and left alone.`);
  }
  const changes = [...upserts, ...deletes];
  let create = 0;
  let update = 0;
  for (const c of changes) {
    if (c.action === 'create') create++;
    else if (c.action === 'update') update++;
  }
  return {
    formatVersion: 1,
    changes,
    summary: { create, update, delete: deletes.length, unchanged, unmanaged: unmanaged + leftAlone, ...(manual.length ? { manual: manual.length } : {}) },
    notes,
    ...(manual.length ? { manual } : {}),
    ...(ignored.length ? { ignoredDifferences: ignored } : {}),
    ...(scoped ? { pruneScope: { match: [...(options.pruneMatch ?? [])], kinds: [...(options.pruneKinds ?? [])], leftAlone } } : {}),
    ...(Object.keys(undeclared).length ? { undeclared } : {}),
    ...(Object.keys(builtIn).length ? { builtIn } : {}),
  };
}

export function buildPlan(kinds: readonly Kind[], declarations: readonly Declaration[], live: LiveState, options: PlanOptions = {}): Plan {
  const order = applyOrder(kinds);
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  const targets = parseTargets(options.targets, kinds);
  const inTarget = targetFilter(targets);
  const grouped = declarationsByKind(declarations);
  const inPlay = new Set(kindsInPlay(kinds, declarations, options).map((k) => k.kind));
  const parts = new Map<KindName, KindPart>();
  const ctx = refContext(grouped, (k) => live.get(k) ?? []);
  for (const kindName of order) {
    if (!inPlay.has(kindName)) continue;
    const decls = grouped.get(kindName) ?? [];
    const kind = byKind.get(kindName)!;
    const resolved = resolveDeclarations(kind, decls, ctx);
    const part = planKind(kind, resolved.decls, live.get(kindName) ?? [], options, inTarget, eachSync);
    part.diagnostics.push(...resolved.diagnostics);
    part.notes.push(...resolved.notes);
    keepHeld(kind, part, ctx);
    parts.set(kindName, part);
  }
  checkTargets(targets, kinds, grouped, live, options);
  return assemble(kinds, parts, options);
}

/** The declared specs and the live objects of every kind, as `resolve` and `heldBy` read them. */
function refContext(grouped: Map<KindName, Declaration[]>, live: (kind: KindName) => readonly unknown[]): RefContext {
  return { declared: (k) => grouped.get(k) ?? [], live };
}

/** The declarations of a kind with their references resolved (Kind.resolve); the issues as diagnostics at their lines. */
function resolveDeclarations(kind: Kind, decls: Declaration[], ctx: RefContext): { decls: Declaration[]; diagnostics: Diagnostic[]; notes: string[] } {
  if (!kind.resolve) return { decls, diagnostics: [], notes: [] };
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  const out = decls.map((d) => {
    const { spec, issues } = kind.resolve!(d.spec, ctx, d.name);
    for (const i of issues) {
      const path = ['spec', ...i.path];
      // a warning of the resolution (a value filled in) is a note of the plan
      if (i.severity === 'warning') notes.push(`${kind.kind}/${d.name}: ${path.join('.')}: ${i.message}`);
      else diagnostics.push({ ...d.positionOf(path), path: path.join('.'), message: i.message });
    }
    return spec === d.spec ? d : { ...d, spec };
  });
  return { decls: out, diagnostics, notes };
}

/** Drops the planned deletes of objects that other live objects still name (Kind.heldBy), with a note each. */
function keepHeld(kind: Kind, part: KindPart, ctx: RefContext): void {
  if (!kind.heldBy || part.deletes.length === 0) return;
  const byId = new Map<string, unknown>();
  for (const o of ctx.live(kind.kind)) byId.set(kind.idOf(o), o);
  part.deletes = part.deletes.filter((c) => {
    const live = byId.get(c.id ?? '');
    const holders = live === undefined ? [] : kind.heldBy!(live, ctx);
    if (holders.length === 0) return true;
    part.notes.push(`${c.kind}/${c.name} is not pruned: ${holders.join(', ')} still name${holders.length === 1 ? 's' : ''} it.`);
    return false;
  });
}

/** Asks the API about every create and update of a kind that checks its writes (Kind.checkWrite) with the body the
 * apply would send; a refusal is a diagnostic at the declaration. */
async function checkWrites(api: ApiClient, kind: Kind, part: KindPart, list: readonly unknown[]): Promise<void> {
  if (!kind.checkWrite) return;
  const byId = new Map<string, unknown>();
  for (const o of list) byId.set(kind.idOf(o), o);
  const writes = part.upserts.filter((c) => c.action === 'create' || c.action === 'update');
  const answers = await mapLimit(writes, 4, async (c) => {
    const live = c.action === 'update' ? byId.get(c.id ?? '') : undefined;
    return kind.checkWrite!(forKind(api, kind), c.name, desiredState(kind, c.spec ?? {}, live, c.ignore), live);
  });
  writes.forEach((c, i) => {
    const a = answers[i]!;
    const refusal = a.started ? a.value : undefined;
    if (refusal === undefined) return;
    const at = c.source ?? { file: '(unknown)', line: 1, column: 1 };
    part.diagnostics.push({ ...at, path: '', message: `${c.kind}/${c.name}: the API refuses the ${c.action} this plan would send: ${refusal}` });
  });
}

/** Fetch + build: the whole plan step. Each kind is planned as soon as its live state has arrived, in slices,
 * while the other kinds are still being read; the plan is the one buildPlan makes from the same state. */
export async function makePlan(api: ApiClient, kinds: readonly Kind[], declarations: readonly Declaration[], options: PlanOptions = {}): Promise<{ plan: Plan; live: LiveState }> {
  const inPlay = kindsInPlay(kinds, declarations, options);
  let inTarget: InTarget;
  let targets: Set<string> | undefined;
  try {
    targets = parseTargets(options.targets, kinds);
    inTarget = targetFilter(targets);
  } catch {
    // A malformed --target: read first and let buildPlan report it, as it always has.
    const live = await fetchLive(api, inPlay, options.onProgress);
    return { plan: buildPlan(kinds, declarations, live, options), live };
  }
  const grouped = declarationsByKind(declarations);
  const parts = new Map<KindName, KindPart>();
  const byName = new Map(kinds.map((k) => [k.kind, k]));
  // Kinds other kinds refer to (Kind.refersTo) are read too, whole, when no declaration of theirs is in play.
  const referenced = [...new Set(inPlay.flatMap((k) => k.refersTo ?? []))].filter((n) => !inPlay.some((k) => k.kind === n) && byName.has(n));
  const lists = new Map<KindName, Promise<unknown[]>>();
  const earlies = new Map<KindName, EarlyPlan>();
  for (const k of inPlay) {
    const decls = grouped.get(k.kind) ?? [];
    // a kind that resolves references is planned on its resolved declarations, after the read
    const early = k.resolve ? undefined : new EarlyPlan(k, decls, options, inTarget);
    if (early) earlies.set(k.kind, early);
    lists.set(k.kind, readForPlan(forKind(api, k), k, decls, early, options.renames));
  }
  // a kind read only to resolve names: a failed read leaves names unresolved (and noted), not the whole plan failed
  const refNotes: string[] = [];
  for (const n of referenced) {
    lists.set(
      n,
      readAll(forKind(api, byName.get(n)!), byName.get(n)!).catch((e: unknown) => {
        refNotes.push(`${n} objects could not be listed (${errorMessage(e)}): names of them cannot be resolved in this plan.`);
        return [];
      }),
    );
  }
  for (const p of lists.values()) p.catch(() => undefined); // each is awaited below; none is left unhandled meanwhile
  const liveOf = async (names: readonly KindName[]): Promise<RefContext> => {
    const got = new Map<KindName, unknown[]>();
    await Promise.all(names.filter((n) => lists.has(n)).map(async (n) => got.set(n, await lists.get(n)!)));
    return refContext(grouped, (n) => got.get(n) ?? []);
  };
  let kindsDone = 0;
  await Promise.all(
    inPlay.map(async (k) => {
      const decls = grouped.get(k.kind) ?? [];
      const early = earlies.get(k.kind);
      const [list] = await Promise.all([lists.get(k.kind)!, early?.prepare()]);
      options.onProgress?.({ kind: k.kind, objects: list.length, kindsDone: ++kindsDone, kindsTotal: inPlay.length });
      const looked = k.lookup && decls.length ? await k.lookup(forKind(api, k), decls.map((d) => d.spec)) : {};
      const ctx = { ...(await liveOf([...(k.refersTo ?? []), k.kind])), lookup: (n: string) => looked[n] };
      const resolved = resolveDeclarations(k, decls, ctx);
      const part = await planKind(k, resolved.decls, list, options, inTarget, eachSliced, early);
      part.diagnostics.push(...resolved.diagnostics);
      part.notes.push(...resolved.notes);
      if (part.deletes.length > 0 && k.heldBy) keepHeld(k, part, await heldContext(api, k, byName, grouped, list));
      if (part.diagnostics.length === 0) await checkWrites(api, k, part, list);
      parts.set(k.kind, part);
    }),
  );
  const live: LiveState = new Map();
  for (const k of inPlay) live.set(k.kind, await lists.get(k.kind)!);
  checkTargets(targets, kinds, grouped, live, options);
  const plan = assemble(kinds, parts, options);
  plan.notes.push(...refNotes);
  return { plan, live };
}

/** What heldBy reads before a prune: the kind's own live objects and the whole live objects (details included) of
 * the kinds that may name them (Kind.heldByKinds). */
async function heldContext(api: ApiClient, kind: Kind, byName: Map<KindName, Kind>, grouped: Map<KindName, Declaration[]>, own: unknown[]): Promise<RefContext> {
  const got = new Map<KindName, unknown[]>([[kind.kind, own]]);
  await Promise.all(
    (kind.heldByKinds ?? []).map(async (n) => {
      const other = byName.get(n);
      if (other) got.set(n, await readAll(forKind(api, other), other));
    }),
  );
  return refContext(grouped, (n) => got.get(n) ?? []);
}

/** The plan changes something or asks for a change by hand (Plan.manual): drift either way. */
export function hasChanges(plan: Plan): boolean {
  return plan.changes.length > 0 || (plan.manual?.length ?? 0) > 0;
}
