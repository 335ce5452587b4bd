// The client against the embedded simulator (real HTTP on 127.0.0.1): auth, the secret-rule list,
// the secretDetector fallback, rate limits and lost answers.
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/api/client.js';
import { isOutcomeUnknown } from '../../src/api/errors.js';
import { resolveTarget } from '../../src/api/config.js';
import type { ApiClient } from '../../src/api/types.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { AuthError } from '../../src/errors.js';

const SECRET_PATHS = ['/v1.3/secretrule', '/v1.3/secretDetector'];
let sim: SimulatorHandle | undefined;
let client: ApiClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  client = sim = undefined;
});

function connect(s: SimulatorHandle, creds = s.credentials, extra: Parameters<typeof createClient>[1] = {}): ApiClient {
  const t = resolveTarget({ gatewayUrl: s.url, username: creds.username, password: creds.password }, {});
  client = createClient(t, { baseBackoffMs: 1, ...extra });
  return client;
}

describe('against the simulator', () => {
  it('authenticates once and lists every secret rule under /v1.3/secretrule', async () => {
    sim = await startSimulator();
    const c = connect(sim);
    const path = await c.resolvePath(SECRET_PATHS);
    expect(path).toBe('/v1.3/secretrule');
    const rules = await c.list<{ ruleUuid: string; secretDetector: string }>(path, { pageSize: 7 });
    expect(rules.length).toBeGreaterThan(7);
    expect(new Set(rules.map((r) => r.ruleUuid)).size).toBe(rules.length);
    const reqs = sim.requests();
    expect(reqs.filter((r) => r.path === '/auth')).toHaveLength(1);
    expect(reqs.filter((r) => r.path !== '/auth').every((r) => r.status === 200)).toBe(true);
  });

  it('falls back to /v1.3/secretDetector when secretrule answers 404, and remembers it', async () => {
    sim = await startSimulator({ faults: { secretDetectorOnly: true } });
    const c = connect(sim);
    expect(await c.resolvePath(SECRET_PATHS)).toBe('/v1.3/secretDetector');
    expect(await c.resolvePath(SECRET_PATHS)).toBe('/v1.3/secretDetector');
    expect((await c.list('/v1.3/secretDetector')).length).toBeGreaterThan(0);
    const probes = sim.requests().filter((r) => r.path.startsWith('/csapi/v1.3/secret') && r.query.pageSize === '1');
    expect(probes.map((r) => [r.path, r.status])).toEqual([
      ['/csapi/v1.3/secretrule', 404],
      ['/csapi/v1.3/secretDetector', 200],
    ]);
  });

  it('renews an expired token once', async () => {
    sim = await startSimulator();
    const c = connect(sim);
    await c.list('/v1.3/exception');
    sim.expireTokens();
    await c.list('/v1.3/exception');
    expect(sim.requests().filter((r) => r.path === '/auth')).toHaveLength(2);
  });

  it('refused credentials give an AuthError', async () => {
    sim = await startSimulator();
    const c = connect(sim, { username: 'qcs-demo', password: 'wrong-password' });
    await expect(c.list('/v1.3/exception')).rejects.toBeInstanceOf(AuthError);
  });

  it('paces itself under a rate limit (or waits as told) and still gets everything', async () => {
    sim = await startSimulator({ faults: { rateLimit: { limit: 2, windowSec: 1 } } });
    const waits: number[] = [];
    const c = connect(sim, sim.credentials, { sleep: (ms) => (waits.push(ms), new Promise((r) => setTimeout(r, ms))), maxRetryWaitMs: 10_000 });
    const path = await c.resolvePath(SECRET_PATHS);
    const all = (await c.request<{ count: string }>('GET', path, { query: { pageNumber: 1, pageSize: 250 } })).count;
    const rules = await c.list(path, { pageSize: Math.ceil(Number(all) / 2) });
    expect(rules).toHaveLength(Number(all));
    // the budget ran low on every window: the client paused (X-RateLimit-Remaining) or retried a 429
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((w) => w <= 1000)).toBe(true);
    expect(sim.requests().filter((r) => r.path !== '/auth').every((r) => r.status === 200 || r.status === 429)).toBe(true);
  });

  it('a create whose answer is lost is reported as unknown and not repeated', async () => {
    sim = await startSimulator({ faults: { loseCreateAnswersCount: 1 } });
    const c = connect(sim);
    const body = { name: 'lost-answer', reason: 'RISK_ACCEPTED', explanation: 'x', scope: 'IMAGE', exceptionType: 'VULNERABILITY', startDate: '1767225600000', endDate: '1782864000000', qids: [1], entityAssignmentType: 'DYNAMIC', dynamicFilter: 'repo.repository:x' };
    const e = await c.request('POST', '/v1.3/exception', { body }).catch((x: unknown) => x);
    expect(isOutcomeUnknown(e)).toBe(true);
    expect(sim.requests().filter((r) => r.method === 'POST' && r.path === '/csapi/v1.3/exception')).toHaveLength(1);
    // it was carried out: looking finds it
    const found = await c.list<{ name: string }>('/v1.3/exception');
    expect(found.filter((x) => x.name === 'lost-answer')).toHaveLength(1);
  });
});
