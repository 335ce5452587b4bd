// The last step of an apply: every object a successful change touched is read again and diffed against what the
// write sent. A kind whose list is complete (`Kind.listIsComplete`) and takes fewer pages than it has objects to
// re-read is listed once instead of read object by object: the same data, fewer calls.
import type { ApiClient } from '../api/types.js';
import type { Kind } from '../kinds/types.js';
import type { KindName } from '../types.js';
import type { ApplyResult, ChangeResult, Plan, PlannedChange } from './model.js';
import { diff, type LiveState } from './plan.js';
import { pickKeys } from './desired.js';
import { carriesAll, withDetails } from './fetch.js';
import { forKind, mapLimit } from './util.js';
import { DEFAULT_PAGE_SIZE } from '../api/paginate.js';

type Verification = { notConverged: ApplyResult['notConverged']; complete: boolean };

interface VerifyRun extends Verification {
  api: ApiClient;
  byKind: Map<KindName, Kind>;
  createdIds: Map<PlannedChange, string>;
  sent: Map<PlannedChange, Record<string, unknown>>;
}

/** Re-reads every object a successful change touched and diffs it again. */
export async function verify(
  api: ApiClient,
  byKind: Map<KindName, Kind>,
  plan: Plan,
  results: ChangeResult[],
  createdIds: Map<PlannedChange, string>,
  sent: Map<PlannedChange, Record<string, unknown>>,
  live?: LiveState,
): Promise<Verification> {
  const ok = new Set(results.filter((r) => ['created', 'adopted', 'updated', 'deleted'].includes(r.status)).map((r) => `${r.kind}/${r.name}/${r.action}`));
  const todo = plan.changes.filter((c) => ok.has(`${c.kind}/${c.name}/${c.action}`));
  const run: VerifyRun = { api, byKind, createdIds, sent, notConverged: [], complete: true };
  const listed = kindsToList(byKind, todo, live);
  const byList = [...listed].map((kindName) => verifyByListing(run, byKind.get(kindName)!, todo.filter((c) => c.kind === kindName)));
  const oneByOne = verifyOneByOne(run, todo.filter((c) => !listed.has(c.kind)));
  await Promise.all([...byList, oneByOne]);
  return { notConverged: run.notConverged, complete: run.complete };
}

/** The kinds cheaper to list once than to read object by object (complete lists, fewer pages than objects). */
function kindsToList(byKind: Map<KindName, Kind>, todo: PlannedChange[], live: LiveState | undefined): Set<KindName> {
  const perKind = new Map<KindName, number>();
  for (const c of todo) perKind.set(c.kind, (perKind.get(c.kind) ?? 0) + 1);
  const listed = new Set<KindName>();
  for (const [kindName, n] of perKind) {
    const known = live?.get(kindName);
    if (!byKind.get(kindName)?.listIsComplete || known === undefined) continue;
    const creates = todo.filter((c) => c.kind === kindName && c.action === 'create').length;
    if (Math.ceil((known.length + creates) / DEFAULT_PAGE_SIZE) < n) listed.add(kindName);
  }
  return listed;
}

/** Diffs one change's object as read now (undefined: absent) against what the write sent. */
function check(run: VerifyRun, c: PlannedChange, kind: Kind, current: unknown): void {
  if (c.action === 'delete') {
    if (current !== undefined) run.notConverged.push({ kind: c.kind, name: c.name, patch: [{ op: 'remove', path: '' }] });
    return;
  }
  if (current === undefined) {
    run.notConverged.push({ kind: c.kind, name: c.name, patch: [{ op: 'add', path: '', value: c.after ?? {} }] });
    return;
  }
  // Every field the write sent, declared or carried from live, must read back as sent.
  const desired = { ...(run.sent.get(c) ?? kind.canonical(c.spec ?? {})) };
  for (const k of kind.writeOnlyFields ?? []) delete desired[k]; // sent, never read back
  const patch = diff(pickKeys(kind.canonicalLive(current), new Set(Object.keys(desired))), desired, kind.setFields);
  if (patch.length > 0) run.notConverged.push({ kind: c.kind, name: c.name, patch });
}

/** A change that could not be checked: verification is incomplete. */
function unchecked(run: VerifyRun, c: PlannedChange): void {
  run.complete = false;
  run.notConverged.push({ kind: c.kind, name: c.name, patch: [] });
}

const idOfChange = (run: VerifyRun, c: PlannedChange) => (c.action === 'create' ? run.createdIds.get(c) : c.id);

/** One listing of the kind, then each change checked against it (an object the list shows short, read in detail). */
async function verifyByListing(run: VerifyRun, kind: Kind, changes: PlannedChange[]): Promise<void> {
  let index: Map<string, unknown>;
  try {
    index = new Map();
    for (const obj of await kind.list(forKind(run.api, kind))) {
      const key = kind.idOf(obj);
      if (!index.has(key)) index.set(key, obj);
    }
  } catch {
    for (const c of changes) unchecked(run, c);
    return;
  }
  for (const c of changes) {
    const id = idOfChange(run, c);
    try {
      // A listed object that lacks a field the write sent is read in detail.
      let current = id === undefined ? undefined : index.get(id);
      const sentKeys = Object.keys(run.sent.get(c) ?? {});
      if (current !== undefined && c.action !== 'delete' && !carriesAll(kind, current, sentKeys)) current = await withDetails(forKind(run.api, kind), kind, current);
      check(run, c, kind, current);
    } catch {
      unchecked(run, c);
    }
  }
}

/** Each change's object read by id, 8 at a time. */
async function verifyOneByOne(run: VerifyRun, changes: PlannedChange[]): Promise<void> {
  await mapLimit(changes, 8, async (c) => {
    const kind = run.byKind.get(c.kind)!;
    const id = idOfChange(run, c);
    try {
      check(run, c, kind, id === undefined ? undefined : await kind.get(forKind(run.api, kind), id));
    } catch {
      unchecked(run, c);
    }
  });
}
