// One HTTP exchange on the wire: the client's own undici pool (direct, or through the environment's proxy), and
// send(): the request as sent, the answer's body read in full up to the size bound, each exchange counted and logged.
import { performance } from 'node:perf_hooks';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { QcsError } from '../errors.js';
import { VERSION } from '../version.js';
import { proxyFor } from './proxy.js';
import { classifyNetworkError, header, type HeaderMap } from './retry.js';
import { countExchange } from './stats.js';
import type { ApiStats } from './types.js';
import { TransportFailure, type Exchange, type RawResponse } from './wire.js';

/** The keep-alive pool of one gateway: `connections` sockets, through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY says not. */
export function ownDispatcher(
  gateway: string,
  o: { connections: number; requestTimeoutMs: number; insecure: boolean; env: NodeJS.ProcessEnv },
  debug: (line: string) => void,
): Dispatcher {
  const pool = {
    connections: o.connections,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: o.requestTimeoutMs,
    bodyTimeout: o.requestTimeoutMs,
  };
  const connectTimeout = Math.min(o.requestTimeoutMs, 30_000);
  const proxy = proxyFor(gateway, o.env);
  debug(proxy.describe);
  return proxy.via
    ? new EnvHttpProxyAgent({
        ...pool,
        httpProxy: proxy.httpProxy,
        httpsProxy: proxy.httpsProxy,
        noProxy: proxy.noProxy,
        // the tunnel to the gateway is verified as a direct connection would be; the proxy's own TLS (https://) is always verified
        requestTls: { timeout: connectTimeout, rejectUnauthorized: !o.insecure },
        proxyTls: { timeout: connectTimeout },
      })
    : new Agent({ ...pool, connect: { timeout: connectTimeout, rejectUnauthorized: !o.insecure } });
}

export interface Wire {
  dispatcher: Dispatcher;
  origin: string;
  requestTimeoutMs: number;
  maxResponseBytes: number;
  stats: Required<ApiStats>;
  debug: (line: string) => void;
}

/** One HTTP exchange, body read in full (bounded). Transport failures become TransportFailure. */
export async function send(w: Wire, x: Exchange): Promise<RawResponse> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  countExchange(w.stats, x.method, x.shownPath, x.label);
  let status = 0;
  // --request-timeout bounds the whole exchange: the connection (a proxy's CONNECT included), the headers and the
  // body, however slowly they trickle in
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), w.requestTimeoutMs);
  // undici honours the signal only once a connection is made: a proxy that never answers its CONNECT would hold
  // the call, so the deadline is also raced
  const expired = new Promise<never>((_, reject) => deadline.signal.addEventListener('abort', () => reject(new Error('deadline')), { once: true }));
  expired.catch(() => undefined);
  try {
    const pending = w.dispatcher.request({
      origin: w.origin,
      path: x.wirePath,
      method: x.method,
      headers: { accept: 'application/json', 'user-agent': `qcs-gitops/${VERSION}`, ...x.headers },
      body: x.body,
      headersTimeout: w.requestTimeoutMs,
      bodyTimeout: w.requestTimeoutMs,
      signal: deadline.signal,
    });
    // an answer that comes after the deadline is dropped
    pending.then((r) => deadline.signal.aborted && r.body.destroy(), () => undefined);
    const res = await Promise.race([pending, expired]);
    status = res.statusCode;
    const headers = res.headers as HeaderMap;
    const text = await Promise.race([readBounded(w, x, res, status), expired]);
    w.debug(`${x.method} ${x.shownTarget} -> ${status} in ${elapsed()}ms`);
    return { status, headers, text };
  } catch (e) {
    if (e instanceof QcsError) {
      w.debug(`${x.method} ${x.shownTarget} -> ${status || e.code} in ${elapsed()}ms`);
      throw e;
    }
    const failure = deadline.signal.aborted
      ? {
          code: 'REQUEST_TIMEOUT',
          reason: `timed out: no complete answer within the request timeout (${Math.round(w.requestTimeoutMs / 100) / 10} s, --request-timeout)${status ? ` (status ${status} came, the body did not)` : ''}`,
          maybeSent: true,
          retryable: true,
        }
      : classifyNetworkError(e);
    w.debug(`${x.method} ${x.shownTarget} -> ${status ? `${status} then ` : ''}${failure.code} in ${elapsed()}ms`);
    throw new TransportFailure(failure, e);
  } finally {
    clearTimeout(timer);
  }
}

/** The body as text, refused (E_RESPONSE_TOO_LARGE) once it is declared or grows over the bound. */
async function readBounded(w: Wire, x: Exchange, res: Dispatcher.ResponseData, status: number): Promise<string> {
  const declared = Number(header(res.headers as HeaderMap, 'content-length'));
  if (Number.isFinite(declared) && declared > w.maxResponseBytes) {
    res.body.destroy();
    throw tooLarge(w, x, status);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > w.maxResponseBytes) {
      res.body.destroy();
      throw tooLarge(w, x, status);
    }
    chunks.push(b);
  }
  x.onBytes?.(size);
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(w: Wire, x: Exchange, status: number): QcsError {
  return new QcsError(
    'E_RESPONSE_TOO_LARGE',
    `${x.method} ${x.shownPath} answered ${status} with a body over ${Math.round(w.maxResponseBytes / 1024 / 1024)} MiB; refused`,
    { hint: 'Narrow the request (a filter or smaller pages), or check that the gateway URL is right.' },
  );
}
