// Issue 26: every wait has a deadline. Hostile servers on 127.0.0.1 (a gateway dripping one byte a second, a proxy
// that drops every connection, a proxy that never answers): `plan --request-timeout 5 --retries 1` ends with a
// clear error well within 30 s, and a failing proxy counts against --retries.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIsStale, runCli } from '../helpers/cli.js';

interface Hostile {
  url: string;
  connections: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 that hands each connection to `handle`; closing it ends every socket. */
async function hostile(handle: (s: Socket, h: Hostile) => void): Promise<Hostile> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const h: Hostile = { url: '', connections: 0, close: async () => undefined };
  const server: Server = createServer((s) => {
    h.connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    handle(s, h);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  h.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h.close = () =>
    new Promise<void>((r) => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  (h as Hostile & { timers: Set<NodeJS.Timeout> }).timers = timers;
  return h;
}

/** Writes `text` one byte a second, then keeps the connection open. */
function drip(text: string) {
  return (s: Socket, h: Hostile) => {
    let i = 0;
    const t = setInterval(() => {
      if (s.destroyed) return clearInterval(t);
      if (i < text.length) s.write(text[i++]!);
    }, 1000);
    (h as Hostile & { timers: Set<NodeJS.Timeout> }).timers.add(t);
    s.on('close', () => clearInterval(t));
  };
}

const servers: Hostile[] = [];
beforeAll(() => {
  if (cliIsStale()) throw new Error('build/ is older than src/: run npm run build first');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const CREDS = { QUALYS_USERNAME: 'u', QUALYS_PASSWORD: 'hostile-waits-pw' };

async function plan(gateway: string, env: Record<string, string> = {}, more: string[] = []): Promise<{ code: number; stderr: string; ms: number }> {
  const started = Date.now();
  const r = await runCli(['plan', 'examples/policies', '--gateway-url', gateway, '--request-timeout', '5', '--retries', '1', ...more], { ...CREDS, ...env }, { timeoutMs: 60_000 });
  return { code: r.code, stderr: r.stderr, ms: Date.now() - started };
}

describe('every wait has a deadline (issue 26)', () => {
  it('a gateway that sends its headers one byte a second: a clear error in under 30 s', { timeout: 70_000 }, async () => {
    const h = await hostile(drip('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{}'));
    servers.push(h);
    const r = await plan(h.url);
    expect(r.code).not.toBe(0);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.stderr).toMatch(/timed out|deadline|--request-timeout/i);
  });

  it('a gateway that sends its body one byte a second (the /auth answer): a clear error in under 30 s', { timeout: 70_000 }, async () => {
    const h = await hostile((s, hh) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1000\r\n\r\n');
      drip('x'.repeat(1000))(s, hh);
    });
    servers.push(h);
    const r = await plan(h.url);
    expect(r.code).not.toBe(0);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.stderr).toMatch(/timed out|deadline|--request-timeout/i);
  });

  it('a proxy that drops every connection: counted against --retries, a clear error in under 30 s', { timeout: 70_000 }, async () => {
    const p = await hostile((s) => s.destroy());
    servers.push(p);
    const r = await plan('http://127.0.0.1:9', { HTTP_PROXY: p.url, NO_PROXY: '' }, ['--debug']);
    expect(r.code).not.toBe(0);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.stderr).toMatch(/Error \[E_NETWORK\]: POST \/auth to 127\.0\.0\.1:9 failed: (connection|no complete answer)/);
    // one try (--retries 1); undici's proxy agent may reconnect a few times within it, never without end
    expect(r.stderr).toMatch(/^API calls: 1 \(0 retries\)$/m);
    expect(p.connections).toBeLessThan(100);
  });

  it('a dropping proxy is retried like any network failure: --retries 3 makes 3 tries, with backoff', { timeout: 70_000 }, async () => {
    const p = await hostile((s) => s.destroy());
    servers.push(p);
    const started = Date.now();
    const r = await runCli(['plan', 'examples/policies', '--gateway-url', 'http://127.0.0.1:9', '--request-timeout', '5', '--retries', '3', '--debug'], { ...CREDS, HTTP_PROXY: p.url, NO_PROXY: '' }, { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stderr).toMatch(/^API calls: 3 \(2 retries\)$/m);
    expect(r.stderr).toMatch(/gave up after 3 tries/);
  });

  it('a proxy that never answers: a clear error in under 30 s', { timeout: 70_000 }, async () => {
    const p = await hostile(() => undefined);
    servers.push(p);
    const r = await plan('http://127.0.0.1:9', { HTTP_PROXY: p.url, NO_PROXY: '' });
    expect(r.code).not.toBe(0);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.stderr).toMatch(/timed out|deadline|--request-timeout/i);
  });
});
