// Lower bounds of the API work, as issue 10 defines them.
//
// Minimal calls of a plan = 1 (auth) + Σ over kinds ceil(live_k / 250) list pages (250 = the largest page the
// API accepts) + one detail call per live object of the kinds whose list lacks details (CentralizedPolicy,
// RuntimePolicy, SensorProfile: docs/api-assumptions.md; Exception and SecretRule lists are complete).
//
// Wall time cannot beat the dependent rounds: the token comes before any call, the first page of a kind
// before its other pages and its detail calls. With C calls in flight and latency L per call:
//   plan bound  = L × [ ceil(1 / C) + ceil(K / C) + ceil((Σ_k (pages_k − 1) + details) / C) ]
//                     (auth)          (first pages)  (remaining pages and details)
// where K is the number of kinds read. Each round is packed perfectly: a true lower bound.
//
// Minimal calls of an apply = one call per create, update and delete, except secret-rule status changes:
// one bulkUpdate per target status and 100 rules (the bulk limit). apply bound = L × ceil(calls / C)
// (the token is already there). Verification re-reads are not in the minimum: they are extra work.
export const PAGE_SIZE = 250;
export const BULK_LIMIT = 100;
export const DETAIL_KINDS = new Set(['CentralizedPolicy', 'RuntimePolicy', 'SensorProfile']);

export interface Bound {
  calls: number;
  wallMs: number;
  /** How the bound was made, for the report. */
  rounds: number[];
}

export function planBound(live: Record<string, number>, concurrency: number, latencyMs: number): Bound {
  const kinds = Object.keys(live);
  let pages = 0;
  let rest = 0;
  let details = 0;
  for (const k of kinds) {
    const n = live[k]!;
    const p = Math.max(1, Math.ceil(n / PAGE_SIZE));
    pages += p;
    rest += p - 1;
    if (DETAIL_KINDS.has(k)) details += n;
  }
  const rounds = [1, kinds.length, rest + details].filter((n) => n > 0);
  const waves = rounds.reduce((s, n) => s + Math.ceil(n / concurrency), 0);
  return { calls: 1 + pages + details, wallMs: waves * latencyMs, rounds };
}

export interface ChangeCounts {
  /** creates + updates + deletes that need one call each. */
  single: number;
  /** Secret-rule status changes by target status. */
  secretFlips: Record<string, number>;
}

export function applyBound(c: ChangeCounts, concurrency: number, latencyMs: number): Bound {
  const bulk = Object.values(c.secretFlips).reduce((s, n) => s + Math.ceil(n / BULK_LIMIT), 0);
  const calls = c.single + bulk;
  return { calls, wallMs: Math.ceil(calls / concurrency) * latencyMs, rounds: [calls] };
}
