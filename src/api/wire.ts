// What the HTTP client sends and reads: its options and defaults, one exchange as sent and as answered, and the
// pure helpers that shape a request (path, query, headers) and read an answer's body.
import { QcsError } from '../errors.js';
import type { Dispatcher } from 'undici';
import { header, type HeaderMap, type NetworkFailure } from './retry.js';
import type { RequestOptions } from './types.js';

export interface ClientOptions {
  /** Calls in flight at once to the gateway (default 6). */
  maxConcurrency?: number;
  /** Tries of one call, the first included (default 6). */
  retries?: number;
  /** Total time one call may spend waiting between tries, in ms (default 60000). */
  maxRetryWaitMs?: number;
  /** First backoff ceiling, doubled each try, with full jitter (default 250). */
  baseBackoffMs?: number;
  /** Time allowed for one whole exchange (connection, a proxy's CONNECT, headers and body), in ms (default 30000). */
  requestTimeoutMs?: number;
  /** Largest answer body accepted, in bytes (default 64 MiB). */
  maxResponseBytes?: number;
  /** Most bytes the pages of one list may hold in all (default 256 MiB). */
  maxListBytes?: number;
  /** Receives one line per HTTP exchange: `METHOD /csapi/path?query -> STATUS in Nms`. */
  debug?: (line: string) => void;
  /** Receives warnings (the --insecure one); default: stderr. */
  warn?: (line: string) => void;
  /** A dispatcher to use instead of the client's own pool (undici MockAgent in tests). Not closed by close(). */
  dispatcher?: Dispatcher;
  /** Environment for HTTPS_PROXY / HTTP_PROXY / NO_PROXY (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Injectable for fast tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable clock (epoch ms), for token expiry and rate-limit pauses. */
  now?: () => number;
  /** Injectable randomness for the jitter, in [0, 1). */
  random?: () => number;
  /** Told every answer's status and headers (never its body), /auth included: `doctor` reads the gateway's
   * `Date` and `X-RateLimit-*` headers through it. */
  observe?: (answer: ObservedAnswer) => void;
}

/** What `observe` is told of one exchange. */
export interface ObservedAnswer {
  method: Method;
  /** `/auth` or `/csapi/...`, without query. */
  path: string;
  status: number;
  headers: HeaderMap;
}

export const DEFAULTS = Object.freeze({
  maxConcurrency: 6,
  retries: 6,
  maxRetryWaitMs: 60_000,
  baseBackoffMs: 250,
  requestTimeoutMs: 30_000,
  maxResponseBytes: 64 * 1024 * 1024,
  maxListBytes: 256 * 1024 * 1024,
});

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RawResponse {
  status: number;
  headers: HeaderMap;
  text: string;
}

export interface Exchange {
  method: Method;
  /** Path and query as sent, under the gateway's base path. */
  wirePath: string;
  /** Path as shown in messages (`/csapi/...` or `/auth`), without query. */
  shownPath: string;
  /** Path and query as shown in debug lines. */
  shownTarget: string;
  headers: Record<string, string>;
  body?: string;
  /** Every failure may be retried (POST /auth: asking for a token twice does no harm). */
  alwaysRepeatable?: boolean;
  /** Whose call this is, for the counters (a kind's name, `auth`). */
  label?: string;
  /** Told the size of the body read. */
  onBytes?: (bytes: number) => void;
}

/** The options with every default filled in (the number ones checked: non-negative, and at least 1 where a count). */
export type ResolvedOptions = Required<Pick<ClientOptions, keyof typeof DEFAULTS>> & {
  debug?: (line: string) => void;
  observe?: (answer: ObservedAnswer) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
};

export function resolveOptions(options: ClientOptions): ResolvedOptions {
  return {
    maxConcurrency: Math.max(1, Math.floor(positive(options.maxConcurrency, DEFAULTS.maxConcurrency, 'maxConcurrency'))),
    retries: Math.max(1, Math.floor(positive(options.retries, DEFAULTS.retries, 'retries'))),
    maxRetryWaitMs: positive(options.maxRetryWaitMs, DEFAULTS.maxRetryWaitMs, 'maxRetryWaitMs'),
    baseBackoffMs: positive(options.baseBackoffMs, DEFAULTS.baseBackoffMs, 'baseBackoffMs'),
    requestTimeoutMs: Math.max(1, positive(options.requestTimeoutMs, DEFAULTS.requestTimeoutMs, 'requestTimeoutMs')),
    maxResponseBytes: positive(options.maxResponseBytes, DEFAULTS.maxResponseBytes, 'maxResponseBytes'),
    maxListBytes: positive(options.maxListBytes, DEFAULTS.maxListBytes, 'maxListBytes'),
    debug: options.debug,
    observe: options.observe,
    sleep: options.sleep ?? defaultSleep,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0) throw new QcsError('E_USAGE', `${name} must be a non-negative number, got ${v}`);
  return v;
}

export function buildQuery(query: RequestOptions['query'], inline: string): string {
  const params = new URLSearchParams(inline);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function splitPath(path: string): { path: string; inline: string } {
  const q = path.indexOf('?');
  const p = q < 0 ? path : path.slice(0, q);
  const inline = q < 0 ? '' : path.slice(q + 1);
  let clean = p.startsWith('/') ? p : `/${p}`;
  if (!/^\/csapi(\/|$)/.test(clean)) clean = `/csapi${clean}`;
  return { path: clean, inline };
}

export function lowerHeaders(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const key = k.toLowerCase();
    if (key === 'authorization' || key === 'cookie' || key === 'host') continue; // the client's own business
    out[key] = v;
  }
  return out;
}

function bytesOf(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** An answer's body: JSON when it says so (malformed JSON refused) or looks so, else the text; undefined when empty. */
export function parseBody(res: RawResponse, method: Method, path: string): unknown {
  const text = res.text;
  if (text.trim() === '') return undefined;
  const ct = (header(res.headers, 'content-type') ?? '').toLowerCase();
  if (/[/+]json\b/.test(ct)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new QcsError('E_BAD_RESPONSE', `${method} ${path} answered ${res.status} with malformed JSON (${bytesOf(text)} bytes)`, {
        hint: 'The gateway or a proxy in between sent a broken answer; try again, and check the gateway URL.',
      });
    }
  }
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** A transport failure on its way from send() to the retry loop. */
export class TransportFailure extends Error {
  constructor(
    readonly failure: NetworkFailure,
    override readonly cause: unknown,
  ) {
    super(failure.reason);
  }
}
