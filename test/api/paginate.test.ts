// ApiClient.list over the three list shapes, against MockAgent.
import type { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/api/client.js';
import type { ApiClient } from '../../src/api/types.js';
import { mockAgent, recordingSleep, route, target, type Answer, type SeenRequest } from './helpers.js';

let agent: MockAgent;
let client: ApiClient;
beforeEach(() => {
  agent = mockAgent();
  const { sleep, now } = recordingSleep();
  client = createClient(target({ token: 'tok-page-1234' }), { dispatcher: agent, sleep, now, maxConcurrency: 4 });
});
afterEach(async () => {
  await client.close();
  await agent.close();
});

const items = (n: number): Array<{ id: number }> => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

function pageParams(req: SeenRequest): { n: number; size: number; rest: URLSearchParams } {
  const q = new URLSearchParams(req.path.split('?')[1] ?? '');
  return { n: Number(q.get('pageNumber')), size: Number(q.get('pageSize')), rest: q };
}

/** Serves `all` in pages, capping the page size at `cap`, in the shape asked. */
function server(all: unknown[], shape: (slice: unknown[], total: number) => unknown, cap = 250): (req: SeenRequest) => Answer {
  return (req) => {
    const { n, size } = pageParams(req);
    const s = Math.min(size, cap);
    const slice = all.slice((n - 1) * s, n * s);
    return { status: 200, body: shape(slice, all.length) };
  };
}

describe('list: {data, count}', () => {
  it('asks 250 a page and fetches the remaining pages once count is known; count may be a string', async () => {
    const all = items(1001);
    const log = route(agent, server(all, (data, total) => ({ data, count: String(total) })));
    const got = await client.list<{ id: number }>('/v1.3/secretrule');
    expect(got.map((x) => x.id)).toEqual(all.map((x) => x.id));
    expect(log).toHaveLength(5);
    expect(log.every((r) => pageParams(r).size === 250)).toBe(true);
    expect(log.map((r) => pageParams(r).n).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('fetches the remaining pages in parallel, bounded by the concurrency limit', async () => {
    const all = items(250 * 9);
    let inFlight = 0;
    let maxSeen = 0;
    const serve = server(all, (data, total) => ({ data, count: total }));
    const gate: Array<() => void> = [];
    route(agent, (req) => serve(req));
    const gated = {
      request: async (opts: Parameters<MockAgent['request']>[0]) => {
        inFlight++;
        maxSeen = Math.max(maxSeen, inFlight);
        await new Promise<void>((r) => gate.push(r));
        try {
          return await agent.request(opts);
        } finally {
          inFlight--;
        }
      },
    };
    const pump = setInterval(() => gate.splice(0).forEach((r) => r()), 2);
    const { sleep } = recordingSleep();
    const c = createClient(target({ token: 'tok-page-1234' }), { dispatcher: gated as never, sleep, maxConcurrency: 3 });
    try {
      expect(await c.list('/v1.3/exception')).toHaveLength(2250);
      expect(maxSeen).toBe(3);
    } finally {
      clearInterval(pump);
      await c.close();
    }
  });

  it('counts items against count when the gateway caps the page size silently', async () => {
    const all = items(230);
    const log = route(agent, server(all, (data, total) => ({ data, count: total, groups: {} }), 50));
    const got = await client.list<{ id: number }>('/v1.3/sensorProfile');
    expect(got.map((x) => x.id)).toEqual(all.map((x) => x.id));
    expect(log).toHaveLength(5);
  });

  it('stops after one call when everything fits', async () => {
    const log = route(agent, server(items(3), (data, total) => ({ data, count: total })));
    expect(await client.list('/v1.3/exception')).toHaveLength(3);
    expect(log).toHaveLength(1);
  });

  it('handles an empty list, and data: null', async () => {
    const log = route(agent, () => ({ status: 200, body: { data: null, count: 0 } }));
    expect(await client.list('/v1.3/exception')).toEqual([]);
    expect(log).toHaveLength(1);
  });

  it('goes on past the computed pages when items are still missing, until an empty page', async () => {
    // the count says 600 but only 520 exist: pages 1-3 then page 4 empty... and the client stops
    const all = items(520);
    const log = route(agent, server(all, (data) => ({ data, count: 600 })));
    expect(await client.list('/v1.3/exception')).toHaveLength(520);
    expect(log.map((r) => pageParams(r).n).sort()).toEqual([1, 2, 3, 4]);
  });

  it('keeps the caller query and passes filter and sort', async () => {
    const log = route(agent, server(items(2), (data, total) => ({ data, count: total })));
    await client.list('/v1.3/runtime/policies', { query: { filter: 'name:a b', sort: 'created:desc' }, pageSize: 10 });
    const { rest, size } = pageParams(log[0]!);
    expect(rest.get('filter')).toBe('name:a b');
    expect(rest.get('sort')).toBe('created:desc');
    expect(size).toBe(10);
  });
});

describe('list: bare array', () => {
  it('stops on a short page', async () => {
    const all = items(600);
    const log = route(agent, server(all, (data) => data));
    expect(await client.list('/v1.3/runtime/policies')).toHaveLength(600);
    expect(log.map((r) => pageParams(r).n)).toEqual([1, 2, 3]);
  });

  it('reads on when a short first page looks like a silent page-size cap, at that size', async () => {
    const all = items(120);
    const log = route(agent, server(all, (data) => data, 50));
    expect(await client.list('/v1.3/runtime/policies')).toHaveLength(120);
    expect(log.map((r) => [pageParams(r).n, pageParams(r).size])).toEqual([
      [1, 250],
      [2, 50],
      [3, 50],
    ]);
  });

  it('takes a short first page of an odd length as the whole list', async () => {
    const log = route(agent, server(items(37), (data) => data));
    expect(await client.list('/v1.3/runtime/policies')).toHaveLength(37);
    expect(log).toHaveLength(1);
  });

  it('stops on an empty page', async () => {
    const all = items(500);
    const log = route(agent, server(all, (data) => data));
    expect(await client.list('/v1.3/runtime/policies')).toHaveLength(500);
    expect(log.map((r) => pageParams(r).n)).toEqual([1, 2, 3]);
  });
});

describe('list: content', () => {
  it('uses totalElements when given', async () => {
    const all = items(300);
    const log = route(agent, server(all, (content, total) => ({ content, totalElements: total }), 100));
    expect(await client.list('/v1.3/x')).toHaveLength(300);
    expect(log).toHaveLength(3);
  });

  it('stops on a short page without a total, or on last: true', async () => {
    const all = items(260);
    const log = route(agent, server(all, (content) => ({ content })));
    expect(await client.list('/v1.3/x')).toHaveLength(260);
    expect(log).toHaveLength(2);
    const agent2 = mockAgent();
    const log2 = route(agent2, server(items(250), (content) => ({ content, last: true })));
    const c2 = createClient(target({ token: 'tok-page-1234' }), { dispatcher: agent2, sleep: async () => {} });
    expect(await c2.list('/v1.3/x')).toHaveLength(250);
    expect(log2).toHaveLength(1);
    await c2.close();
    await agent2.close();
  });
});

describe('list: errors', () => {
  it('refuses an answer that is not a list', async () => {
    route(agent, () => ({ status: 200, body: { something: 'else' } }));
    await expect(client.list('/v1.3/x')).rejects.toMatchObject({ code: 'E_BAD_RESPONSE' });
  });

  it('stops a server that ignores pageNumber', async () => {
    route(agent, () => ({ status: 200, body: items(250) }));
    await expect(client.list('/v1.3/x')).rejects.toThrow(/ignore pageNumber/);
  });

  it('passes an error of any page through', async () => {
    const serve = server(items(700), (data, total) => ({ data, count: total }));
    route(agent, (req) => (pageParams(req).n === 2 ? { status: 403, body: { message: 'no CS.POLICY.VIEW' } } : serve(req)));
    await expect(client.list('/v1.3/x')).rejects.toMatchObject({ status: 403, serverMessage: 'no CS.POLICY.VIEW' });
  });
});
