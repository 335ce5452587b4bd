// The client against undici's MockAgent: no network at all.
import type { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type ClientOptions } from '../../src/api/client.js';
import { isOutcomeUnknown } from '../../src/api/errors.js';
import type { ApiClient } from '../../src/api/types.js';
import { ApiError, AuthError, NetworkError, QcsError } from '../../src/errors.js';
import { makeJwt, mockAgent, netError, recordingSleep, route, target, type Answer, type SeenRequest, failure } from './helpers.js';

let agent: MockAgent;
let client: ApiClient | undefined;
beforeEach(() => {
  agent = mockAgent();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await agent.close();
});

const JWT1 = makeJwt({ n: 1 });
const JWT2 = makeJwt({ n: 2 });

function make(creds: Parameters<typeof target>[0], opts: ClientOptions = {}): { c: ApiClient; waits: number[]; debug: string[] } {
  const { sleep, waits, now } = recordingSleep();
  const debug: string[] = [];
  client = createClient(target(creds), { dispatcher: agent, sleep, now, debug: (l) => debug.push(l), random: () => 0.5, ...opts });
  return { c: client, waits, debug };
}

/** An /auth handler handing out the given tokens in turn. */
function authThen(tokens: string[], cs: (req: SeenRequest, log: SeenRequest[]) => Answer) {
  let i = 0;
  return (req: SeenRequest, log: SeenRequest[]): Answer => {
    if (req.path === '/auth') return { status: 201, body: tokens[Math.min(i++, tokens.length - 1)] };
    return cs(req, log);
  };
}
const countOf = (log: SeenRequest[], path: string): number => log.filter((r) => r.path === path).length;


describe('auth', () => {
  it('fetches a token with the form fields, reuses it, and sends it as a bearer', async () => {
    const log = route(agent, authThen([JWT1], () => ({ status: 200, body: { ok: true } })));
    const { c } = make({ username: 'joe', password: 'pw-auth-1234' });
    for (let i = 0; i < 3; i++) expect(await c.request('GET', '/v1.3/exception')).toEqual({ ok: true });
    expect(countOf(log, '/auth')).toBe(1);
    const auth = log.find((r) => r.path === '/auth')!;
    expect(auth.method).toBe('POST');
    expect(auth.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(auth.body))).toEqual({ username: 'joe', password: 'pw-auth-1234', token: 'true' });
    const cs = log.filter((r) => r.path !== '/auth');
    expect(cs.map((r) => r.path)).toEqual(['/csapi/v1.3/exception', '/csapi/v1.3/exception', '/csapi/v1.3/exception']);
    expect(cs.every((r) => r.headers.authorization === `Bearer ${JWT1}`)).toBe(true);
    expect(c.stats).toEqual({ calls: 4, retries: 0, byEndpoint: { 'POST /auth': 1, 'GET /csapi/v1.3/exception': 3 }, byKind: { auth: 1, other: 3 }, rateLimitWaitMs: 0 });
  });

  it('renews the token once on a 401 and repeats the call', async () => {
    const log = route(agent, authThen([JWT1, JWT2], (req) => (req.headers.authorization === `Bearer ${JWT2}` ? { status: 200, body: { v: 2 } } : { status: 401, body: { message: 'expired' } })));
    const { c } = make({ username: 'joe', password: 'pw-auth-1234' });
    expect(await c.request('POST', '/v1.3/exception', { body: { name: 'x' } })).toEqual({ v: 2 });
    expect(countOf(log, '/auth')).toBe(2);
    expect(countOf(log, '/csapi/v1.3/exception')).toBe(2);
    // the renewed token is reused
    await c.request('GET', '/v1.3/exception');
    expect(countOf(log, '/auth')).toBe(2);
  });

  it('gives up with an AuthError when the renewed token is refused too', async () => {
    const log = route(agent, authThen([JWT1, JWT2], () => ({ status: 401, body: { message: 'no CS access' } })));
    const { c } = make({ username: 'joe', password: 'pw-auth-1234' });
    const e = await failure(c.request('GET', '/v1.3/exception'));
    expect(e).toBeInstanceOf(AuthError);
    expect(e.code).toBe('E_AUTH');
    expect(e.message).toContain('no CS access');
    expect(e.hint).toMatch(/QUALYS_USERNAME and QUALYS_PASSWORD/);
    expect(countOf(log, '/auth')).toBe(2);
    expect(countOf(log, '/csapi/v1.3/exception')).toBe(2);
  });

  it('with a given token: no /auth call', async () => {
    const log = route(agent, (req) => (req.headers.authorization === 'Bearer tok-given-1234' ? { status: 200, body: [1] } : { status: 500 }));
    const { c } = make({ token: 'tok-given-1234' });
    expect(await c.request('GET', '/v1.3/runtime/policies')).toEqual([1]);
    expect(countOf(log, '/auth')).toBe(0);
  });

  it('with a given token, a 401 is an AuthError naming QUALYS_TOKEN, and nothing is repeated', async () => {
    const log = route(agent, () => ({ status: 401, body: { message: 'token expired' } }));
    const { c } = make({ token: 'tok-given-1234' });
    const e = await failure(c.request('GET', '/v1.3/runtime/policies'));
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toContain('token expired');
    expect(e.hint).toContain('QUALYS_TOKEN');
    expect(log.map((r) => r.path)).toEqual(['/csapi/v1.3/runtime/policies']);
  });

  it('with a token and a username/password, renews with the password after a 401', async () => {
    const log = route(agent, authThen([JWT2], (req) => (req.headers.authorization === `Bearer ${JWT2}` ? { status: 200, body: 'ok' } : { status: 401 })));
    const { c } = make({ token: 'tok-stale-1234', username: 'joe', password: 'pw-auth-1234' });
    expect(await c.request('GET', '/v1.3/exception')).toBe('ok');
    expect(log.map((r) => r.path)).toEqual(['/csapi/v1.3/exception', '/auth', '/csapi/v1.3/exception']);
  });

  it('renews before expiry (from the exp claim), not on every call', async () => {
    let now = 1_800_000_000_000;
    const t1 = makeJwt({ iat: now / 1000, exp: now / 1000 + 3600 });
    const t2 = makeJwt({ iat: now / 1000 + 3500, exp: now / 1000 + 7100 });
    const log = route(agent, authThen([t1, t2], () => ({ status: 200, body: {} })));
    const { c } = make({ username: 'joe', password: 'pw-auth-1234' }, { now: () => now });
    await c.request('GET', '/a');
    now += 3000 * 1000; // 50 min: still valid
    await c.request('GET', '/a');
    expect(countOf(log, '/auth')).toBe(1);
    now += 400 * 1000; // 56 min 40 s: within 5 minutes of expiry
    await c.request('GET', '/a');
    expect(countOf(log, '/auth')).toBe(2);
    expect(log.at(-1)!.headers.authorization).toBe(`Bearer ${t2}`);
  });

  it('assumes 4 hours when the token is not a readable JWT', async () => {
    let now = 1_800_000_000_000;
    const log = route(agent, authThen(['opaque-token-1', 'opaque-token-2'], () => ({ status: 200, body: {} })));
    const { c } = make({ username: 'joe', password: 'pw-auth-1234' }, { now: () => now });
    await c.request('GET', '/a');
    now += 3.8 * 3600 * 1000;
    await c.request('GET', '/a');
    expect(countOf(log, '/auth')).toBe(1);
    now += 0.15 * 3600 * 1000;
    await c.request('GET', '/a');
    expect(countOf(log, '/auth')).toBe(2);
  });

  it('shares one in-flight auth between concurrent calls', async () => {
    const log = route(agent, authThen([JWT1], () => ({ status: 200, body: {} })));
    const { c } = make({ username: 'joe', password: 'pw-auth-1234' });
    await Promise.all(Array.from({ length: 8 }, () => c.request('GET', '/v1.3/exception')));
    expect(countOf(log, '/auth')).toBe(1);
    expect(c.stats.calls).toBe(9);
  });

  it('refused username/password: an AuthError naming the variables', async () => {
    route(agent, (req) => (req.path === '/auth' ? { status: 401, body: 'Unauthorized' } : { status: 200 }));
    const { c } = make({ username: 'joe', password: 'pw-wrong-1234' });
    const e = await failure(c.request('GET', '/v1.3/exception'));
    expect(e).toBeInstanceOf(AuthError);
    expect(e.message).toContain('"joe"');
    expect(e.hint).toMatch(/QUALYS_USERNAME and QUALYS_PASSWORD/);
  });

  it('retries /auth on a reset (asking for a token twice does no harm)', async () => {
    let n = 0;
    const log = route(agent, (req) => {
      if (req.path === '/auth' && n++ === 0) throw netError('ECONNRESET');
      return req.path === '/auth' ? { status: 201, body: JWT1 } : { status: 200, body: {} };
    });
    const { c } = make({ username: 'joe', password: 'pw-auth-1234' });
    await c.request('GET', '/x');
    expect(countOf(log, '/auth')).toBe(2);
    expect(c.stats.retries).toBe(1);
  });
});

// A second agent for tests that need a fresh set of interceptors.
let agent2: MockAgent | undefined;
function mockAgentReset(): MockAgent {
  agent2 = mockAgent();
  return agent2;
}

describe('retries', () => {
  for (const status of [429, 502, 503, 504]) {
    it(`retries a GET answered ${status}`, async () => {
      const log = route(agent, (_req, l) => (l.length < 3 ? { status, body: { message: 'busy' } } : { status: 200, body: { ok: 1 } }));
      const { c, waits } = make({ token: 'tok-1234' });
      expect(await c.request('GET', '/v1.3/exception')).toEqual({ ok: 1 });
      expect(log).toHaveLength(3);
      expect(waits).toHaveLength(2);
      expect(c.stats).toMatchObject({ calls: 3, retries: 2, byEndpoint: { 'GET /csapi/v1.3/exception': 3 } });
      // the calls of a kind's view count under its name
      await c.forKind!('Exception').request('GET', '/v1.3/exception/12345');
      expect(c.stats.byKind).toEqual({ other: 3, Exception: 1 });
      expect(c.stats.byEndpoint!['GET /csapi/v1.3/exception/{id}']).toBe(1);
    });
  }

  it('retries a 409 carrying X-RateLimit-* headers', async () => {
    const log = route(agent, (_r, l) => (l.length === 1 ? { status: 409, headers: { 'x-ratelimit-limit': '300', 'x-ratelimit-window-sec': '3600' } } : { status: 200, body: [] }));
    const { c } = make({ token: 'tok-1234' });
    expect(await c.request('GET', '/v1.3/exception')).toEqual([]);
    expect(log).toHaveLength(2);
  });

  it('does not retry a plain 409: a real conflict, with the server message', async () => {
    const log = route(agent, () => ({ status: 409, body: { errorCode: '409 CONFLICT', message: 'Policy is associated with 2 images' } }));
    const { c } = make({ token: 'tok-1234' });
    const e = await failure(c.request('DELETE', '/v1.3/runtime/policies/abc'));
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(409);
    expect(e.code).toBe('E_API_409');
    expect((e as ApiError).serverMessage).toBe('Policy is associated with 2 images');
    expect(log).toHaveLength(1);
  });

  it('honours Retry-After in seconds', async () => {
    route(agent, (_r, l) => (l.length === 1 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 200 }));
    const { c, waits } = make({ token: 'tok-1234' });
    await c.request('GET', '/x');
    expect(waits).toEqual([3000]);
  });

  it('counts the time held back by rate limits once, however many calls were told to wait', async () => {
    route(agent, (_r, l) => (l.length <= 2 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 200 }));
    const { c } = make({ token: 'tok-1234' }, { now: () => 1_000_000 });
    await Promise.all([c.request('GET', '/x'), c.request('GET', '/y')]);
    expect(c.stats.retries).toBe(2);
    expect(c.stats.rateLimitWaitMs).toBe(3000);
  });

  it('honours Retry-After as an HTTP date', async () => {
    route(agent, (_r, l) => (l.length === 1 ? { status: 503, headers: { 'retry-after': 'Tue, 01 Jan 2030 00:00:04 GMT' } } : { status: 200 }));
    const { sleep, waits, now } = recordingSleep(Date.parse('2030-01-01T00:00:00Z'));
    client = createClient(target({ token: 'tok-1234' }), { dispatcher: agent, sleep, now });
    await client.request('GET', '/x');
    expect(waits).toEqual([4000]);
  });

  it('honours X-RateLimit-ToWait-Sec', async () => {
    route(agent, (_r, l) => (l.length === 1 ? { status: 429, headers: { 'x-ratelimit-towait-sec': '7', 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '10' } } : { status: 200 }));
    const { c, waits } = make({ token: 'tok-1234' });
    await c.request('GET', '/x');
    // the retry waits as told; the pause of new calls is the same window, not added on top
    expect(waits[0]).toBe(7000);
    expect(waits.every((w) => w <= 7000)).toBe(true);
  });

  it('backs off exponentially with full jitter, within the ceiling', async () => {
    route(agent, (_r, l) => (l.length < 5 ? { status: 503 } : { status: 200 }));
    const { c, waits } = make({ token: 'tok-1234' }, { random: () => 0.999, baseBackoffMs: 100 });
    await c.request('GET', '/x');
    expect(waits).toEqual([100, 200, 400, 799]);
  });

  it('full jitter can wait nothing at all', async () => {
    route(agent, (_r, l) => (l.length < 3 ? { status: 503 } : { status: 200 }));
    const { c, waits } = make({ token: 'tok-1234' }, { random: () => 0, baseBackoffMs: 100 });
    await c.request('GET', '/x');
    expect(waits).toEqual([0, 0]);
  });

  it('gives up after the bound on tries, saying how many and the last status', async () => {
    const log = route(agent, () => ({ status: 503, body: { message: 'maintenance' } }));
    const { c, waits } = make({ token: 'tok-1234' }, { retries: 3 });
    const e = await failure(c.request('GET', '/v1.3/exception'));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('E_RETRIES_EXHAUSTED');
    expect((e as ApiError).status).toBe(503);
    expect(e.message).toMatch(/GET \/csapi\/v1.3\/exception answered 503; gave up after 3 tries .*: maintenance/);
    expect(log).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('gives up when the total wait would exceed the budget', async () => {
    const log = route(agent, () => ({ status: 429, headers: { 'retry-after': '120' } }));
    const { c, waits } = make({ token: 'tok-1234' }, { maxRetryWaitMs: 60_000 });
    const e = await failure(c.request('GET', '/x'));
    expect(e.code).toBe('E_RETRIES_EXHAUSTED');
    expect(e.hint).toMatch(/asked to wait 120 s/);
    expect(log).toHaveLength(1);
    expect(waits).toEqual([]);
    // and across tries: 3 × 25 s > 60 s
    const log2 = route(mockAgentReset(), () => ({ status: 429, headers: { 'retry-after': '25' } }));
    const { sleep, waits: w, now } = recordingSleep();
    const c2 = createClient(target({ token: 'tok-1234' }), { dispatcher: agent2!, sleep, now, maxRetryWaitMs: 60_000 });
    await expect(c2.request('GET', '/x')).rejects.toThrow(/gave up after 3 tries/);
    expect(w).toEqual([25_000, 25_000]);
    expect(log2).toHaveLength(3);
    await c2.close();
    await agent2!.close();
  });

  it('retries a GET after a connection reset and a timeout', async () => {
    const log = route(agent, (_r, l) => {
      if (l.length === 1) throw netError('ECONNRESET');
      if (l.length === 2) throw netError('UND_ERR_HEADERS_TIMEOUT');
      return { status: 200, body: { ok: true } };
    });
    const { c, debug } = make({ token: 'tok-1234' });
    expect(await c.request('GET', '/x')).toEqual({ ok: true });
    expect(log).toHaveLength(3);
    expect(debug.filter((l) => /ECONNRESET|HEADERS_TIMEOUT/.test(l) && l.startsWith('GET'))).toHaveLength(2);
  });

  it('gives up on a persistent network failure with a NetworkError naming the host and the tries', async () => {
    route(agent, () => {
      throw netError('ECONNRESET');
    });
    const { c } = make({ token: 'tok-1234' }, { retries: 4 });
    const e = await failure(c.request('PUT', '/v1.3/exception/1', { body: {} }));
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.code).toBe('E_NETWORK');
    expect(e.message).toContain('gateway.test.example');
    expect(e.message).toMatch(/PUT \/csapi\/v1.3\/exception\/1 .*connection reset \(ECONNRESET\); gave up after 4 tries/);
    expect((e as NetworkError).outcomeUnknown).toBe(false);
  });

  it('does not retry a DNS failure', async () => {
    const log = route(agent, () => {
      throw netError('ENOTFOUND');
    });
    const { c } = make({ token: 'tok-1234' });
    const e = await failure(c.request('GET', '/x'));
    expect(e.code).toBe('E_NETWORK');
    expect(e.message).toContain('host not found');
    expect(e.hint).toMatch(/--gateway-url/);
    expect(log).toHaveLength(1);
  });
});

describe('POST: repeated only when nothing was done', () => {
  for (const status of [502, 503, 504]) {
    it(`a POST answered ${status} is reported as outcome unknown, not repeated`, async () => {
      const log = route(agent, () => ({ status }));
      const { c } = make({ token: 'tok-1234' });
      const e = await failure(c.request('POST', '/v1.3/exception', { body: { name: 'x' } }));
      expect(e).toBeInstanceOf(NetworkError);
      expect(e.code).toBe('E_OUTCOME_UNKNOWN');
      expect(isOutcomeUnknown(e)).toBe(true);
      expect(e.message).toContain(`answered ${status}`);
      expect(log).toHaveLength(1);
    });
  }

  it('a POST reset after sending is outcome unknown, not repeated', async () => {
    const log = route(agent, () => {
      throw netError('ECONNRESET');
    });
    const { c } = make({ token: 'tok-1234' });
    const e = await failure(c.request('POST', '/v1.3/exception', { body: { name: 'x' } }));
    expect(isOutcomeUnknown(e)).toBe(true);
    expect(e.message).toMatch(/may have been carried out/);
    expect(log).toHaveLength(1);
  });

  it('a POST timing out is outcome unknown', async () => {
    route(agent, () => {
      throw netError('UND_ERR_HEADERS_TIMEOUT');
    });
    const { c } = make({ token: 'tok-1234' });
    expect(isOutcomeUnknown(await failure(c.request('POST', '/x', { body: {} })))).toBe(true);
  });

  it('a POST answered 429 or a rate-limit 409 is repeated', async () => {
    const log = route(agent, (_r, l) =>
      l.length === 1 ? { status: 429 } : l.length === 2 ? { status: 409, headers: { 'x-ratelimit-remaining': '0' } } : { status: 200, body: { exceptionId: 'e1' } },
    );
    const { c } = make({ token: 'tok-1234' });
    expect(await c.request('POST', '/v1.3/exception', { body: { name: 'x' } })).toEqual({ exceptionId: 'e1' });
    expect(log).toHaveLength(3);
    expect(log.every((r) => r.body === '{"name":"x"}')).toBe(true);
  });

  it('a POST refused before sending (ECONNREFUSED) is repeated', async () => {
    const log = route(agent, (_r, l) => {
      if (l.length === 1) throw netError('ECONNREFUSED');
      return { status: 200, body: { uuid: 'u' } };
    });
    const { c } = make({ token: 'tok-1234' });
    expect(await c.request('POST', '/x', { body: {} })).toEqual({ uuid: 'u' });
    expect(log).toHaveLength(2);
  });

  it('a DELETE whose first try may have gone through and then answers 404 succeeded', async () => {
    route(agent, (_r, l) => {
      if (l.length === 1) throw netError('ECONNRESET');
      return { status: 404, body: { message: 'not found' } };
    });
    const { c } = make({ token: 'tok-1234' });
    expect(await c.request('DELETE', '/v1.3/exception/1')).toBeUndefined();
    // but a plain 404 on DELETE is an error
    route(mockAgentReset(), () => ({ status: 404, body: { message: 'not found' } }));
    const c2 = createClient(target({ token: 'tok-1234' }), { dispatcher: agent2!, sleep: async () => {} });
    expect((await failure(c2.request('DELETE', '/v1.3/exception/1'))).code).toBe('E_API_404');
    await c2.close();
    await agent2!.close();
  });
});

describe('answers and errors', () => {
  it('passes the 403 message through as it is, and names the permission in the hint', async () => {
    const message = 'The joe_user user does not have the CS.IMAGE.VIEW permission to perform this action.';
    route(agent, () => ({ status: 403, body: { errorCode: '403 FORBIDDEN', message, timestamp: 1660000000000 } }));
    const { c } = make({ token: 'tok-1234' });
    const e = (await failure(c.request('GET', '/v1.3/exception'))) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(403);
    expect(e.method).toBe('GET');
    expect(e.path).toBe('/csapi/v1.3/exception');
    expect(e.serverMessage).toBe(message);
    expect(e.message).toBe(`GET /csapi/v1.3/exception answered 403: ${message}`);
    expect(e.hint).toContain('CS.IMAGE.VIEW');
  });

  it('reads errorMessage and error, and truncates a huge message', async () => {
    let body: unknown = { errorMessage: 'bad filter' };
    route(agent, () => ({ status: 400, body }));
    const { c } = make({ token: 'tok-1234' });
    expect(((await failure(c.request('GET', '/x'))) as ApiError).serverMessage).toBe('bad filter');
    body = { error: 'Bad Request' };
    expect(((await failure(c.request('GET', '/x'))) as ApiError).serverMessage).toBe('Bad Request');
    body = { message: 'x'.repeat(5000) };
    expect(((await failure(c.request('GET', '/x'))) as ApiError).serverMessage!.length).toBeLessThanOrEqual(500);
    body = '<html><head><title>502 Bad Gateway</title></head><body>...</body></html>';
    expect(((await failure(c.request('GET', '/x'))) as ApiError).serverMessage).toBe('502 Bad Gateway');
  });

  it('parses JSON by content type or by trying, returns text otherwise, undefined when empty', async () => {
    let a: Answer = { status: 200 };
    route(agent, () => a);
    const { c } = make({ token: 'tok-1234' });
    a = { status: 200, body: { x: 1 } };
    expect(await c.request('GET', '/x')).toEqual({ x: 1 });
    a = { status: 200, body: '{"y":2}', headers: { 'content-type': 'text/plain' } };
    expect(await c.request('GET', '/x')).toEqual({ y: 2 });
    a = { status: 201, body: 'eyJhbGciOi-not-json', headers: { 'content-type': 'text/plain' } };
    expect(await c.request('GET', '/x')).toBe('eyJhbGciOi-not-json');
    a = { status: 200, body: '' };
    expect(await c.request('DELETE', '/x')).toBeUndefined();
    a = { status: 200, body: '[1,2]', headers: { 'content-type': 'application/vnd.qualys+json; charset=utf-8' } };
    expect(await c.request('GET', '/x')).toEqual([1, 2]);
  });

  it('malformed JSON with a JSON content type is a clear E_BAD_RESPONSE', async () => {
    route(agent, () => ({ status: 200, body: '{"data": [1, 2', headers: { 'content-type': 'application/json' } }));
    const { c } = make({ token: 'tok-1234' });
    const e = await failure(c.request('GET', '/v1.3/exception'));
    expect(e).toBeInstanceOf(QcsError);
    expect(e.code).toBe('E_BAD_RESPONSE');
    expect(e.message).toMatch(/GET \/csapi\/v1.3\/exception answered 200 with malformed JSON/);
  });

  it('refuses a body over the bound', async () => {
    route(agent, () => ({ status: 200, body: { data: 'x'.repeat(2000) } }));
    const { c } = make({ token: 'tok-1234' }, { maxResponseBytes: 1000 });
    const e = await failure(c.request('GET', '/x'));
    expect(e.code).toBe('E_RESPONSE_TOO_LARGE');
  });

  it('does not follow a redirect, names the other host, and sends nothing there', async () => {
    route(agent, () => ({ status: 302, headers: { location: 'https://evil.example.net/steal' } }));
    const evil = route(agent, () => ({ status: 200 }), 'https://evil.example.net');
    const { c } = make({ token: 'tok-1234' });
    const e = (await failure(c.request('GET', '/x'))) as ApiError;
    expect(e.code).toBe('E_REDIRECT');
    expect(e.status).toBe(302);
    expect(e.message).toContain('evil.example.net');
    expect(evil).toHaveLength(0);
  });

  it('builds /csapi paths with the query, and serializes JSON bodies', async () => {
    const log = route(agent, () => ({ status: 200, body: {} }));
    const { c } = make({ token: 'tok-1234' });
    await c.request('PUT', '/v1.3/secretrule/bulkUpdate', { body: { ruleIds: ['a'], secretRuleStatus: 'Active' }, query: { a: 1, b: undefined, f: 'name:x y' } });
    await c.request('GET', 'v1.3/exception/9?includeQids=true');
    expect(log[0]!.path).toBe('/csapi/v1.3/secretrule/bulkUpdate?a=1&f=name%3Ax+y');
    expect(log[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(log[0]!.body!)).toEqual({ ruleIds: ['a'], secretRuleStatus: 'Active' });
    expect(log[1]!.path).toBe('/csapi/v1.3/exception/9?includeQids=true');
  });

  it('ignores an Authorization header given by the caller', async () => {
    const log = route(agent, () => ({ status: 200 }));
    const { c } = make({ token: 'tok-1234' });
    await c.request('GET', '/x', { headers: { Authorization: 'Bearer other', 'X-Extra': '1' } });
    expect(log[0]!.headers.authorization).toBe('Bearer tok-1234');
    expect(log[0]!.headers['x-extra']).toBe('1');
  });

  it('keeps a base path of the gateway URL', async () => {
    const log = route(agent, () => ({ status: 200 }));
    const { sleep } = recordingSleep();
    const c = createClient(target({ token: 'tok-1234' }, 'https://gateway.test.example/prefix'), { dispatcher: agent, sleep });
    await c.request('GET', '/v1.3/x');
    expect(log[0]!.path).toBe('/prefix/csapi/v1.3/x');
    await c.close();
  });

  it('debug lines carry method, path, status and timing only', async () => {
    route(agent, authThen([JWT1], (_r, l) => (l.length === 2 ? { status: 503 } : { status: 200, body: {} })));
    const { c, debug } = make({ username: 'joe', password: 'pw-debug-1234' });
    await c.request('GET', '/v1.3/exception', { query: { pageNumber: 1 } });
    const main = debug.filter((l) => !l.startsWith('  '));
    expect(main).toHaveLength(3);
    expect(main[0]).toMatch(/^POST \/auth -> 201 in \d+ms$/);
    expect(main[1]).toMatch(/^GET \/csapi\/v1\.3\/exception\?pageNumber=1 -> 503 in \d+ms$/);
    expect(main[2]).toMatch(/^GET \/csapi\/v1\.3\/exception\?pageNumber=1 -> 200 in \d+ms$/);
  });
});

describe('rate-limit pacing', () => {
  it('pauses new calls when X-RateLimit-Remaining says the budget is spent', async () => {
    route(agent, (_r, l) => (l.length === 1 ? { status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-window-sec': '10', 'x-ratelimit-limit': '100' } } : { status: 200 }));
    const { c, waits, debug } = make({ token: 'tok-1234' });
    await c.request('GET', '/x');
    expect(waits).toEqual([]);
    await c.request('GET', '/x');
    expect(waits).toEqual([10_000]);
    expect(debug.some((l) => /budget low/.test(l))).toBe(true);
    await c.request('GET', '/x');
    expect(waits).toEqual([10_000]);
  });

  it('bounds the pause', async () => {
    route(agent, () => ({ status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-window-sec': '3600' } }));
    const { c, waits } = make({ token: 'tok-1234' }, { maxRetryWaitMs: 5000 });
    await c.request('GET', '/x');
    await c.request('GET', '/x');
    expect(waits).toEqual([5000]);
  });

  it('runs one call at a time while the budget is low, and never more than the limit', async () => {
    let inFlight = 0;
    let maxSeen = 0;
    let remaining = 100;
    const resolvers: Array<() => void> = [];
    route(agent, () => ({ status: 200, headers: { 'x-ratelimit-remaining': String(remaining) } }));
    // wrap the mock with a dispatcher-level gate to observe concurrency
    const gated = {
      request: async (opts: Parameters<MockAgent['request']>[0]) => {
        inFlight++;
        maxSeen = Math.max(maxSeen, inFlight);
        await new Promise<void>((r) => resolvers.push(r));
        try {
          return await agent.request(opts);
        } finally {
          inFlight--;
        }
      },
    };
    const pump = setInterval(() => resolvers.splice(0).forEach((r) => r()), 1);
    try {
      const c = createClient(target({ token: 'tok-1234' }), { dispatcher: gated as never, maxConcurrency: 3, sleep: async () => {} });
      await Promise.all(Array.from({ length: 10 }, () => c.request('GET', '/x')));
      expect(maxSeen).toBe(3);
      remaining = 2; // below the concurrency: one at a time
      await c.request('GET', '/x');
      maxSeen = 0;
      await Promise.all(Array.from({ length: 6 }, () => c.request('GET', '/x')));
      expect(maxSeen).toBe(1);
      await c.close();
    } finally {
      clearInterval(pump);
    }
  });
});

describe('resolvePath', () => {
  it('falls back to the second candidate on a 404 and remembers the choice', async () => {
    const log = route(agent, (req) => (req.path.startsWith('/csapi/v1.3/secretrule') ? { status: 404, body: { message: 'No static resource' } } : { status: 200, body: { data: [], count: '0' } }));
    const { c } = make({ token: 'tok-1234' });
    const cands = ['/v1.3/secretrule', '/v1.3/secretDetector'];
    expect(await c.resolvePath(cands)).toBe('/v1.3/secretDetector');
    expect(await c.resolvePath(cands)).toBe('/v1.3/secretDetector');
    expect(log.map((r) => r.path)).toEqual(['/csapi/v1.3/secretrule?pageNumber=1&pageSize=1', '/csapi/v1.3/secretDetector?pageNumber=1&pageSize=1']);
  });

  it('takes the first candidate when it answers, even with a 403', async () => {
    let status = 200;
    const log = route(agent, () => ({ status, body: { data: [], count: 0 } }));
    const { c } = make({ token: 'tok-1234' });
    expect(await c.resolvePath(['/v1.3/secretrule', '/v1.3/secretDetector'])).toBe('/v1.3/secretrule');
    status = 403;
    expect(await c.resolvePath(['/v1.3/other', '/v1.3/secretDetector'])).toBe('/v1.3/other');
    expect(log).toHaveLength(2);
  });

  it('does not choose (or remember) a path on a server error', async () => {
    let status = 500;
    const log = route(agent, () => ({ status, body: { message: 'boom' } }));
    const { c } = make({ token: 'tok-1234' });
    await expect(c.resolvePath(['/v1.3/secretrule', '/v1.3/secretDetector'])).rejects.toMatchObject({ status: 500 });
    expect(log).toHaveLength(1);
    status = 404;
    await expect(c.resolvePath(['/v1.3/secretrule', '/v1.3/secretDetector'])).rejects.toMatchObject({ status: 404 });
    expect(log).toHaveLength(3);
  });

  it('throws the first 404 when no candidate is served', async () => {
    route(agent, () => ({ status: 404, body: { message: 'nope' } }));
    const { c } = make({ token: 'tok-1234' });
    const e = (await failure(c.resolvePath(['/v1.3/secretrule', '/v1.3/secretDetector']))) as ApiError;
    expect(e.status).toBe(404);
    expect(e.path).toBe('/csapi/v1.3/secretrule');
  });

  it('does not remember a network failure', async () => {
    let fail = true;
    route(agent, () => {
      if (fail) throw netError('ENOTFOUND');
      return { status: 200, body: [] };
    });
    const { c } = make({ token: 'tok-1234' });
    await expect(c.resolvePath(['/a', '/b'])).rejects.toBeInstanceOf(NetworkError);
    fail = false;
    expect(await c.resolvePath(['/a', '/b'])).toBe('/a');
  });
});

describe('construction', () => {
  it('refuses plain http to a non-loopback host even for a hand-made target', () => {
    expect(() => createClient(target({ token: 'tok-1234' }, 'http://gateway.qg1.apps.qualys.com'))).toThrow(/plain http/);
  });

  it('warns once about --insecure through warn', async () => {
    const warns: string[] = [];
    const c = createClient(target({ token: 'tok-1234' }, 'https://gw.example.com', true), { dispatcher: agent, warn: (l) => warns.push(l) });
    route(agent, () => ({ status: 200 }), 'https://gw.example.com');
    await c.request('GET', '/x');
    await c.request('GET', '/x');
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/insecure.*verification is OFF for gw.example.com/);
    await c.close();
  });
});
