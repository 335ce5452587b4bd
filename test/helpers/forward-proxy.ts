// A small HTTP forward proxy on 127.0.0.1 that records what passes through it: CONNECT tunnels (and, since the
// simulator speaks plain http on loopback, the request lines inside them) and plain absolute-URI requests.
// It only ever connects to 127.0.0.1, and can require Basic proxy credentials (407 otherwise).
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxiedRequest {
  via: 'connect' | 'forward';
  /** host:port the client asked for. */
  target: string;
  method: string;
  /** Path (and query) of the request to the target. */
  path: string;
}

export interface RecordingProxy {
  url: string;
  port: number;
  /** Tunnels opened (host:port), in order. */
  tunnels: string[];
  requests: ProxiedRequest[];
  /** Answers 407 refused for missing or wrong credentials. */
  refused: number;
  close(): Promise<void>;
}

// not anchored at the start: a request without a trailing CRLF after its body (a form POST) runs into the next one
const REQUEST_LINE = /(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/\S*) HTTP\/1\.[01]$/;

export async function startForwardProxy(opts: { auth?: { username: string; password: string } } = {}): Promise<RecordingProxy> {
  const expected = opts.auth ? `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}` : undefined;
  const sockets = new Set<Socket>();
  const proxy: RecordingProxy = {
    url: '',
    port: 0,
    tunnels: [],
    requests: [],
    refused: 0,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  const authorized = (req: IncomingMessage) => !expected || req.headers['proxy-authorization'] === expected;
  const loopback = (host: string) => host === '127.0.0.1' || host === 'localhost';

  const server = createServer((req, res) => {
    // plain forward: the request line holds the absolute URL
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL expected');
      return;
    }
    if (!authorized(req)) {
      proxy.refused++;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    if (!loopback(target.hostname)) {
      res.writeHead(403).end('this proxy only reaches 127.0.0.1');
      return;
    }
    proxy.requests.push({ via: 'forward', target: target.host, method: req.method ?? '', path: `${target.pathname}${target.search}` });
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: `${target.pathname}${target.search}`, headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = req.url ?? '';
    const [host, port] = [target.replace(/:\d+$/, ''), Number(/:(\d+)$/.exec(target)?.[1] ?? 443)];
    if (!authorized(req)) {
      proxy.refused++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    if (!loopback(host)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    proxy.tunnels.push(target);
    let rest = '';
    const sniff = (chunk: Buffer) => {
      // record the request lines of the plain HTTP inside the tunnel
      const lines = (rest + chunk.toString('latin1')).split('\r\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const m = REQUEST_LINE.exec(line);
        if (m) proxy.requests.push({ via: 'connect', target, method: m[1]!, path: m[2]! });
      }
      if (rest.length > 8192) rest = '';
    };
    // listen at once: a client may send its first request in the packet that follows the 200 before `up` connects
    client.on('data', sniff);
    client.pause();
    if (head.length) sniff(head);
    const up = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      client.pipe(up);
      up.pipe(client);
      client.resume();
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => client.destroy());
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${proxy.port}`;
  return proxy;
}
