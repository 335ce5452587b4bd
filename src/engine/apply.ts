// Carries out a plan: kinds in dependency order, bounded parallelism within a kind, bulk updates where a
// kind offers them, adoption after an ambiguous create, then a verification that re-reads what was touched.
// Never throws for a failed change: every change gets a result.
import type { ApiClient } from '../api/types.js';
import { ApiError, AuthError, NetworkError, errorMessage, QcsError } from '../errors.js';
import type { Kind } from '../kinds/types.js';
import type { KindName } from '../types.js';
import type { ApplyResult, ChangeResult, Plan, PlannedChange } from './model.js';
import { applyOrder, dependentsOf } from './order.js';
import type { LiveState } from './plan.js';
import { desiredState, writtenOf } from './desired.js';
import { detailsById, isDetailed, withDetails } from './fetch.js';
import { forKind, mapLimit } from './util.js';
import { verify } from './verify.js';

export interface ApplyOptions {
  /** Calls in flight within a kind (default 4). */
  parallelism?: number;
  /** Tries for a create or change whose failure may be passing (5xx, unknown outcome); default 5. */
  attempts?: number;
  /** Called as each change starts (its first try). */
  onStart?: (c: PlannedChange) => void;
  /** Called when a try failed in a way that may pass, before the wait and the next try. */
  onRetry?: (c: PlannedChange, retry: { attempt: number; of: number; waitMs: number; error: string }) => void;
  /** Called as each change completes. */
  onResult?: (r: ChangeResult) => void;
  /** Live objects already read (from the plan step), by kind; others are re-read by id. */
  live?: LiveState;
  /** Wait between attempts (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Skip the final verification (never used by the CLI). */
  skipVerify?: boolean;
  /** Aborted on an interrupt: no new change (or try) starts; those in flight finish; no verification. Its reason
   * names the signal. */
  signal?: AbortSignal;
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

/** A failure that makes every further call pointless (credentials refused, after the client's one renewal). */
function isFatal(e: unknown): boolean {
  return e instanceof AuthError;
}

/** The API refused the account a change (403): further writes of the kind would be refused alike. Says why,
 * naming the permission when the API named one. */
function refusal(e: unknown): string | undefined {
  if (!(e instanceof ApiError) || e.status !== 403) return undefined;
  const perm = /\bCS(?:\.[A-Z][A-Z0-9_]*)+\b/.exec(`${e.serverMessage ?? ''} ${e.message}`)?.[0];
  return `the API refused a change of this kind (403${perm ? `, permission ${perm}` : ''}); not tried`;
}

/** An apply succeeded when no change failed or was skipped and the re-read matched the declarations. */
export function applySucceeded(result: ApplyResult): boolean {
  return result.summary.failed === 0 && result.summary.skipped === 0 && result.verified;
}

export async function applyPlan(api: ApiClient, kinds: readonly Kind[], plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const run = new ApplyRun(api, kinds, options);
  const order = applyOrder(kinds);
  // Creates and updates: each kind after the kinds it depends on; a failed kind blocks its dependents.
  await run.phase(plan, order, (c) => c.action !== 'delete', (k) => run.byKind.get(k)?.dependsOn.find((d) => run.failedKinds.has(d)));
  // Deletes: reverse order; a kind is not emptied while a kind depending on it failed to let go.
  await run.phase(plan, [...order].reverse(), (c) => c.action === 'delete', (k) => [...dependentsOf(kinds, k)].find((d) => run.failedKinds.has(d)));
  if (options.signal?.aborted) {
    // interrupted: report at once what was done; nothing is verified
    return { ...summarize(run.results, { notConverged: [], complete: false }), interrupted: { signal: String(options.signal.reason ?? 'interrupt'), inFlight: [] } };
  }
  const verification = options.skipVerify
    ? { notConverged: [], complete: true }
    : await verify(api, run.byKind, plan, run.results, run.createdIds, run.sent, options.live);
  return summarize(run.results, verification);
}

/** What is known of an apply ended at once (a second signal): the results so far, the changes in flight (outcome
 * unknown) and the rest as not started. Pure. */
export function knownResult(plan: Plan, results: readonly ChangeResult[], inFlight: readonly PlannedChange[], signal: string): ApplyResult {
  const key = (c: { kind: string; name: string; action: string }) => `${c.kind}\u0000${c.name}\u0000${c.action}`;
  const seen = new Set([...results, ...inFlight].map(key));
  const notStarted: ChangeResult[] = plan.changes
    .filter((c) => !seen.has(key(c)))
    .map((c) => ({ kind: c.kind, name: c.name, action: c.action, status: 'skipped', ...(c.id ? { id: c.id } : {}), reason: `not started: interrupted by ${signal}` }));
  return {
    ...summarize([...results, ...notStarted], { notConverged: [], complete: false }),
    interrupted: { signal, inFlight: inFlight.map((c) => ({ kind: c.kind, name: c.name, action: c.action })) },
  };
}

/** Follows an apply's events to know, at any moment, the results so far and the changes in flight. */
export class ApplyTracker {
  readonly results: ChangeResult[] = [];
  private readonly flying = new Map<string, PlannedChange>();

  started(c: PlannedChange): void {
    this.flying.set(`${c.kind}\u0000${c.name}\u0000${c.action}`, c);
  }

  finished(r: ChangeResult): void {
    this.flying.delete(`${r.kind}\u0000${r.name}\u0000${r.action}`);
    this.results.push(r);
  }

  get inFlight(): PlannedChange[] {
    return [...this.flying.values()];
  }
}

function summarize(results: ChangeResult[], verification: { notConverged: ApplyResult['notConverged']; complete: boolean }): ApplyResult {
  const count = (s: ChangeResult['status'][]) => results.filter((r) => s.includes(r.status)).length;
  // verified: every change was carried out and the re-read matches every one of them
  const allDone = results.every((r) => r.status !== 'failed' && r.status !== 'skipped');
  return {
    results,
    notConverged: verification.notConverged,
    verified: allDone && verification.complete && verification.notConverged.length === 0,
    summary: {
      created: count(['created', 'adopted']),
      updated: count(['updated']),
      deleted: count(['deleted']),
      failed: count(['failed']),
      skipped: count(['skipped']),
    },
  };
}

/** The state of one apply: the results so far, what each write sent, the ids creates gave, the kinds that failed
 * and, once credentials are refused, why everything else stops. */
class ApplyRun {
  readonly byKind: Map<KindName, Kind>;
  readonly results: ChangeResult[] = [];
  readonly createdIds = new Map<PlannedChange, string>();
  /** The canonical object each write sent: verification checks every field of it. */
  readonly sent = new Map<PlannedChange, Record<string, unknown>>();
  readonly failedKinds = new Set<KindName>();
  private stopped: string | undefined;
  /** Kinds whose writes the API refused (403), with why: no further change of theirs is started. */
  private readonly refused = new Map<KindName, string>();
  private readonly parallelism: number;
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Live objects of the plan step by id, indexed once per kind (not searched once per change). */
  private readonly liveIndex = new Map<KindName, Map<string, unknown>>();
  /** Orders failures and listings (see findByName). */
  private clock = 0;
  private readonly listings = new Map<KindName, { startedAt: number; byName: Promise<Map<string, unknown>> }>();

  constructor(
    private readonly api: ApiClient,
    kinds: readonly Kind[],
    private readonly options: ApplyOptions,
  ) {
    this.byKind = new Map(kinds.map((k) => [k.kind, k]));
    this.parallelism = Math.max(1, options.parallelism ?? 4);
    this.attempts = Math.max(1, options.attempts ?? 5);
    this.sleep = options.sleep ?? defaultSleep;
    const stop = () => (this.stopped ??= `interrupted by ${String(options.signal?.reason ?? 'a signal')}`);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
  }

  private record(r: ChangeResult): ChangeResult {
    this.results.push(r);
    this.options.onResult?.(r);
    return r;
  }

  private skip(c: PlannedChange, reason: string): void {
    this.record({ kind: c.kind, name: c.name, action: c.action, status: 'skipped', id: c.id, reason });
  }

  private liveById(kind: Kind, id: string): unknown {
    let index = this.liveIndex.get(kind.kind);
    if (!index) {
      index = new Map();
      for (const obj of this.options.live?.get(kind.kind) ?? []) {
        const key = kind.idOf(obj);
        if (!index.has(key)) index.set(key, obj);
      }
      this.liveIndex.set(kind.kind, index);
    }
    return index.get(id);
  }

  /** A write is built on the object's details read in this run (a list item is a summary: a field it lacks is
   * unknown, not unset): an object the plan read only as a list item is read by id (one GET, merged with the item). */
  private async readLive(kind: Kind, id: string): Promise<unknown> {
    const known = this.liveById(kind, id);
    if (known !== undefined && isDetailed(known)) return known;
    const api = forKind(this.api, kind);
    return known !== undefined ? withDetails(api, kind, known) : detailsById(api, kind, id);
  }

  /** Lookups by name after a create whose outcome is unknown. A listing begun after a failure sees what that
   * failed create did, so every lookup for a failure older than the kind's latest listing shares it: a burst of
   * lost answers lists the kind once, not once per create. */
  private findByName(kind: Kind, name: string, failedAt: number): Promise<unknown> {
    let listing = this.listings.get(kind.kind);
    if (!listing || listing.startedAt < failedAt) {
      const byName = kind.list(forKind(this.api, kind)).then((all) => {
        const index = new Map<string, unknown>();
        for (const o of all) if (!index.has(kind.nameOf(o))) index.set(kind.nameOf(o), o);
        return index;
      });
      const started = { startedAt: ++this.clock, byName };
      listing = started;
      this.listings.set(kind.kind, started);
      byName.catch(() => this.listings.get(kind.kind) === started && this.listings.delete(kind.kind));
    }
    return listing.byName.then((index) => index.get(name));
  }

  /** The object a create whose answer was lost made, adopted as the created one; undefined when absent. */
  private async adopt(kind: Kind, c: PlannedChange, failedAt: number, started: number): Promise<ChangeResult | undefined> {
    const existing = await this.findByName(kind, c.name, failedAt);
    if (existing === undefined) return undefined;
    const id = kind.idOf(existing);
    this.createdIds.set(c, id);
    return { kind: c.kind, name: c.name, action: c.action, id, status: 'adopted', durationMs: Date.now() - started };
  }

  /** One try of a change; throws what the API answered. */
  private async attempt(kind: Kind, c: PlannedChange, attempt: number, failedAt: number, started: number): Promise<ChangeResult> {
    const base = { kind: c.kind, name: c.name, action: c.action, id: c.id };
    const api = forKind(this.api, kind);
    if (c.action === 'create') {
      // After a failure whose outcome is unknown, look before creating again: never a duplicate.
      const adopted = attempt > 1 ? await this.adopt(kind, c, failedAt, started) : undefined;
      if (adopted) return adopted;
      const desired = desiredState(kind, c.spec ?? {});
      this.sent.set(c, desired);
      const id = await kind.create(api, c.name, desired, writtenOf(kind, c.spec ?? {}));
      this.createdIds.set(c, id);
      return { ...base, id, status: 'created', durationMs: Date.now() - started };
    }
    const live = await this.readLive(kind, c.id!);
    if (live === undefined) {
      if (c.action === 'delete') return { ...base, status: 'deleted', durationMs: Date.now() - started };
      throw new QcsError('E_GONE', `${c.kind}/${c.name} (id ${c.id}) no longer exists`);
    }
    if (kind.isProtected(live)) throw new QcsError('E_PROTECTED', `${c.kind}/${c.name} is a protected system object and is never changed`);
    if (c.action === 'update') {
      const desired = desiredState(kind, c.spec ?? {}, live, c.ignore);
      this.sent.set(c, desired);
      await kind.update(api, live, c.name, desired, writtenOf(kind, c.spec ?? {}, live));
      return { ...base, status: 'updated', durationMs: Date.now() - started };
    }
    try {
      await kind.remove(api, live);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    return { ...base, status: 'deleted', durationMs: Date.now() - started };
  }

  /** A change, tried again after a passing failure (with backoff); a create whose answers were all lost is looked for. */
  private async runOne(kind: Kind, c: PlannedChange): Promise<ChangeResult> {
    const started = Date.now();
    let lastError: unknown;
    let failedAt = 0;
    this.options.onStart?.(c);
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        return await this.attempt(kind, c, attempt, failedAt, started);
      } catch (e) {
        lastError = e;
        failedAt = ++this.clock;
        if (isFatal(e)) this.stopped = errorMessage(e);
        const refused = refusal(e);
        if (refused && !this.refused.has(c.kind)) this.refused.set(c.kind, refused);
        if (!isPassing(e) || attempt === this.attempts || this.stopped) break;
        const waitMs = Math.min(8000, 500 * 2 ** (attempt - 1));
        this.options.onRetry?.(c, { attempt: attempt + 1, of: this.attempts, waitMs, error: errorMessage(e) });
        await this.sleep(waitMs);
      }
    }
    if (c.action === 'create' && isPassing(lastError) && !this.stopped) {
      // One last look: the create may have been carried out although every answer was lost.
      try {
        const adopted = await this.adopt(kind, c, failedAt, started);
        if (adopted) return adopted;
      } catch {
        /* fall through: report the original failure */
      }
    }
    return { kind: c.kind, name: c.name, action: c.action, id: c.id, status: 'failed', error: errorInfo(lastError), durationMs: Date.now() - started };
  }

  /** The kind's updates in one bulk call (`Kind.updateMany`); each gets its own result. */
  private async bulkUpdate(kind: Kind, updates: PlannedChange[]): Promise<void> {
    const items: Array<{ c: PlannedChange; live: unknown }> = [];
    // each object's details, read in parallel (one GET an object)
    const reads = await mapLimit(updates, this.parallelism, async (c) => {
      this.options.onStart?.(c);
      try {
        return { live: await this.readLive(kind, c.id!) };
      } catch (error) {
        return { error };
      }
    });
    updates.forEach((c, i) => {
      const r = reads[i]!;
      const read = r.started ? r.value : { live: undefined };
      if ('error' in read) this.record({ kind: c.kind, name: c.name, action: c.action, id: c.id, status: 'failed', error: errorInfo(read.error) });
      else if (read.live === undefined) this.record({ kind: c.kind, name: c.name, action: c.action, id: c.id, status: 'failed', error: { code: 'E_GONE', message: `${c.kind}/${c.name} no longer exists` } });
      else items.push({ c, live: read.live });
    });
    if (items.length === 0) return;
    const started = Date.now();
    let outcomes: Awaited<ReturnType<NonNullable<Kind['updateMany']>>>;
    try {
      outcomes = await kind.updateMany!(
        forKind(this.api, kind),
        items.map(({ c, live }) => {
          const desired = desiredState(kind, c.spec ?? {}, live, c.ignore);
          this.sent.set(c, desired);
          return { live, name: c.name, desired, written: writtenOf(kind, c.spec ?? {}, live) };
        }),
      );
    } catch (e) {
      outcomes = items.map(() => ({ ok: false as const, error: e }));
    }
    items.forEach(({ c }, i) => {
      const o = outcomes[i] ?? { ok: false, error: new Error('no outcome reported') };
      const refused = o.ok ? undefined : refusal(o.error);
      if (refused && !this.refused.has(c.kind)) this.refused.set(c.kind, refused);
      this.record({ kind: c.kind, name: c.name, action: c.action, id: c.id, status: o.ok ? 'updated' : 'failed', error: o.ok ? undefined : errorInfo(o.error), durationMs: Date.now() - started });
    });
  }

  /** One kind's changes: bulk updates where the kind has them, the rest with bounded parallelism. */
  private async runKind(kind: Kind, changes: PlannedChange[]): Promise<void> {
    const updates = changes.filter((c) => c.action === 'update');
    let rest = changes;
    if (kind.updateMany && updates.length > 0 && !this.stopped) {
      rest = changes.filter((c) => c.action !== 'update');
      await this.bulkUpdate(kind, updates);
    }
    const stop = () => this.stopped !== undefined || this.refused.has(kind.kind);
    const outcomes = await mapLimit(rest, this.parallelism, async (c) => this.record(await this.runOne(kind, c)), stop);
    rest.forEach((c, i) => {
      if (!outcomes[i]!.started) this.skip(c, this.stopped ? `not started: ${this.stopped}` : this.refused.get(kind.kind)!);
    });
  }

  /** The changes `pick` selects, kind by kind in `kindOrder`; a kind `blockedBy` names (or everything, once stopped) is skipped. */
  async phase(plan: Plan, kindOrder: KindName[], pick: (c: PlannedChange) => boolean, blockedBy: (k: KindName) => KindName | undefined): Promise<void> {
    for (const kindName of kindOrder) {
      const changes = plan.changes.filter((c) => c.kind === kindName && pick(c));
      if (changes.length === 0) continue;
      const kind = this.byKind.get(kindName);
      if (!kind) {
        for (const c of changes) this.record({ kind: c.kind, name: c.name, action: c.action, status: 'failed', error: { code: 'E_UNKNOWN_KIND', message: `unknown kind ${c.kind}` } });
        continue;
      }
      const blocker = blockedBy(kindName);
      const refused = this.refused.get(kindName);
      if (this.stopped || blocker || refused) {
        for (const c of changes) this.skip(c, this.stopped ? `not started: ${this.stopped}` : refused ?? `a change to ${blocker}, which ${kindName} depends on, failed`);
        continue;
      }
      const before = this.results.length;
      await this.runKind(kind, changes);
      if (this.results.slice(before).some((r) => r.status === 'failed')) this.failedKinds.add(kindName);
    }
  }
}
