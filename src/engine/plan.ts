// Builds a plan: fetch the live state of the kinds in play, match declarations to live objects by name,
// diff canonical forms with fast-json-patch, and order the changes. `buildPlan` is pure.
import jsonpatch from 'fast-json-patch';
import type { ApiClient } from '../api/types.js';
import { PlanError, ValidationError, type Diagnostic } from '../errors.js';
import type { Kind } from '../kinds/types.js';
import type { Declaration, KindName } from '../types.js';
import type { Plan, PlannedChange } from './model.js';
import { applyOrder } from './order.js';
import { fingerprint } from './util.js';

export interface PlanOptions {
  /** Plan deletion of undeclared live objects of the declared kinds. */
  prune?: boolean;
  /** Most deletes a plan may hold without allowMassDelete (default 10). */
  maxDeletes?: number;
  allowMassDelete?: boolean;
  /** Limit the plan to these objects (`Kind/name`). */
  targets?: string[];
}

export type LiveState = Map<KindName, unknown[]>;

/** Kinds whose live state a set of declarations needs. */
export function kindsInPlay(kinds: readonly Kind[], declarations: readonly Declaration[]): Kind[] {
  const declared = new Set(declarations.map((d) => d.kind));
  return kinds.filter((k) => declared.has(k.kind));
}

/** Reads the live state of the given kinds, in parallel (the client bounds the concurrency). */
export async function fetchLive(api: ApiClient, kinds: readonly Kind[]): Promise<LiveState> {
  const lists = await Promise.all(kinds.map((k) => k.list(api)));
  return new Map(kinds.map((k, i) => [k.kind, lists[i]!]));
}

/** Canonical live form restricted to what the declaration manages. */
export function ownedLive(kind: Kind, live: unknown, spec: Record<string, unknown> | undefined): Record<string, unknown> {
  const full = kind.canonicalLive(live);
  const owned = spec ? kind.ownedFields?.(spec) : undefined;
  if (!owned) return full;
  const out: Record<string, unknown> = {};
  for (const k of owned) if (k in full) out[k] = full[k];
  return out;
}

export function diff(before: Record<string, unknown>, after: Record<string, unknown>): jsonpatch.Operation[] {
  return jsonpatch.compare(before, after);
}

interface Index {
  byName: Map<string, unknown[]>;
  byId: Map<string, unknown>;
}

function indexLive(kind: Kind, live: readonly unknown[]): Index {
  const byName = new Map<string, unknown[]>();
  const byId = new Map<string, unknown>();
  for (const obj of live) {
    const name = kind.nameOf(obj);
    const list = byName.get(name);
    if (list) list.push(obj);
    else byName.set(name, [obj]);
    byId.set(kind.idOf(obj), obj);
  }
  return { byName, byId };
}

function parseTargets(targets: string[] | undefined): Set<string> | undefined {
  if (!targets || targets.length === 0) return undefined;
  const out = new Set<string>();
  for (const t of targets) {
    const slash = t.indexOf('/');
    if (slash <= 0 || slash === t.length - 1) throw new PlanError('E_TARGET', `--target '${t}' is not of the form KIND/NAME`, [], 'Example: --target Exception/log4j-accepted');
    out.add(t);
  }
  return out;
}

export function buildPlan(kinds: readonly Kind[], declarations: readonly Declaration[], live: LiveState, options: PlanOptions = {}): Plan {
  const order = applyOrder(kinds);
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  const targets = parseTargets(options.targets);
  const inTarget = (kind: string, name: string) => !targets || targets.has(`${kind}/${name}`);

  const diagnostics: Diagnostic[] = [];
  const ambiguous: string[] = [];
  const notes: string[] = [];
  const upserts: PlannedChange[] = [];
  const deletes: PlannedChange[] = [];
  let unchanged = 0;
  let unmanaged = 0;

  const declaredKinds = new Set(declarations.map((d) => d.kind));
  for (const kindName of order) {
    if (!declaredKinds.has(kindName)) continue;
    const kind = byKind.get(kindName)!;
    const liveObjs = live.get(kindName) ?? [];
    const index = indexLive(kind, liveObjs);
    const matched = new Set<unknown>();
    const decls = declarations.filter((d) => d.kind === kindName).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    for (const decl of decls) {
      const spec = decl.spec as Record<string, unknown>;
      const pinnedId = kind.declaredId?.(spec);
      let match: unknown;
      if (pinnedId !== undefined) {
        match = index.byId.get(pinnedId);
        if (match === undefined) {
          diagnostics.push({ ...decl.positionOf(['spec', 'ruleUuid']), path: 'spec.ruleUuid', message: `no live ${kindName} has id '${pinnedId}'` });
          continue;
        }
      } else {
        const candidates = index.byName.get(decl.name) ?? [];
        if (candidates.length > 1) {
          ambiguous.push(`${kindName}/${decl.name}: ${candidates.length} live objects share this name (ids ${candidates.map((c) => kind.idOf(c)).join(', ')})`);
          for (const c of candidates) matched.add(c);
          continue;
        }
        match = candidates[0];
      }
      if (match !== undefined) matched.add(match);
      if (!inTarget(kindName, decl.name)) continue;

      if (match === undefined) {
        if (!kind.can.create) {
          const known = [...index.byName.keys()].filter((n) => n.toLowerCase().includes(decl.name.toLowerCase().slice(0, 4))).slice(0, 5);
          diagnostics.push({
            ...decl.positionOf(['metadata', 'name']),
            path: 'metadata.name',
            message: `no live ${kindName} is named '${decl.name}', and ${kindName} objects cannot be created${known.length ? ` (similar names: ${known.join(', ')})` : ''}`,
          });
          continue;
        }
        const after = kind.canonical(spec);
        upserts.push({ kind: kindName, name: decl.name, action: 'create', patch: diff({}, after), after, spec, fingerprint: null, source: decl.source });
        continue;
      }
      if (kind.isProtected(match)) {
        notes.push(`${kindName}/${decl.name} is a protected system object: it is never changed, so its declaration is ignored.`);
        continue;
      }
      const before = ownedLive(kind, match, spec);
      const after = kind.canonical(spec);
      const patch = diff(before, after);
      if (patch.length === 0) {
        unchanged++;
        continue;
      }
      if (!kind.can.update) {
        notes.push(`${kindName}/${decl.name} differs from its declaration, but ${kindName} objects cannot be updated.`);
        continue;
      }
      upserts.push({
        kind: kindName,
        name: decl.name,
        action: 'update',
        id: kind.idOf(match),
        patch,
        before,
        after,
        spec,
        fingerprint: fingerprint(kind.canonicalLive(match)),
        source: decl.source,
      });
    }

    const undeclared = liveObjs.filter((o) => !matched.has(o) && !kind.isProtected(o));
    if (options.prune && kind.can.delete) {
      for (const obj of undeclared) {
        const name = kind.nameOf(obj);
        if (!inTarget(kindName, name)) continue;
        const before = kind.canonicalLive(obj);
        deletes.push({ kind: kindName, name, action: 'delete', id: kind.idOf(obj), patch: diff(before, {}), before, fingerprint: fingerprint(before) });
      }
    } else {
      unmanaged += undeclared.length;
    }
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
  if (unmanaged > 0) notes.push(`${unmanaged} live object${unmanaged === 1 ? ' is' : 's are'} not declared: left alone (use --prune to delete them).`);
  const changes = [...upserts, ...deletes];
  return {
    formatVersion: 1,
    changes,
    summary: {
      create: changes.filter((c) => c.action === 'create').length,
      update: changes.filter((c) => c.action === 'update').length,
      delete: deletes.length,
      unchanged,
      unmanaged,
    },
    notes,
  };
}

/** Fetch + build: the whole plan step. */
export async function makePlan(api: ApiClient, kinds: readonly Kind[], declarations: readonly Declaration[], options: PlanOptions = {}): Promise<{ plan: Plan; live: LiveState }> {
  const live = await fetchLive(api, kindsInPlay(kinds, declarations));
  return { plan: buildPlan(kinds, declarations, live, options), live };
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.length > 0;
}
