// The client's counters (ApiStats): every HTTP exchange, by endpoint template and by the kind that made it; and
// the same counters in the form a plan carries them (`stats.apiCalls`, keys sorted so runs compare).
import { endpointTemplate, type ApiStats } from './types.js';
import type { PlanStats } from '../engine/model.js';

export function emptyStats(): Required<ApiStats> {
  return { calls: 0, retries: 0, byEndpoint: {}, byKind: {}, rateLimitWaitMs: 0 };
}

/** Counts one exchange (each try counts) under its endpoint and under `label` (`other` when unlabelled). */
export function countExchange(stats: Required<ApiStats>, method: string, shownPath: string, label: string | undefined): void {
  stats.calls++;
  const endpoint = endpointTemplate(method, shownPath);
  stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
  const who = label ?? 'other';
  stats.byKind[who] = (stats.byKind[who] ?? 0) + 1;
}

export function apiCallsOf(stats: ApiStats): PlanStats['apiCalls'] {
  const sorted = (o: Record<string, number> | undefined) => Object.fromEntries(Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { total: stats.calls, retries: stats.retries, byEndpoint: sorted(stats.byEndpoint), byKind: sorted(stats.byKind) };
}
