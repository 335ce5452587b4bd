// What examples/policies plans against the default simulated account, made by the engine: tests that check the
// CLI's and the Action's figures for the examples compare with it, so a new example (a new kind) needs no edit.
import { createClient } from '../../src/api/client.js';
import { resolveTarget } from '../../src/api/config.js';
import { loadDeclarations } from '../../src/declarations/validate.js';
import type { PlanSummary } from '../../src/engine/model.js';
import { makePlan } from '../../src/engine/plan.js';
import { KINDS } from '../../src/kinds/index.js';
import { startSimulator } from '../../src/simulator/index.js';

export interface ExamplesFacts {
  declarations: number;
  changes: number;
  summary: PlanSummary;
  /** The plan's summary line as text and the Action print it. */
  planLine: string;
}

let cached: Promise<ExamplesFacts> | undefined;

export function examplesPlan(): Promise<ExamplesFacts> {
  cached ??= (async () => {
    const sim = await startSimulator({});
    const api = createClient(resolveTarget({ gatewayUrl: sim.url, username: sim.credentials.username, password: sim.credentials.password }, {}));
    try {
      const declarations = await loadDeclarations(['examples/policies']);
      const { plan } = await makePlan(api, KINDS, declarations);
      const s = plan.summary;
      return { declarations: declarations.length, changes: plan.changes.length, summary: s, planLine: `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete.` };
    } finally {
      await api.close();
      await sim.close();
    }
  })();
  return cached;
}
