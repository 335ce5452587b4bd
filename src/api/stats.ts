// The client's counters in the form a plan carries them (`stats.apiCalls`): keys sorted, so runs compare.
import type { ApiStats } from './types.js';
import type { PlanStats } from '../engine/model.js';

export function apiCallsOf(stats: ApiStats): PlanStats['apiCalls'] {
  const sorted = (o: Record<string, number> | undefined) => Object.fromEntries(Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { total: stats.calls, retries: stats.retries, byEndpoint: sorted(stats.byEndpoint), byKind: sorted(stats.byKind) };
}
