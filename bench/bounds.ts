// Lower bounds of the API work, as issue 10 defines them.
//
// Minimal calls of a plan = 1 (auth) + Σ over kinds ceil(live_k / 250) list pages (250 = the largest page the
// API accepts) + the detail reads truly needed: one per declared live object whose list item lacks a field its
// declaration manages (issue 21: undeclared objects are never read in detail). In the size workloads every
// CentralizedPolicy, RuntimePolicy and SensorProfile but the system ones is declared and its list item lacks
// details (docs/api-assumptions.md); Exception and SecretRule lists are complete.
//
// Wall time cannot beat the dependent rounds: the token comes before any call, the first page of a kind
// before its other pages and its detail calls. With C calls in flight and latency L per call:
//   packed      = ceil(1 / C) + ceil(K / C) + ceil((Σ_k (pages_k − 1) + details) / C)
//                  (auth)        (first pages)  (remaining pages and details)
// where K is the number of kinds read. A list that carries no total (RuntimePolicy: a bare array) cannot be
// read in parallel: each page waits for the one before, so it takes 1 (auth) + pages_k rounds on its own.
//   plan bound  = L × max(packed, 1 + max over such kinds pages_k)
// Each round is packed perfectly: a true lower bound.
//
// Minimal calls of an apply = one call per create, update and delete, except secret-rule status changes:
// one bulkUpdate per target status and 100 rules (the bulk limit), plus one detail read per update whose plan
// read only its list item (issue 30: every update is built on the object's details read in the same run; in
// the size workloads the exception and secret-rule updates). apply bound = L × max(ceil(calls / C), 2 when
// an update must read first) (the token is already there). Verification re-reads are not in the minimum.
export const PAGE_SIZE = 250;
export const BULK_LIMIT = 100;

export interface Bound {
  calls: number;
  wallMs: number;
  /** How the bound was made, for the report. */
  rounds: number[];
}

/** Kinds whose list answers no total (a bare array): its pages are read one after another. */
export const UNCOUNTED_LIST_KINDS = new Set(['RuntimePolicy']);

/** The plan bound for `live` objects by kind and `details` needed detail reads. */
export function planBound(live: Record<string, number>, details: number, concurrency: number, latencyMs: number): Bound {
  const kinds = Object.keys(live);
  let pages = 0;
  let rest = 0;
  let chain = 0;
  for (const k of kinds) {
    const p = Math.max(1, Math.ceil(live[k]! / PAGE_SIZE));
    pages += p;
    rest += p - 1;
    if (UNCOUNTED_LIST_KINDS.has(k)) chain = Math.max(chain, 1 + p);
  }
  const rounds = [1, kinds.length, rest + details].filter((n) => n > 0);
  const packed = rounds.reduce((s, n) => s + Math.ceil(n / concurrency), 0);
  return { calls: 1 + pages + details, wallMs: Math.max(packed, chain) * latencyMs, rounds };
}

export interface ChangeCounts {
  /** creates + updates + deletes that need one call each. */
  single: number;
  /** Secret-rule status changes by target status. */
  secretFlips: Record<string, number>;
  /** Detail reads the updates are built on (updates whose plan read only the list item). */
  reads?: number;
}

export function applyBound(c: ChangeCounts, concurrency: number, latencyMs: number): Bound {
  const bulk = Object.values(c.secretFlips).reduce((s, n) => s + Math.ceil(n / BULK_LIMIT), 0);
  const reads = c.reads ?? 0;
  const calls = c.single + bulk + reads;
  return { calls, wallMs: Math.max(Math.ceil(calls / concurrency), reads > 0 ? 2 : 1) * latencyMs, rounds: reads > 0 ? [reads, c.single + bulk] : [calls] };
}
