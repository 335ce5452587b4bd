// Carries out a plan: kinds in dependency order, bounded parallelism within a kind, bulk updates where a
// kind offers them, adoption after an ambiguous create, then a verification that re-reads what was touched.
// Never throws for a failed change: every change gets a result.
import type { ApiClient } from '../api/types.js';
import { ApiError, AuthError, NetworkError, errorMessage, QcsError } from '../errors.js';
import type { Kind } from '../kinds/types.js';
import type { KindName } from '../types.js';
import type { ApplyResult, ChangeResult, Plan, PlannedChange } from './model.js';
import { applyOrder, dependentsOf } from './order.js';
import { diff, type LiveState } from './plan.js';
import { desiredState, pickKeys } from './desired.js';
import { carriesAll, isWhole, withDetails } from './fetch.js';
import { forKind, mapLimit } from './util.js';
import { DEFAULT_PAGE_SIZE } from '../api/paginate.js';

export interface ApplyOptions {
  /** Calls in flight within a kind (default 4). */
  parallelism?: number;
  /** Tries for a create or change whose failure may be passing (5xx, unknown outcome); default 5. */
  attempts?: number;
  /** Called as each change completes. */
  onResult?: (r: ChangeResult) => void;
  /** Live objects already read (from the plan step), by kind; others are re-read by id. */
  live?: LiveState;
  /** Wait between attempts (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Skip the final verification (never used by the CLI). */
  skipVerify?: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function errorInfo(e: unknown): { code: string; message: string } {
  return { code: e instanceof QcsError ? e.code : 'E_UNEXPECTED', message: errorMessage(e) };
}

/** A failure after which the same request may succeed, or may already have been carried out. */
function isPassing(e: unknown): boolean {
  if (e instanceof NetworkError) return true;
  if (e instanceof ApiError) return e.status >= 500 || e.status === 429;
  return false;
}

/** A failure that makes every further call pointless (credentials refused). */
function isFatal(e: unknown): boolean {
  return e instanceof AuthError;
}

/** An apply succeeded when no change failed or was skipped and the re-read matched the declarations. */
export function applySucceeded(result: ApplyResult): boolean {
  return result.summary.failed === 0 && result.summary.skipped === 0 && result.verified;
}

export async function applyPlan(api: ApiClient, kinds: readonly Kind[], plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const parallelism = Math.max(1, options.parallelism ?? 4);
  const attempts = Math.max(1, options.attempts ?? 5);
  const sleep = options.sleep ?? defaultSleep;
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  const order = applyOrder(kinds);
  const results: ChangeResult[] = [];
  const createdIds = new Map<PlannedChange, string>();
  /** The canonical object each write sent: verification checks every field of it. */
  const sent = new Map<PlannedChange, Record<string, unknown>>();
  const failedKinds = new Set<KindName>();
  let stopped: string | undefined;

  const record = (r: ChangeResult): ChangeResult => {
    results.push(r);
    options.onResult?.(r);
    return r;
  };
  const skip = (c: PlannedChange, reason: string) => record({ kind: c.kind, name: c.name, action: c.action, status: 'skipped', id: c.id, reason });

  // Live objects of the plan step by id, indexed once per kind (not searched once per change).
  const liveIndex = new Map<KindName, Map<string, unknown>>();
  const liveById = (kind: Kind, id: string): unknown => {
    let index = liveIndex.get(kind.kind);
    if (!index) {
      index = new Map();
      for (const obj of options.live?.get(kind.kind) ?? []) {
        const key = kind.idOf(obj);
        if (!index.has(key)) index.set(key, obj);
      }
      liveIndex.set(kind.kind, index);
    }
    return index.get(id);
  };
  // A write is built on the whole live object: an object the plan read only as a summary is read again by id.
  const readLive = async (kind: Kind, id: string): Promise<unknown> => {
    const known = liveById(kind, id);
    return known !== undefined && isWhole(kind, known) ? known : await kind.get(forKind(api, kind), id);
  };

  // Lookups by name after a create whose outcome is unknown. A listing begun after a failure sees what that
  // failed create did, so every lookup for a failure older than the kind's latest listing shares it: a burst of
  // lost answers lists the kind once, not once per create.
  let clock = 0;
  const listings = new Map<KindName, { startedAt: number; byName: Promise<Map<string, unknown>> }>();
  const findByName = (kind: Kind, name: string, failedAt: number): Promise<unknown> => {
    let listing = listings.get(kind.kind);
    if (!listing || listing.startedAt < failedAt) {
      const byName = kind.list(forKind(api, kind)).then((all) => {
        const index = new Map<string, unknown>();
        for (const o of all) if (!index.has(kind.nameOf(o))) index.set(kind.nameOf(o), o);
        return index;
      });
      listing = { startedAt: ++clock, byName };
      listings.set(kind.kind, listing);
      byName.catch(() => listings.get(kind.kind) === listing && listings.delete(kind.kind));
    }
    return listing.byName.then((index) => index.get(name));
  };

  const runOne = async (kind: Kind, c: PlannedChange): Promise<ChangeResult> => {
    const started = Date.now();
    const base = { kind: c.kind, name: c.name, action: c.action, id: c.id };
    let lastError: unknown;
    let failedAt = 0;
    /** The object a create whose answer was lost made, adopted as the created one; undefined when absent. */
    const adopt = async (): Promise<ChangeResult | undefined> => {
      const existing = await findByName(kind, c.name, failedAt);
      if (existing === undefined) return undefined;
      const id = kind.idOf(existing);
      createdIds.set(c, id);
      return { ...base, id, status: 'adopted', durationMs: Date.now() - started };
    };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        if (c.action === 'create') {
          // After a failure whose outcome is unknown, look before creating again: never a duplicate.
          const adopted = attempt > 1 ? await adopt() : undefined;
          if (adopted) return adopted;
          const desired = desiredState(kind, c.spec ?? {});
          sent.set(c, desired);
          const id = await kind.create(forKind(api, kind), c.name, desired);
          createdIds.set(c, id);
          return { ...base, id, status: 'created', durationMs: Date.now() - started };
        }
        const live = await readLive(kind, c.id!);
        if (live === undefined) {
          if (c.action === 'delete') return { ...base, status: 'deleted', durationMs: Date.now() - started };
          throw new QcsError('E_GONE', `${c.kind}/${c.name} (id ${c.id}) no longer exists`);
        }
        if (kind.isProtected(live)) throw new QcsError('E_PROTECTED', `${c.kind}/${c.name} is a protected system object and is never changed`);
        if (c.action === 'update') {
          const desired = desiredState(kind, c.spec ?? {}, live, c.ignore);
          sent.set(c, desired);
          await kind.update(forKind(api, kind), live, c.name, desired);
          return { ...base, status: 'updated', durationMs: Date.now() - started };
        }
        try {
          await kind.remove(forKind(api, kind), live);
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) return { ...base, status: 'deleted', durationMs: Date.now() - started };
          throw e;
        }
        return { ...base, status: 'deleted', durationMs: Date.now() - started };
      } catch (e) {
        lastError = e;
        failedAt = ++clock;
        if (isFatal(e)) stopped = errorMessage(e);
        if (!isPassing(e) || attempt === attempts || stopped) break;
        await sleep(Math.min(8000, 500 * 2 ** (attempt - 1)));
      }
    }
    if (c.action === 'create' && isPassing(lastError) && !stopped) {
      // One last look: the create may have been carried out although every answer was lost.
      try {
        const adopted = await adopt();
        if (adopted) return adopted;
      } catch {
        /* fall through: report the original failure */
      }
    }
    return { ...base, status: 'failed', error: errorInfo(lastError), durationMs: Date.now() - started };
  };

  const runKind = async (kind: Kind, changes: PlannedChange[]): Promise<void> => {
    // Bulk updates where the kind has them.
    const updates = changes.filter((c) => c.action === 'update');
    let rest = changes;
    if (kind.updateMany && updates.length > 0 && !stopped) {
      rest = changes.filter((c) => c.action !== 'update');
      const items: Array<{ c: PlannedChange; live: unknown }> = [];
      for (const c of updates) {
        try {
          const live = await readLive(kind, c.id!);
          if (live === undefined) record({ kind: c.kind, name: c.name, action: c.action, id: c.id, status: 'failed', error: { code: 'E_GONE', message: `${c.kind}/${c.name} no longer exists` } });
          else items.push({ c, live });
        } catch (e) {
          record({ kind: c.kind, name: c.name, action: c.action, id: c.id, status: 'failed', error: errorInfo(e) });
        }
      }
      if (items.length > 0) {
        const started = Date.now();
        let outcomes: Awaited<ReturnType<NonNullable<Kind['updateMany']>>>;
        try {
          outcomes = await kind.updateMany(
            forKind(api, kind),
            items.map(({ c, live }) => {
              const desired = desiredState(kind, c.spec ?? {}, live, c.ignore);
              sent.set(c, desired);
              return { live, name: c.name, desired };
            }),
          );
        } catch (e) {
          outcomes = items.map(() => ({ ok: false as const, error: e }));
        }
        items.forEach(({ c }, i) => {
          const o = outcomes[i] ?? { ok: false, error: new Error('no outcome reported') };
          record({ kind: c.kind, name: c.name, action: c.action, id: c.id, status: o.ok ? 'updated' : 'failed', error: o.ok ? undefined : errorInfo(o.error), durationMs: Date.now() - started });
        });
      }
    }
    const outcomes = await mapLimit(rest, parallelism, async (c) => record(await runOne(kind, c)), () => stopped !== undefined);
    rest.forEach((c, i) => {
      if (!outcomes[i]!.started) skip(c, `not started: ${stopped}`);
    });
  };

  const phase = async (kindOrder: KindName[], pick: (c: PlannedChange) => boolean, blockedBy: (k: KindName) => KindName | undefined) => {
    for (const kindName of kindOrder) {
      const changes = plan.changes.filter((c) => c.kind === kindName && pick(c));
      if (changes.length === 0) continue;
      const kind = byKind.get(kindName);
      if (!kind) {
        for (const c of changes) record({ kind: c.kind, name: c.name, action: c.action, status: 'failed', error: { code: 'E_UNKNOWN_KIND', message: `unknown kind ${c.kind}` } });
        continue;
      }
      const blocker = blockedBy(kindName);
      if (stopped || blocker) {
        for (const c of changes) skip(c, stopped ? `not started: ${stopped}` : `a change to ${blocker}, which ${kindName} depends on, failed`);
        continue;
      }
      const before = results.length;
      await runKind(kind, changes);
      if (results.slice(before).some((r) => r.status === 'failed')) failedKinds.add(kindName);
    }
  };

  // Creates and updates: each kind after the kinds it depends on; a failed kind blocks its dependents.
  await phase(order, (c) => c.action !== 'delete', (k) => byKind.get(k)?.dependsOn.find((d) => failedKinds.has(d)));
  // Deletes: reverse order; a kind is not emptied while a kind depending on it failed to let go.
  await phase([...order].reverse(), (c) => c.action === 'delete', (k) => [...dependentsOf(kinds, k)].find((d) => failedKinds.has(d)));

  const verification = options.skipVerify ? { notConverged: [], complete: true } : await verify(api, byKind, plan, results, createdIds, sent, options.live);
  const count = (s: ChangeResult['status'][]) => results.filter((r) => s.includes(r.status)).length;
  return {
    results,
    notConverged: verification.notConverged,
    verified: verification.complete && verification.notConverged.length === 0,
    summary: {
      created: count(['created', 'adopted']),
      updated: count(['updated']),
      deleted: count(['deleted']),
      failed: count(['failed']),
      skipped: count(['skipped']),
    },
  };
}

/** Re-reads every object a successful change touched and diffs it again. A kind whose list is complete
 * (`Kind.listIsComplete`) and takes fewer pages than it has objects to re-read is listed once instead of
 * read object by object: the same data, fewer calls. */
async function verify(
  api: ApiClient,
  byKind: Map<KindName, Kind>,
  plan: Plan,
  results: ChangeResult[],
  createdIds: Map<PlannedChange, string>,
  sent: Map<PlannedChange, Record<string, unknown>>,
  live?: LiveState,
): Promise<{ notConverged: ApplyResult['notConverged']; complete: boolean }> {
  const ok = new Set(results.filter((r) => ['created', 'adopted', 'updated', 'deleted'].includes(r.status)).map((r) => `${r.kind}/${r.name}/${r.action}`));
  const notConverged: ApplyResult['notConverged'] = [];
  let complete = true;
  const todo = plan.changes.filter((c) => ok.has(`${c.kind}/${c.name}/${c.action}`));

  const perKind = new Map<KindName, number>();
  for (const c of todo) perKind.set(c.kind, (perKind.get(c.kind) ?? 0) + 1);
  const listed = new Set<KindName>();
  for (const [kindName, n] of perKind) {
    const known = live?.get(kindName);
    if (!byKind.get(kindName)?.listIsComplete || known === undefined) continue;
    const creates = todo.filter((c) => c.kind === kindName && c.action === 'create').length;
    if (Math.ceil((known.length + creates) / DEFAULT_PAGE_SIZE) < n) listed.add(kindName);
  }

  const check = (c: PlannedChange, kind: Kind, current: unknown): void => {
    if (c.action === 'delete') {
      if (current !== undefined) notConverged.push({ kind: c.kind, name: c.name, patch: [{ op: 'remove', path: '' }] });
      return;
    }
    if (current === undefined) {
      notConverged.push({ kind: c.kind, name: c.name, patch: [{ op: 'add', path: '', value: c.after ?? {} }] });
      return;
    }
    // Every field the write sent, declared or carried from live, must read back as sent.
    const desired = sent.get(c) ?? kind.canonical(c.spec ?? {});
    const patch = diff(pickKeys(kind.canonicalLive(current), new Set(Object.keys(desired))), desired);
    if (patch.length > 0) notConverged.push({ kind: c.kind, name: c.name, patch });
  };
  const idOfChange = (c: PlannedChange) => (c.action === 'create' ? createdIds.get(c) : c.id);

  const byList = [...listed].map(async (kindName) => {
    const kind = byKind.get(kindName)!;
    const changes = todo.filter((c) => c.kind === kindName);
    let index: Map<string, unknown>;
    try {
      index = new Map();
      for (const obj of await kind.list(forKind(api, kind))) {
        const key = kind.idOf(obj);
        if (!index.has(key)) index.set(key, obj);
      }
    } catch {
      complete = false;
      for (const c of changes) notConverged.push({ kind: c.kind, name: c.name, patch: [] });
      return;
    }
    for (const c of changes) {
      const id = idOfChange(c);
      try {
        // A listed object that lacks a field the write sent is read in detail.
        let current = id === undefined ? undefined : index.get(id);
        const sentKeys = Object.keys(sent.get(c) ?? {});
        if (current !== undefined && c.action !== 'delete' && !carriesAll(kind, current, sentKeys)) current = await withDetails(forKind(api, kind), kind, current);
        check(c, kind, current);
      } catch {
        complete = false;
        notConverged.push({ kind: c.kind, name: c.name, patch: [] });
      }
    }
  });
  const oneByOne = mapLimit(
    todo.filter((c) => !listed.has(c.kind)),
    8,
    async (c) => {
      const kind = byKind.get(c.kind)!;
      const id = idOfChange(c);
      try {
        check(c, kind, id === undefined ? undefined : await kind.get(forKind(api, kind), id));
      } catch {
        complete = false;
        notConverged.push({ kind: c.kind, name: c.name, patch: [] });
      }
    },
  );
  await Promise.all([...byList, oneByOne]);
  return { notConverged, complete };
}
