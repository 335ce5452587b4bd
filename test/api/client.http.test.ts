// The client over real sockets: small node:http(s) servers on 127.0.0.1 for resets, lost answers,
// refused connections, keep-alive, concurrency and TLS verification.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type ClientOptions } from '../../src/api/client.js';
import { isOutcomeUnknown } from '../../src/api/errors.js';
import type { ApiClient } from '../../src/api/types.js';
import { NetworkError } from '../../src/errors.js';
import { makeJwt, target, failure } from './helpers.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string, n: number) => void;

interface TestServer {
  url: string;
  seen: Array<{ method: string; path: string; auth?: string }>;
  connections: number;
  maxInFlight: number;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(handler: Handler, tls?: { key: Buffer; cert: Buffer }): Promise<TestServer> {
  const state = { seen: [] as TestServer['seen'], connections: 0, inFlight: 0, maxInFlight: 0 };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.seen.push({ method: req.method!, path: req.url!, auth: req.headers.authorization });
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      res.on('close', () => state.inFlight--);
      handler(req, res, Buffer.concat(chunks).toString('utf8'), state.seen.length);
    });
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const ts: TestServer = {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get seen() {
      return state.seen;
    },
    get connections() {
      return state.connections;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
  cleanups.push(() => ts.close());
  return ts;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function client(url: string, creds: Parameters<typeof target>[0] = { token: 'tok-http-1234' }, opts: ClientOptions = {}): ApiClient {
  const c = createClient(target(creds, url), { baseBackoffMs: 1, requestTimeoutMs: 2000, ...opts });
  cleanups.push(() => c.close());
  return c;
}


describe('over real sockets', () => {
  it('authenticates, sends the bearer, and renews once on a 401', async () => {
    const t1 = makeJwt({ n: 1 });
    const t2 = makeJwt({ n: 2 });
    let auths = 0;
    const s = await serve((req, res, body) => {
      if (req.url === '/auth') {
        const form = new URLSearchParams(body);
        if (form.get('username') !== 'joe' || form.get('password') !== 'pw-http-5678' || form.get('token') !== 'true') return json(res, 401, {});
        res.writeHead(201, { 'content-type': 'text/plain' });
        return res.end(++auths === 1 ? t1 : t2);
      }
      if (req.headers.authorization !== `Bearer ${t2}`) return json(res, 401, { message: 'expired' });
      json(res, 200, { data: [{ id: 1 }], count: 1 });
    });
    const c = client(s.url, { username: 'joe', password: 'pw-http-5678' });
    expect(await c.list('/v1.3/exception')).toEqual([{ id: 1 }]);
    expect(s.seen.map((r) => r.path)).toEqual(['/auth', '/csapi/v1.3/exception?pageNumber=1&pageSize=250', '/auth', '/csapi/v1.3/exception?pageNumber=1&pageSize=250']);
  });

  it('retries a GET whose connection is reset', async () => {
    const s = await serve((req, res, _b, n) => {
      if (n === 1) return req.socket.destroy();
      json(res, 200, { ok: true });
    });
    const c = client(s.url);
    expect(await c.request('GET', '/v1.3/x')).toEqual({ ok: true });
    expect(s.seen).toHaveLength(2);
    expect(c.stats.retries).toBe(1);
  });

  it('reports a POST whose connection is reset as outcome unknown, and sends it once', async () => {
    const s = await serve((req) => req.socket.destroy());
    const c = client(s.url);
    const e = await failure(c.request('POST', '/v1.3/exception', { body: { name: 'x' } }));
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.code).toBe('E_OUTCOME_UNKNOWN');
    expect(isOutcomeUnknown(e)).toBe(true);
    expect(e.message).toContain(new URL(s.url).host);
    expect(s.seen).toHaveLength(1);
  });

  it('retries a GET whose answer is lost (timeout), and reports a POST as unknown', async () => {
    const s = await serve((_req, res, _b, n) => {
      if (n === 1 || n === 3) return; // never answer
      json(res, 200, { ok: n });
    });
    const c = client(s.url, undefined, { requestTimeoutMs: 150 });
    expect(await c.request('GET', '/v1.3/x')).toEqual({ ok: 2 });
    const e = await failure(c.request('POST', '/v1.3/x', { body: {} }));
    expect(isOutcomeUnknown(e)).toBe(true);
    expect(e.message).toMatch(/timed out/);
    expect(s.seen).toHaveLength(3);
  });

  it('repeats a refused POST (nothing was sent) and then names the host and the tries', async () => {
    const s = await serve((_q, res) => json(res, 200, {}));
    const url = s.url;
    await s.close();
    const c = client(url, undefined, { retries: 3 });
    const e = (await failure(c.request('POST', '/v1.3/exception', { body: {} }))) as NetworkError;
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.code).toBe('E_NETWORK');
    expect(e.outcomeUnknown).toBe(false);
    expect(e.host).toBe(new URL(url).host);
    expect(e.message).toMatch(/connection refused \(ECONNREFUSED\); gave up after 3 tries/);
    expect(c.stats.calls).toBe(3);
  });

  it('keeps connections alive and never exceeds the concurrency limit', async () => {
    const s = await serve((_q, res) => setTimeout(() => json(res, 200, { ok: true }), 5));
    const c = client(s.url, undefined, { maxConcurrency: 3 });
    await Promise.all(Array.from({ length: 30 }, () => c.request('GET', '/v1.3/x')));
    for (let i = 0; i < 10; i++) await c.request('GET', '/v1.3/x');
    expect(s.seen).toHaveLength(40);
    expect(s.maxInFlight).toBeLessThanOrEqual(3);
    expect(s.connections).toBeLessThanOrEqual(3);
  });

  it('refuses a streamed body over the bound', async () => {
    const s = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 50; i++) res.write('x'.repeat(1000));
      res.end();
    });
    const c = client(s.url, undefined, { maxResponseBytes: 10_000 });
    expect((await failure(c.request('GET', '/v1.3/x'))).code).toBe('E_RESPONSE_TOO_LARGE');
  });

  it('does not follow a redirect to another host', async () => {
    let otherHit = 0;
    const other = await serve((_q, res) => {
      otherHit++;
      json(res, 200, {});
    });
    const s = await serve((_q, res) => {
      res.writeHead(307, { location: `${other.url.replace('127.0.0.1', 'localhost')}/csapi/v1.3/x` });
      res.end();
    });
    const c = client(s.url);
    const e = await failure(c.request('GET', '/v1.3/x'));
    expect(e.code).toBe('E_REDIRECT');
    expect(e.message).toContain('localhost:');
    expect(otherHit).toBe(0);
  });
});

describe('TLS', () => {
  const tls = {
    key: readFileSync(new URL('./fixtures/test-only-selfsigned.key', import.meta.url)),
    cert: readFileSync(new URL('./fixtures/test-only-selfsigned.crt', import.meta.url)),
  };

  it('verifies certificates by default: a self-signed one fails clearly, and is not retried', async () => {
    const s = await serve((_q, res) => json(res, 200, { ok: true }), tls);
    const c = client(s.url);
    const e = await failure(c.request('GET', '/v1.3/x'));
    expect(e.code).toBe('E_NETWORK');
    expect(e.message).toMatch(/TLS certificate check failed/);
    expect(e.hint).toMatch(/NODE_EXTRA_CA_CERTS|--insecure/);
    expect(s.seen).toHaveLength(0);
    expect(c.stats.calls).toBe(1);
  });

  it('--insecure turns verification off, with one warning', async () => {
    const s = await serve((_q, res) => json(res, 200, { ok: true }), tls);
    const warns: string[] = [];
    const c = createClient(target({ token: 'tok-http-1234' }, s.url, true), { warn: (l) => warns.push(l) });
    cleanups.push(() => c.close());
    expect(await c.request('GET', '/v1.3/x')).toEqual({ ok: true });
    expect(await c.request('GET', '/v1.3/x')).toEqual({ ok: true });
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/verification is OFF/);
  });
});

// Issue 26: an answer is read up to a byte limit, a list up to an item limit and a byte budget, each a clear error.
describe('the bounds of a list (issue 26)', () => {
  const page = (from: number, n: number, pad = 0) => Array.from({ length: n }, (_, i) => ({ id: `i-${from + i}`, name: `n-${from + i}`, pad: 'x'.repeat(pad) }));
  const pageOf = (req: http.IncomingMessage) => Number(new URL(req.url!, 'http://x').searchParams.get('pageNumber'));

  it('a list that announces more items than the limit is refused after its first page', async () => {
    const { MAX_LIST_ITEMS } = await import('../../src/api/paginate.js');
    const s = await serve((req, res) => json(res, 200, { data: page(0, 250), count: MAX_LIST_ITEMS + 1 }));
    await expect(client(s.url).list('/v1.3/exception')).rejects.toMatchObject({ code: 'E_RESPONSE_TOO_LARGE', message: expect.stringMatching(/200,001 items, more than 200,000/) });
    expect(s.seen).toHaveLength(1);
  });

  it('a list without a count whose pages never end is refused at the item limit, not read on', { timeout: 30_000 }, async () => {
    const { MAX_LIST_ITEMS } = await import('../../src/api/paginate.js');
    const s = await serve((req, res) => json(res, 200, { data: page((pageOf(req) - 1) * 250, 250) }));
    await expect(client(s.url).list('/v1.3/exception')).rejects.toMatchObject({ code: 'E_RESPONSE_TOO_LARGE', message: expect.stringMatching(/more than 200,000 items/) });
    expect(s.seen.length).toBe(MAX_LIST_ITEMS / 250 + 1);
  });

  it('a list whose pages hold more bytes in all than the budget is refused', async () => {
    const s = await serve((req, res) => json(res, 200, { data: page((pageOf(req) - 1) * 250, 250, 400) }));
    await expect(client(s.url, undefined, { maxListBytes: 1024 * 1024 }).list('/v1.3/exception')).rejects.toMatchObject({
      code: 'E_RESPONSE_TOO_LARGE',
      message: expect.stringMatching(/more than 1 MiB/),
    });
    expect(s.seen.length).toBeLessThanOrEqual(11);
  });

  it('an answer over the byte limit is refused while it is read', async () => {
    const s = await serve((req, res) => json(res, 200, { data: page(0, 10, 2000) }));
    await expect(client(s.url, undefined, { maxResponseBytes: 4096 }).list('/v1.3/exception')).rejects.toMatchObject({ code: 'E_RESPONSE_TOO_LARGE' });
  });
});
