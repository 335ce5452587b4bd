// Hostile or broken gateways on 127.0.0.1: malformed JSON, wrong content types and shapes, huge bodies, redirects to
// another host, a certificate that does not verify, an answer that never comes. Each is a clear error (exit 1, no
// crash), and no credential reaches another host.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cliIsStale } from '../helpers/cli.js';
import { EXAMPLES, FAKE_TOKEN, PASSWORD, ROOT, USER, expectCleanFailure, run } from './helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Seen {
  method: string;
  url: string;
  authorization: boolean;
  body: string;
}

interface Host {
  url: string;
  seen: Seen[];
  server: Server;
}

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return (server.address() as AddressInfo).port;
}

function recorder(handler: Handler) {
  const seen: Seen[] = [];
  const fn = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization !== undefined, body });
      handler(req, res, body);
    });
  };
  return { seen, fn };
}

/** A gateway: POST /auth answers a token; everything under /csapi is `csapi`. */
async function gateway(csapi: Handler, auth?: Handler): Promise<Host> {
  const { seen, fn } = recorder((req, res, body) => {
    if (req.url === '/auth') {
      if (auth) return auth(req, res, body);
      res.writeHead(201, { 'content-type': 'text/plain' });
      res.end('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln');
      return;
    }
    csapi(req, res, body);
  });
  const server = createHttpServer(fn);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

const json = (status: number, body: string, type = 'application/json'): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
};

const servers: Server[] = [];
let elsewhere: Host; // "another host": localhost on another port
const FLAGS = ['--retries', '2', '--max-retry-wait', '2', '--request-timeout', '2'];
const env = (url: string) => ({ QUALYS_GATEWAY_URL: url, QUALYS_USERNAME: USER, QUALYS_PASSWORD: PASSWORD });

beforeAll(async () => {
  if (cliIsStale()) throw new Error('build/cli.js is older than src/: run `node scripts/build.mjs`');
  const { seen, fn } = recorder(json(200, '{"data":[],"count":0}'));
  const server = createHttpServer(fn);
  const port = await listen(server, '127.0.0.1');
  elsewhere = { url: `http://localhost:${port}`, seen, server };
  servers.push(server);
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections?.();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

interface Case {
  name: string;
  csapi?: Handler;
  auth?: Handler;
  expect: RegExp;
  env?: Record<string, string>;
}

const CASES: Case[] = [
  { name: 'malformed JSON', csapi: json(200, '{"data": [ {"uuid": "a", '), expect: /malformed JSON/ },
  { name: 'an HTML page with status 200', csapi: json(200, '<html><head><title>Login</title></head><body>sign in</body></html>', 'text/html'), expect: /Error \[E_/ },
  { name: 'JSON of the wrong shape (a number)', csapi: json(200, '42'), expect: /Error \[E_/ },
  { name: 'JSON of the wrong shape (data is a string)', csapi: json(200, '{"data": "oops", "count": "many"}'), expect: /Error \[E_/ },
  { name: 'list items that are not objects', csapi: json(200, '{"data": [1, null, "x"], "count": 3}'), expect: /E_BAD_RESPONSE.*item 0 is not an object/ },
  // an empty body reads as an empty list (gateways answer so for no items): the secret rules then cannot be found
  { name: 'an empty 200 answer', csapi: json(200, ''), expect: /no live SecretRule is named/ },
  { name: 'a wrong content type (JSON sent as text/plain, broken)', csapi: json(200, '{"data": [', 'text/plain'), expect: /Error \[E_/ },
  {
    name: 'a declared 200 MB body',
    csapi: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) });
      res.write('{"data": [');
      setTimeout(() => res.destroy(), 500);
    },
    expect: /over 64 MiB; refused|E_RESPONSE_TOO_LARGE/,
  },
  {
    name: 'an endless chunked body',
    csapi: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.destroy());
      pump();
    },
    // the byte limit, or (on a busy machine) the whole-exchange deadline of --request-timeout 2, whichever comes first
    expect: /over 64 MiB; refused|E_RESPONSE_TOO_LARGE|no complete answer within the request timeout/,
  },
  { name: 'an error body of 10 MB', csapi: json(500, JSON.stringify({ message: 'x'.repeat(10 * 1024 * 1024) })), expect: /answered 500/ },
  { name: 'an answer that never comes', csapi: () => undefined, expect: /timed out/ },
  { name: 'a 401 to every CS call', csapi: json(401, '{"message":"no"}'), expect: /E_AUTH/ },
  { name: 'a token answer that is not a token', auth: json(201, '<html>maintenance</html>', 'text/html'), expect: /E_AUTH|without a token/ },
];

describe('hostile answers', () => {
  test.concurrent.each(CASES)('$name: a clear error, no crash', { timeout: 60_000 }, async (c) => {
    const gw = await gateway(c.csapi ?? json(200, '{"data":[],"count":0}'), c.auth);
    servers.push(gw.server);
    const r = await run(['plan', EXAMPLES, ...FLAGS], { ...env(gw.url), ...c.env }, { timeoutMs: 50_000 });
    expectCleanFailure(r, c.expect);
    expect(r.stderr.length).toBeLessThan(10_000); // the server's 10 MB message is not echoed
    expect(r.stderr).not.toContain(PASSWORD);
    expect(gw.seen.length).toBeGreaterThan(0);
  });
});

describe('redirects to another host', () => {
  test('a redirect of a CS call is not followed; the other host receives nothing', async () => {
    const gw = await gateway((req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}${req.url}` });
      res.end();
    });
    servers.push(gw.server);
    elsewhere.seen.length = 0;
    const r = await run(['plan', EXAMPLES, ...FLAGS], env(gw.url));
    expectCleanFailure(r, /E_REDIRECT.*redirected to localhost:\d+/s);
    expect(elsewhere.seen).toEqual([]);
  });

  test('a redirect of POST /auth is not followed: the password never reaches the other host', async () => {
    const gw = await gateway(json(200, '{}'), (_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/auth` });
      res.end();
    });
    servers.push(gw.server);
    elsewhere.seen.length = 0;
    const r = await run(['plan', EXAMPLES, ...FLAGS], env(gw.url));
    expectCleanFailure(r, /E_REDIRECT/);
    expect(elsewhere.seen).toEqual([]);
    // the gateway got the form once per try, the other host never
    expect(gw.seen.filter((s) => s.url === '/auth').length).toBeGreaterThan(0);
  });

  test('with a token, a redirect never carries the Authorization header elsewhere', async () => {
    const gw = await gateway((req, res) => {
      res.writeHead(308, { location: `${elsewhere.url}${req.url}` });
      res.end();
    });
    servers.push(gw.server);
    elsewhere.seen.length = 0;
    const r = await run(['plan', EXAMPLES, ...FLAGS], { QUALYS_GATEWAY_URL: gw.url, QUALYS_TOKEN: FAKE_TOKEN });
    expectCleanFailure(r, /E_REDIRECT/);
    expect(elsewhere.seen).toEqual([]);
    expect(gw.seen.some((s) => s.authorization)).toBe(true); // the token went to the gateway only
  });
});

describe('TLS', () => {
  test('a certificate that does not verify: a clear TLS error, not retried, no credential sent', async () => {
    const fixtures = join(ROOT, 'test', 'api', 'fixtures');
    const { seen, fn } = recorder(json(201, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln', 'text/plain'));
    const server = createHttpsServer({ key: readFileSync(join(fixtures, 'test-only-selfsigned.key')), cert: readFileSync(join(fixtures, 'test-only-selfsigned.crt')) }, fn);
    servers.push(server as unknown as Server);
    const port = await listen(server as unknown as Server);
    const r = await run(['plan', EXAMPLES, ...FLAGS], env(`https://127.0.0.1:${port}`));
    expectCleanFailure(r, /TLS certificate check failed/);
    expect(r.stderr).toMatch(/NODE_EXTRA_CA_CERTS|--insecure/);
    expect(seen).toEqual([]); // the handshake failed: no request, no password
  });
});
