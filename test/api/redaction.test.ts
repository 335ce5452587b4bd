// Recognisable secrets go through failing and succeeding calls with debug logging on; none of them
// may appear in anything printed, logged, thrown or inspected.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/api/client.js';
import { resolveTarget } from '../../src/api/config.js';
import type { ApiClient } from '../../src/api/types.js';
import { reportError } from '../../src/output/messages.js';
import { makeJwt } from './helpers.js';

const PASSWORD = 'Pa55-RECOGNISABLE-password-7f3e';
const TOKEN = 'TOK-RECOGNISABLE-token-91c4d2';
const JWT = makeJwt({ sub: 'RECOGNISABLE-jwt-subject', iat: 1, exp: 4_000_000_000 });
const SECRETS = [PASSWORD, TOKEN, JWT, encodeURIComponent(PASSWORD)];

let server: http.Server;
let url: string;
let mode: 'ok' | 'echo' | 'reset' | '401' | '503' | 'badjson' = 'ok';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/auth') {
        if (mode === '401') {
          res.writeHead(401, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ message: `bad password ${new URLSearchParams(body).get('password')}` }));
        }
        res.writeHead(201, { 'content-type': 'text/plain' });
        return res.end(JWT);
      }
      if (mode === 'reset') return req.socket.destroy();
      if (mode === 'echo') {
        // a careless gateway echoing the request: header and body in its error message
        res.writeHead(400, { 'content-type': 'application/json', 'www-authenticate': `Bearer ${req.headers.authorization}` });
        return res.end(JSON.stringify({ message: `rejected ${req.headers.authorization} ${body}`, errorMessage: TOKEN }));
      }
      if (mode === '401') {
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ message: `token ${req.headers.authorization} expired` }));
      }
      if (mode === '503') {
        res.writeHead(503, { 'content-type': 'text/plain' });
        return res.end(`busy, Authorization: ${req.headers.authorization}`);
      }
      if (mode === 'badjson') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(`{"oops": "${PASSWORD}`);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ id: 1 }], count: 1 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('no secret in anything printed or written', () => {
  for (const credMode of ['password', 'token'] as const) {
    it(`with ${credMode} credentials`, async () => {
      const captured: string[] = [];
      const grab = (chunk: unknown): boolean => {
        captured.push(String(chunk));
        return true;
      };
      vi.spyOn(process.stdout, 'write').mockImplementation(grab as never);
      vi.spyOn(process.stderr, 'write').mockImplementation(grab as never);
      for (const m of ['log', 'error', 'warn', 'info', 'debug'] as const) vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void captured.push(a.map(String).join(' ')));

      const env =
        credMode === 'password'
          ? { QUALYS_GATEWAY_URL: url, QUALYS_USERNAME: 'joe', QUALYS_PASSWORD: PASSWORD }
          : { QUALYS_GATEWAY_URL: url, QUALYS_TOKEN: TOKEN };
      const t = resolveTarget({}, env);
      captured.push(JSON.stringify(t), inspect(t, { depth: 10, showHidden: false }), String(t));
      const debug: string[] = [];
      const warns: string[] = [];
      const c: ApiClient = createClient(t, {
        debug: (l) => debug.push(l),
        warn: (l) => warns.push(l),
        retries: 2,
        baseBackoffMs: 1,
        requestTimeoutMs: 2000,
        env: {}, // no proxy, whatever the machine's environment says
      });
      const errors: unknown[] = [];
      const run = async (m: typeof mode, fn: () => Promise<unknown>): Promise<void> => {
        mode = m;
        try {
          captured.push(JSON.stringify(await fn()));
        } catch (e) {
          errors.push(e);
        }
      };
      try {
        await run('ok', () => c.list('/v1.3/exception'));
        await run('ok', () => c.request('POST', '/v1.3/exception', { body: { name: 'x' } }));
        await run('echo', () => c.request('PUT', '/v1.3/exception/1', { body: { note: PASSWORD } }));
        await run('503', () => c.request('GET', '/v1.3/exception'));
        await run('503', () => c.request('POST', '/v1.3/exception', { body: {} }));
        await run('reset', () => c.request('POST', '/v1.3/exception', { body: {} }));
        await run('reset', () => c.request('GET', '/v1.3/exception'));
        await run('badjson', () => c.request('GET', '/v1.3/exception'));
        await run('401', () => c.request('GET', '/v1.3/exception'));
        await run('ok', () => c.resolvePath(['/v1.3/secretrule', '/v1.3/secretDetector']));
      } finally {
        await c.close();
      }
      // what was asked for did happen: successes, and one failure per failing call
      expect(errors).toHaveLength(7);
      expect(debug.length).toBeGreaterThan(10);
      for (const e of errors) {
        const err = e as Error & { hint?: string };
        captured.push(err.message, String(err.hint), String(err.stack), inspect(err, { depth: 10 }), JSON.stringify(err));
        reportError(err, { debug: true }, (s) => captured.push(s));
      }
      const everything = [...captured, ...debug, ...warns].join('\n');
      for (const s of SECRETS) expect(everything.includes(s), `found a secret: ${s.slice(0, 8)}…`).toBe(false);
      expect(everything).not.toMatch(/Bearer (?!\[REDACTED\])\S/);
      // the debug lines are method, path, status and timing only
      // (and the one line saying which proxy, if any, carries the calls)
      expect(debug.filter((x) => x.startsWith('proxy: '))).toEqual([expect.stringMatching(/^proxy: none for 127\.0\.0\.1:\d+ \(no HTTP_PROXY set\)$/)]);
      for (const l of debug.filter((x) => !x.startsWith('  ') && !x.startsWith('proxy: '))) expect(l).toMatch(/^(GET|POST|PUT|DELETE) \/\S* -> \S+( then \S+)? in \d+ms$/);
    });
  }
});
