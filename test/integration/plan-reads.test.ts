// Summaries first, details on demand (issue 21), counted against the in-process simulator: small versions of
// the two read workloads of `npm run bench` (bench/workload.ts). Not timed: the call counts are the figure.
//  (a) 210 centralized policies, 210 runtime policies and 210 exceptions, 5 of each declared: a plan reads
//      1 token + the list pages + one detail per declared policy (their list items lack the rules the
//      declarations manage); exception items carry everything; undeclared objects are never read in detail,
//      even when --prune deletes them.
//  (b) 100 declared exceptions that do not declare qids, against a list that leaves qids out
//      (`listOmits: { Exception: ['qids'] }`): no detail call. One that declares qids: one detail call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildQidlessWorkload, buildSparseWorkload } from '../../bench/workload.js';
import { createClient } from '../../src/api/client.js';
import { registerSimulate } from '../../src/cli/simulate.js';
import { resolveTarget } from '../../src/api/config.js';
import type { ApiClient } from '../../src/api/types.js';
import { loadDeclarations } from '../../src/declarations/validate.js';
import { makePlan } from '../../src/engine/plan.js';
import { KINDS } from '../../src/kinds/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import type { RecordedRequest } from '../../src/simulator/types.js';
import type { Declaration } from '../../src/types.js';

/** The simulator answers at most this many items a page (the client detects the cap): several pages a kind. */
const CAP = 100;

const COLLECTIONS = new Set(['/csapi/v1.3/exception', '/csapi/v1.3/centralizedPolicy', '/csapi/v1.3/runtime/policies']);

function sortCalls(reqs: readonly RecordedRequest[]): { auth: number; list: number; detail: RecordedRequest[]; other: number } {
  const out = { auth: 0, list: 0, detail: [] as RecordedRequest[], other: 0 };
  for (const r of reqs) {
    if (r.path === '/auth') out.auth++;
    else if (r.method === 'GET' && COLLECTIONS.has(r.path)) out.list++;
    else if (r.method === 'GET') out.detail.push(r);
    else out.other++;
  }
  return out;
}

const pages = (n: number) => Math.max(1, Math.ceil(n / CAP));

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'qcs-plan-reads-'));
  vi.stubEnv('QCS_GITOPS_NOW', '2026-03-01'); // the workloads' exceptions hold 2026 dates
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

async function connect(sim: SimulatorHandle): Promise<ApiClient> {
  return createClient(resolveTarget({ gatewayUrl: sim.url, username: sim.credentials.username, password: sim.credentials.password }, {}));
}

describe('(a) 210 of each policy kind and exceptions, 5 of each declared', () => {
  let sim: SimulatorHandle;
  let api: ApiClient;
  let declarations: Declaration[];
  beforeAll(async () => {
    const w = buildSparseWorkload(root, 210, 5);
    expect(w.declarations).toBe(15);
    expect(w.neededDetails).toBe(10);
    declarations = await loadDeclarations([w.dir]);
    sim = await startSimulator({ seed: w.seed, pageSizeCap: CAP });
    api = await connect(sim);
  });
  afterEach(() => sim.clearRequests());
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  const live = () => {
    const s = sim.dump();
    return { CentralizedPolicy: s.centralizedPolicies!.length, RuntimePolicy: s.runtimePolicies!.length, Exception: s.exceptions!.length };
  };

  it('reads 1 token + the pages + one detail per declared policy, and nothing else', async () => {
    const n = live();
    expect(n.Exception).toBe(210);
    expect(n.CentralizedPolicy).toBeGreaterThanOrEqual(210); // + the default policy
    const calls0 = api.stats.calls;
    const { plan } = await makePlan(api, KINDS, declarations, {});
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0, unchanged: 15 });
    const minimum = 1 + pages(n.CentralizedPolicy) + pages(n.RuntimePolicy) + pages(n.Exception) + 10;
    const calls = sortCalls(sim.requests());
    expect(calls.list).toBe(pages(n.CentralizedPolicy) + pages(n.RuntimePolicy) + pages(n.Exception));
    expect(calls.other).toBe(0);
    expect(calls.auth).toBe(1); // a fresh client
    // the detail reads are exactly the declared policies', none of an exception or an undeclared object
    const declaredIds = new Set<string>();
    const state = sim.dump();
    const declaredNames = new Set(declarations.map((d) => d.name));
    for (const p of state.centralizedPolicies!) if (declaredNames.has(p['policyName'] as string)) declaredIds.add(`/csapi/v1.3/centralizedPolicy/${p['uuid']}`);
    for (const p of state.runtimePolicies!) if (declaredNames.has(p['name'] as string)) declaredIds.add(`/csapi/v1.3/runtime/policies/${p['id']}`);
    expect(declaredIds.size).toBe(10);
    expect(new Set(calls.detail.map((r) => r.path))).toEqual(declaredIds);
    expect(calls.detail).toHaveLength(10);
    // the client's own count agrees with the simulator's
    expect(api.stats.calls - calls0).toBe(sim.requests().length);
    expect(sim.requests()).toHaveLength(minimum);
  });

  it('with --prune, deletes the undeclared objects by id without reading their details', async () => {
    const n = live();
    const { plan } = await makePlan(api, KINDS, declarations, { prune: true, allowMassDelete: true });
    // the default centralized policy (a system object) is never pruned
    expect(plan.summary).toMatchObject({ create: 0, update: 0, unchanged: 15, delete: 3 * 205 });
    const calls = sortCalls(sim.requests());
    expect(calls.detail).toHaveLength(10);
    expect(calls.list).toBe(pages(n.CentralizedPolicy) + pages(n.RuntimePolicy) + pages(n.Exception));
  });
});

describe('(b) 100 declared exceptions, list items without qids', () => {
  let sim: SimulatorHandle;
  let api: ApiClient;
  let declarations: Declaration[];
  beforeAll(async () => {
    const w = buildQidlessWorkload(root, 100);
    declarations = await loadDeclarations([w.dir]);
    expect(declarations.every((d) => d.spec.qids === undefined)).toBe(true);
    sim = await startSimulator({ seed: w.seed, pageSizeCap: CAP, faults: { listOmits: { Exception: ['qids'] } } });
    api = await connect(sim);
  });
  afterEach(() => sim.clearRequests());
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  it('the list leaves qids out, the details GET with includeQids=true does not', async () => {
    const items = await api.list<Record<string, unknown>>('/v1.3/exception');
    expect(items).toHaveLength(100);
    expect(items.some((e) => 'qids' in e)).toBe(false);
    const one = await api.request<Record<string, unknown>>('GET', `/v1.3/exception/${items[0]!['exceptionId']}`, { query: { includeQids: true } });
    expect(Array.isArray(one['qids'])).toBe(true);
    expect((one['qids'] as unknown[]).length).toBeGreaterThan(0);
    // the stored objects keep their qids
    expect(sim.dump().exceptions!.every((e) => Array.isArray(e['qids']) && (e['qids'] as unknown[]).length > 0)).toBe(true);
  });

  it('a plan makes no detail call: 1 token + 1 list page a 100 items', async () => {
    const calls0 = api.stats.calls;
    const { plan } = await makePlan(api, KINDS, declarations, {});
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0, unchanged: 100 });
    const calls = sortCalls(sim.requests());
    expect(calls.detail).toHaveLength(0);
    expect(calls.list).toBe(pages(100));
    expect(calls.other).toBe(0);
    expect(api.stats.calls - calls0).toBe(sim.requests().length);
  });

  it('a declaration that declares qids costs one detail call (qids read with includeQids=true)', async () => {
    const live = sim.dump().exceptions!.find((e) => e['name'] === declarations[7]!.name)!;
    const withQids = declarations.map((d, i) => (i === 7 ? { ...d, spec: { ...d.spec, qids: live['qids'] } } : d));
    const { plan } = await makePlan(api, KINDS, withQids, {});
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0, unchanged: 100 });
    const calls = sortCalls(sim.requests());
    expect(calls.detail).toHaveLength(1);
    expect(calls.detail[0]!.path).toBe(`/csapi/v1.3/exception/${live['exceptionId']}`);
    expect(calls.detail[0]!.query).toMatchObject({ includeQids: 'true' });
  });
});

describe('qcs-gitops simulate --list-omit', () => {
  const program = (state: { exitCode: number }) => {
    const p = new Command('qcs-gitops').exitOverride();
    p.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerSimulate(p, state);
    return p;
  };

  it('sets the listOmits fault (Kind.field, repeatable or comma-separated)', async () => {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out += String(s);
      return true;
    });
    try {
      const state = { exitCode: 1 };
      const run = program(state).parseAsync(['node', 'qcs-gitops', 'simulate', '--port', '0', '--list-omit', 'Exception.qids,Exception.reason', '--list-omit', 'RuntimePolicy.description']);
      const deadline = Date.now() + 10_000;
      while (!/listening on http:\/\/127\.0\.0\.1:\d+/.test(out)) {
        if (Date.now() > deadline) throw new Error('the simulator did not start');
        await new Promise((r) => setTimeout(r, 20));
      }
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      const faults = (await (await fetch(`${url}/__sim/faults`)).json()) as Record<string, unknown>;
      expect(faults['listOmits']).toEqual({ Exception: ['qids', 'reason'], RuntimePolicy: ['description'] });
      process.emit('SIGTERM');
      await run;
      expect(state.exitCode).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a value that is not Kind.field, and a malformed listOmits fault', async () => {
    await expect(program({ exitCode: 0 }).parseAsync(['node', 'qcs-gitops', 'simulate', '--list-omit', 'qids'])).rejects.toBeInstanceOf(CommanderError);
    const sim = await startSimulator({});
    try {
      expect(() => sim.setFaults({ listOmits: { Exception: 'qids' } as unknown as Record<string, string[]> })).toThrow(/listOmits must be/);
    } finally {
      await sim.close();
    }
  });
});
