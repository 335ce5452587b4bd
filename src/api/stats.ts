// The client's counters (ApiStats): every HTTP exchange, by endpoint template and by the kind that made it.
import { endpointTemplate, type ApiStats } from './types.js';

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
