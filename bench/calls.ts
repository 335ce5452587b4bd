// Sorts the requests the simulator recorded into the categories of the lower bound.
import type { RecordedRequest } from '../src/simulator/types.js';

export interface CallCounts {
  total: number;
  auth: number;
  /** List pages (GET on a kind's collection). */
  list: number;
  /** The secret-rule path probe (GET ?pageSize=1). */
  probe: number;
  /** GET of one object. */
  detail: number;
  /** POST/PUT/DELETE under /csapi. */
  change: number;
  /** Answers other than 2xx (errors, faults), except a GET answering 404 (a verification of a delete). */
  failed: number;
}

const COLLECTIONS = new Set([
  '/csapi/v1.3/exception',
  '/csapi/v1.3/centralizedPolicy',
  '/csapi/v1.3/runtime/policies',
  '/csapi/v1.3/sensorProfile',
  '/csapi/v1.3/secretrule',
  '/csapi/v1.3/secretDetector',
  '/csapi/v1.3/reports/schedule',
]);

export function classify(reqs: readonly RecordedRequest[]): CallCounts {
  const c: CallCounts = { total: 0, auth: 0, list: 0, probe: 0, detail: 0, change: 0, failed: 0 };
  for (const r of reqs) {
    c.total++;
    if ((r.status < 200 || r.status >= 300) && !(r.method === 'GET' && r.status === 404)) c.failed++;
    const path = r.path.replace(/\/+$/, '');
    if (path === '/auth') c.auth++;
    else if (r.method !== 'GET') c.change++;
    else if (COLLECTIONS.has(path)) {
      if (r.query['pageSize'] === '1') c.probe++;
      else c.list++;
    } else c.detail++;
  }
  return c;
}
