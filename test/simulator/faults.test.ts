// Fault modes: latency (and spikes), per-endpoint rate limits, 500/503 answers, dropped connections,
// lost create answers, bounded concurrency — deterministic knobs and seeded random shares.
import { afterEach, describe, expect, it } from 'vitest';
import { startApi, type Api } from './helpers.js';

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const LIST = '/v1.3/exception?pageNumber=1&pageSize=50';
const exc = (name: string) => ({ name, reason: 'RISK_ACCEPTED', scope: 'IMAGE', exceptionType: 'VULNERABILITY', startDate: '1', endDate: '2', qids: [1] });

async function statuses(a: Api, n: number, path = LIST): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await a.get(path)).status);
  return out;
}

describe('latency', () => {
  it('adds latencyMs to each request and latencySpikeMs to every Nth CS request', async () => {
    api = await startApi({ latencyMs: 120 });
    let t = Date.now();
    expect((await api.get(LIST)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);
    api.sim.setFaults({ latencyMs: 0, latencySpikeEvery: 3, latencySpikeMs: 200 });
    api.sim.clearRequests();
    await api.get(LIST);
    await api.get(LIST);
    t = Date.now();
    await api.get(LIST);
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    expect(api.sim.requests().map((r) => r.fault)).toEqual([undefined, undefined, 'latency-spike']);
  });
});

describe('rate limit', () => {
  it('answers 429 with X-RateLimit-* and Retry-After once an endpoint used its window; other endpoints are counted apart', async () => {
    let now = 1_750_000_000_000;
    api = await startApi({ clock: () => now, faults: { rateLimit: { limit: 2, windowSec: 60 } } });
    const a = await api.get(LIST);
    expect(a.status).toBe(200);
    expect(a.headers.get('x-ratelimit-limit')).toBe('2');
    expect(a.headers.get('x-ratelimit-window-sec')).toBe('60');
    expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await api.get(LIST)).headers.get('x-ratelimit-remaining')).toBe('0');
    now += 15_000;
    const blocked = await api.post('/v1.3/exception', exc('blocked'));
    expect(blocked.status).toBe(429);
    expect(blocked.json.errorCode).toBe('429 TOO_MANY_REQUESTS');
    expect(blocked.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(blocked.headers.get('x-ratelimit-towait-sec')).toBe('45');
    expect(blocked.headers.get('retry-after')).toBe('45');
    // the blocked create was not carried out
    now += 45_000;
    expect((await api.get(LIST)).json.count).toBe(0);
    // another endpoint has its own window
    expect((await api.get('/v1.3/sensorProfile')).status).toBe(200);
    expect(api.sim.requests().filter((r) => r.fault === 'rate-limited').map((r) => r.status)).toEqual([429]);
  });
});

describe('error answers', () => {
  it('failNextRequests answers failStatus (default 503) without carrying the call out', async () => {
    api = await startApi();
    api.sim.setFaults({ failNextRequests: 2 });
    const r = await api.post('/v1.3/exception', exc('not-made'));
    expect(r.status).toBe(503);
    expect(r.json.errorCode).toBe('503 SERVICE_UNAVAILABLE');
    expect((await api.get(LIST)).status).toBe(503);
    expect((await api.get(LIST)).json.count).toBe(0);
    api.sim.setFaults({ failNextRequests: 1, failStatus: 500 });
    expect(await statuses(api, 2)).toEqual([500, 200]);
  });

  it('failEvery answers 500 to every Nth CS request', async () => {
    api = await startApi({ faults: { failEvery: 3 } });
    expect(await statuses(api, 7)).toEqual([200, 200, 500, 200, 200, 500, 200]);
  });

  it('errorRate gives a share of 500/503 answers, the same sequence for the same seed', async () => {
    api = await startApi({ faults: { errorRate: 0.3, seed: 42 } });
    const first = await statuses(api, 60);
    api.sim.setFaults({ seed: 42 });
    const again = await statuses(api, 60);
    expect(again).toEqual(first);
    const failed = first.filter((s) => s !== 200);
    expect(new Set(failed)).toEqual(new Set([500, 503]));
    expect(failed.length).toBeGreaterThan(5);
    expect(failed.length).toBeLessThan(35);
    api.sim.setFaults({ seed: 7 });
    expect(await statuses(api, 60)).not.toEqual(first);
    api.sim.setFaults({ errorRate: 0 });
    expect(new Set(await statuses(api, 10))).toEqual(new Set([200]));
  });
});

describe('dropped connections', () => {
  it('resetNextRequests drops the connection without an answer and without carrying the call out', async () => {
    api = await startApi({ faults: { resetNextRequests: 1 } });
    await expect(api.post('/v1.3/exception', exc('dropped'))).rejects.toThrow();
    const rec = api.sim.requests().at(-1)!;
    expect([rec.status, rec.fault]).toEqual([0, 'reset']);
    expect((await api.get(LIST)).json.count).toBe(0);
  });

  it('resetRate drops a seeded share of connections', async () => {
    api = await startApi({ faults: { resetRate: 1 } });
    await expect(api.get(LIST)).rejects.toThrow();
    api.sim.setFaults({ resetRate: 0.5, seed: 3 });
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) outcomes.push(await api.get(LIST).then((r) => String(r.status), () => 'reset'));
    expect(outcomes).toContain('reset');
    expect(outcomes).toContain('200');
  });
});

describe('lost create answers', () => {
  it('loseCreateAnswersCount: the next N creates are carried out but the client sees a reset', async () => {
    api = await startApi({ faults: { loseCreateAnswersCount: 1 } });
    await expect(api.post('/v1.3/exception', exc('made-but-lost'))).rejects.toThrow();
    const list = (await api.get(LIST)).json;
    expect(list.data.map((e: any) => e.name)).toEqual(['made-but-lost']);
    const rec = api.sim.requests().find((r) => r.method === 'POST' && r.path === '/csapi/v1.3/exception')!;
    expect([rec.status, rec.fault]).toEqual([200, 'lost-answer']);
    // a retry is refused as a duplicate; the next create answers normally
    expect((await api.post('/v1.3/exception', exc('made-but-lost'))).status).toBe(400);
    expect((await api.post('/v1.3/exception', exc('second'))).status).toBe(200);
  });

  it('loseCreateAnswers (share) loses only creates, not updates or reads', async () => {
    api = await startApi();
    const c = await api.post('/v1.3/exception', exc('to-update'));
    api.sim.setFaults({ loseCreateAnswers: 1 });
    await expect(api.post('/v1.3/runtime/policies', { name: 'rt-lost' })).rejects.toThrow();
    expect((await api.get('/v1.3/runtime/policies?filter=name:rt-lost')).json).toHaveLength(1);
    expect((await api.put(`/v1.3/exception/${c.json.exceptionId}`, exc('to-update'))).status).toBe(200);
    expect((await api.get(LIST)).status).toBe(200);
  });
});

describe('concurrency', () => {
  it('serves at most `concurrency` requests at once; the rest queue', async () => {
    api = await startApi({ concurrency: 1, latencyMs: 100 });
    const t = Date.now();
    const rs = await Promise.all([api.get(LIST), api.get(LIST), api.get(LIST)]);
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
  });
});

describe('fault settings', () => {
  it('refuses invalid settings and clears a setting given null', async () => {
    api = await startApi();
    expect(() => api!.sim.setFaults({ errorRate: 2 })).toThrow(/errorRate/);
    expect(() => api!.sim.setFaults({ rateLimit: { limit: 0, windowSec: 1 } })).toThrow(/rateLimit/);
    api.sim.setFaults({ rateLimit: { limit: 1, windowSec: 60 } });
    await api.get(LIST);
    expect((await api.get(LIST)).status).toBe(429);
    api.sim.setFaults({ rateLimit: null });
    expect((await api.get(LIST)).status).toBe(200);
  });
});

describe('listSummary', () => {
  it('serves list items without the detail-only fields; the details GET keeps them', async () => {
    api = await startApi({});
    const dyn = { ...exc('dyn'), qids: undefined, listId: '9b157637-8132-4899-bfae-effd1ea39a75', entityAssignmentType: 'DYNAMIC', dynamicFilter: 'repo.tag:rails' };
    const created = (await api.post('/v1.3/exception', dyn)).json as { exceptionId: string };
    const full = ((await api.get(LIST)).json as { data: Array<Record<string, unknown>> }).data[0]!;
    expect(full).toMatchObject({ entityAssignmentType: 'DYNAMIC', dynamicFilter: 'repo.tag:rails', listId: dyn.listId });
    api.sim.setFaults({ listSummary: true });
    const item = ((await api.get(LIST)).json as { data: Array<Record<string, unknown>> }).data[0]!;
    for (const k of ['entityAssignmentType', 'dynamicFilter', 'listId', 'qids']) expect(item).not.toHaveProperty(k);
    expect(item).toMatchObject({ name: 'dyn', reason: 'RISK_ACCEPTED' });
    const details = (await api.get(`/v1.3/exception/${created.exceptionId}?includeQids=true`)).json;
    expect(details).toMatchObject({ entityAssignmentType: 'DYNAMIC', dynamicFilter: 'repo.tag:rails', listId: dyn.listId });
    expect(() => api!.sim.setFaults({ listSummary: 'yes' as unknown as boolean })).toThrow(/listSummary must be a boolean/);
  });
});
