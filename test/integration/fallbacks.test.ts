// Robust where the notes are silent (issue 30, item 7), against the simulator on 127.0.0.1 with a fault forcing each:
// - a list answered 400 for pageSize=250 is asked again once with the notes' default of 50, kept for the run;
// - an exception update answered 404/405 on PUT /exception/{id} is sent once more as PUT /exception with the id
//   in the body, and that form is kept for the run.
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/api/client.js';
import { resolveTarget } from '../../src/api/config.js';
import type { ApiClient } from '../../src/api/types.js';
import { applyPlan } from '../../src/engine/apply.js';
import { makePlan } from '../../src/engine/plan.js';
import { exception } from '../../src/kinds/exception.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import type { Declaration } from '../../src/types.js';

let sim: SimulatorHandle | undefined;
let api: ApiClient | undefined;
afterEach(async () => {
  await api?.close();
  await sim?.close();
  api = sim = undefined;
});

async function connect(s: SimulatorHandle): Promise<ApiClient> {
  return createClient(resolveTarget({ gatewayUrl: s.url, username: s.credentials.username, password: s.credentials.password }, {}));
}

const exc = (i: number) => ({ name: `e${i}`, reason: 'RISK_ACCEPTED', scope: 'IMAGE', startDate: '1767225600000', endDate: '1782777600000', qids: [i + 1] });

function decl(name: string, spec: Record<string, unknown>): Declaration {
  const pos = { file: 'f.yaml', line: 1, column: 1 };
  return { apiVersion: 'qcs-gitops/v1', kind: 'Exception', name, spec, source: pos, positionOf: () => pos };
}

describe('fallbacks', () => {
  it('pageSize 250 refused with 400: asked once more with 50, and 50 kept for the run', async () => {
    sim = await startSimulator({ seed: { exceptions: Array.from({ length: 120 }, (_, i) => exc(i)) }, faults: { refusePageSizeAbove: 100 } });
    api = await connect(sim);
    const first = await api.list('/v1.3/exception');
    expect(first).toHaveLength(120);
    const again = await api.list('/v1.3/exception');
    expect(again).toHaveLength(120);
    const lists = sim.requests().filter((r) => r.path === '/csapi/v1.3/exception' && r.method === 'GET');
    // one refused try at 250, then pages of 50 (3 pages), then the second listing at 50 from the start
    expect(lists.map((r) => `${r.query['pageSize']}:${r.status}`)).toEqual(['250:400', '50:200', '50:200', '50:200', '50:200', '50:200', '50:200']);
  });

  it('a 400 for a size the caller chose is not retried', async () => {
    sim = await startSimulator({ faults: { refusePageSizeAbove: 10 } });
    api = await connect(sim);
    await expect(api.list('/v1.3/exception', { pageSize: 20 })).rejects.toThrow(/answered 400/);
  });

  it('PUT /exception/{id} answered 405: sent once more as PUT /exception with the id in the body, kept for the run', async () => {
    sim = await startSimulator({ seed: { exceptions: [exc(0), exc(1)] }, faults: { exceptionPutByBody: true } });
    api = await connect(sim);
    const decls = [decl('e0', { ...exc(0), name: undefined, explanation: 'first' }), decl('e1', { ...exc(1), name: undefined, explanation: 'second' })];
    const { plan, live } = await makePlan(api, [exception], decls);
    expect(plan.changes.map((c) => c.action)).toEqual(['update', 'update']);
    sim.clearRequests();
    const r = await applyPlan(api, [exception], plan, { live, parallelism: 1, sleep: async () => {} });
    expect(r.summary.updated).toBe(2);
    expect(r.verified).toBe(true);
    const puts = sim.requests().filter((x) => x.method === 'PUT');
    // the first update tries the id path (405), then the body form; the second goes straight to the body form
    expect(puts.map((x) => `${x.path.replace(/[0-9a-f-]{36}$/, '{id}')} ${x.status}`)).toEqual(['/csapi/v1.3/exception/{id} 405', '/csapi/v1.3/exception 200', '/csapi/v1.3/exception 200']);
    expect(puts.slice(1).every((x) => typeof (x.body as Record<string, unknown>)['exceptionId'] === 'string')).toBe(true);
    const stored = Object.values(sim.dump().exceptions as Array<Record<string, unknown>>).map((e) => e['explanation']).sort();
    expect(stored).toEqual(['first', 'second']);
  });
});
