// The client counts its calls by endpoint (ids as {id}) and by kind; `plan --format json` carries them as
// stats.apiCalls and `--debug` ends with them. Checked against what the simulator received.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient } from '../../src/api/client.js';
import { resolveTarget } from '../../src/api/config.js';
import { endpointTemplate, type ApiClient } from '../../src/api/types.js';
import { makePlan } from '../../src/engine/plan.js';
import { KINDS } from '../../src/kinds/index.js';
import { loadDeclarations } from '../../src/declarations/validate.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { formatCallStats } from '../../src/output/messages.js';
import { cliIsStale, runCli } from '../helpers/cli.js';

describe('endpoint templates', () => {
  test.each([
    ['GET', '/csapi/v1.3/exception', 'GET /csapi/v1.3/exception'],
    ['GET', '/csapi/v1.3/exception/123?includeQids=true', 'GET /csapi/v1.3/exception/{id}'],
    ['PUT', '/csapi/v1.3/centralizedPolicy/5c5f3b2e-0d7a-4c61-9a56-8b0d1f6c0001', 'PUT /csapi/v1.3/centralizedPolicy/{id}'],
    ['POST', '/csapi/v1.3/secretrule/bulkUpdate', 'POST /csapi/v1.3/secretrule/bulkUpdate'],
    ['GET', '/csapi/v1.3/runtime/policies/65f1a2b3c4d5e6f7a8b9c0d1', 'GET /csapi/v1.3/runtime/policies/{id}'],
    ['POST', '/auth', 'POST /auth'],
  ])('%s %s', (method, path, want) => expect(endpointTemplate(method, path)).toBe(want));
});

describe('call counters', () => {
  let sim: SimulatorHandle;
  let api: ApiClient;
  beforeAll(async () => {
    sim = await startSimulator();
    api = createClient(resolveTarget({ gatewayUrl: sim.url, username: sim.credentials.username, password: sim.credentials.password }, {}));
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  test('a plan’s calls, by endpoint and by kind, are the requests the simulator received', async () => {
    const declarations = await loadDeclarations(['examples/policies']);
    sim.clearRequests();
    await makePlan(api, KINDS, declarations);
    const got = sim.requests();
    const want: Record<string, number> = {};
    for (const r of got) want[endpointTemplate(r.method, r.path)] = (want[endpointTemplate(r.method, r.path)] ?? 0) + 1;
    expect(api.stats.calls).toBe(got.length);
    expect(api.stats.byEndpoint).toEqual(want);
    const byKind = api.stats.byKind!;
    expect(Object.values(byKind).reduce((a, b) => a + b, 0)).toBe(got.length);
    expect(byKind.auth).toBe(1);
    for (const k of KINDS) expect(byKind[k.kind] ?? 0, `${k.kind}: examples/policies needs a ${k.kind} declaration (docs/adding-a-kind.md)`).toBeGreaterThan(0);
    expect(byKind.other).toBeUndefined();
    const text = formatCallStats(api.stats);
    expect(text).toMatch(new RegExp(`^API calls: ${got.length} \\(0 retries\\)`));
    expect(text).toContain('GET /csapi/v1.3/exception\n');
  });
});

describe('through the CLI', () => {
  beforeAll(() => {
    if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `npm run build` (npm test does it)');
  });

  test('plan --format json carries stats.apiCalls; --debug ends with calls by kind and by endpoint on stderr', async () => {
    const r = await runCli(['plan', 'examples/policies', '--simulator', '--format', 'json', '--debug']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const calls = doc.stats.apiCalls;
    expect(calls.total).toBe(Object.values(calls.byEndpoint as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(calls.total).toBe(Object.values(calls.byKind as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(calls.byEndpoint['POST /auth']).toBe(1);
    const validate = new Ajv2020.default({ strict: false }).compile(JSON.parse(readFileSync('schemas/plan.schema.json', 'utf8')));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...doc, stats: { apiCalls: { total: 1 } } })).toBe(false);
    expect(r.stderr).toMatch(new RegExp(`API calls: ${calls.total} \\(0 retries\\)\\n  by kind:\\n[\\s\\S]*  by endpoint:\\n[\\s\\S]*POST /auth\\n(?: {2,}\\d+ {2}\\S.*\\n)*$`));
    const quiet = await runCli(['plan', 'examples/policies', '--simulator', '--format', 'json']);
    expect(quiet.stderr).not.toContain('API calls');
  });
});
