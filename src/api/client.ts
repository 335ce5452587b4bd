// The CS API client: undici with one bounded keep-alive pool per gateway, JWT auth, retries with
// backoff, rate-limit pacing, pagination and typed errors. Credentials never reach a message or a log.
// The parts: transport.ts (the pool, one exchange on the wire), retrying.ts (retries, pacing), auth.ts (the JWT),
// paginate.ts (pages), resolve-path.ts (resolvePath), stats.ts (the counters), wire.ts (options, request shaping).
import type { Dispatcher } from 'undici';
import { ApiError, QcsError } from '../errors.js';
import { redact, registerSecret } from '../redact.js';
import { isLoopbackHost, type ResolvedTarget } from './config.js';
import { claimsOf, TokenManager, tokenFromAnswer, tokenRefused } from './auth.js';
import { apiErrorFrom, redirectError } from './errors.js';
import { collectPages, DEFAULT_PAGE_SIZE, FALLBACK_PAGE_SIZE, listTooLarge } from './paginate.js';
import { PathResolver } from './resolve-path.js';
import { RetryingSender } from './retrying.js';
import { header } from './retry.js';
import { emptyStats } from './stats.js';
import { ownDispatcher, send, type Wire } from './transport.js';
import type { ApiClient, ApiStats, ListOptions, RequestOptions, TokenClaims } from './types.js';
import {
  buildQuery,
  lowerHeaders,
  parseBody,
  resolveOptions,
  splitPath,
  type ClientOptions,
  type Exchange,
  type Method,
  type RawResponse,
  type ResolvedOptions,
} from './wire.js';

export type { ClientOptions } from './wire.js';

/** The gateway URL, checked: https://, or plain http:// to a loopback host only. */
function checkedGateway(gateway: string): URL {
  const url = new URL(gateway);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new QcsError('E_USAGE', `plain http:// is refused for ${url.host}; credentials would travel in clear text`, {
      hint: 'Use https:// (plain http is accepted only for loopback hosts such as 127.0.0.1, the simulator).',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new QcsError('E_USAGE', `the gateway must be an https:// URL, not ${url.protocol}`);
  }
  return url;
}

class HttpApiClient implements ApiClient {
  readonly gateway: string;
  readonly stats: Required<ApiStats> = emptyStats();
  private readonly views = new Map<string, ApiClient>();
  private readonly basePath: string;
  private readonly host: string;
  private readonly ownDispatcher?: Dispatcher;
  private readonly wire: Wire;
  private readonly sender: RetryingSender;
  private readonly tokens: TokenManager;
  private readonly paths: PathResolver;
  private readonly o: ResolvedOptions;
  private closed = false;
  /** The page size kept for the run after a gateway refused the default one with a 400 (FALLBACK_PAGE_SIZE). */
  private pageSizeFallback: number | undefined;

  constructor(target: ResolvedTarget, options: ClientOptions = {}) {
    registerSecret(target.credentials.password);
    registerSecret(target.credentials.token);
    const url = checkedGateway(target.gateway);
    this.gateway = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.host = url.host;
    this.o = resolveOptions(options);
    if (target.insecure && url.protocol === 'https:') {
      const warn = options.warn ?? ((line: string) => process.stderr.write(`warning: ${line}\n`));
      warn(redact(`--insecure: TLS certificate verification is OFF for ${url.host}; anyone on the network path could read the credentials.`));
    }
    const debug = (line: string): void => this.debug(line);
    if (!options.dispatcher) {
      const env = options.env ?? process.env;
      this.ownDispatcher = ownDispatcher(this.gateway, { connections: this.o.maxConcurrency, requestTimeoutMs: this.o.requestTimeoutMs, insecure: target.insecure === true, env }, debug);
    }
    const dispatcher = options.dispatcher ?? this.ownDispatcher!;
    this.wire = { dispatcher, origin: url.origin, requestTimeoutMs: this.o.requestTimeoutMs, maxResponseBytes: this.o.maxResponseBytes, stats: this.stats, debug };
    this.sender = new RetryingSender(this.o, this.host, this.stats, (x) => this.send(x), debug);
    this.tokens = new TokenManager(target.credentials, (u, p) => this.fetchToken(u, p), this.o.now);
    this.paths = new PathResolver((label, path) => this.requestAs(label, 'GET', path, { query: { pageNumber: 1, pageSize: 1 } }));
  }

  // ---- public API -------------------------------------------------------------------------

  request<T = unknown>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    return this.requestAs<T>(undefined, method, path, options);
  }

  forKind(label: string): ApiClient {
    let view = this.views.get(label);
    if (!view) {
      const base = this; // eslint-disable-line @typescript-eslint/no-this-alias
      view = {
        gateway: this.gateway,
        stats: this.stats,
        request: (method, path, options) => base.requestAs(label, method, path, options),
        list: (path, options) => base.listAs(label, path, options),
        resolvePath: (candidates) => base.resolvePathAs(label, candidates),
        forKind: (other) => base.forKind(other),
        close: () => base.close(),
      };
      this.views.set(label, view);
    }
    return view;
  }

  async requestAs<T = unknown>(label: string | undefined, method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const { path: csPath, inline } = splitPath(path);
    const qs = buildQuery(options.query, inline);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const extra = lowerHeaders(options.headers);
    if (body !== undefined && !extra['content-type']) extra['content-type'] = 'application/json';

    for (let renewed = false; ; renewed = true) {
      const jwt = await this.tokens.token();
      const { res, maybeDoneBefore } = await this.sender.exchange({
        method,
        wirePath: `${this.basePath}${csPath}${qs}`,
        shownPath: csPath,
        shownTarget: `${csPath}${qs}`,
        headers: { ...extra, authorization: `Bearer ${jwt}` },
        body,
        label,
        onBytes: options.onBytes,
        ...(options.safe ? { alwaysRepeatable: true } : {}),
      });
      const s = res.status;
      if (s === 401) {
        if (!renewed && this.tokens.invalidate(jwt)) continue;
        throw tokenRefused(res.text, this.host, this.tokens.canRenew, renewed);
      }
      if (s >= 200 && s < 300) return parseBody(res, method, csPath) as T;
      // a DELETE whose earlier try may have gone through, now answering 404: it did go through
      if (s === 404 && method === 'DELETE' && maybeDoneBefore) return undefined as T;
      if (s >= 300 && s < 400) throw redirectError(s, method, csPath, header(res.headers, 'location'), this.host);
      throw apiErrorFrom(s, method, csPath, res.text);
    }
  }

  list<T = Record<string, unknown>>(path: string, options: ListOptions = {}): Promise<T[]> {
    return this.listAs<T>(undefined, path, options);
  }

  async listAs<T = Record<string, unknown>>(label: string | undefined, path: string, options: ListOptions = {}): Promise<T[]> {
    const pageSize = Math.max(1, Math.floor(options.pageSize ?? this.pageSizeFallback ?? DEFAULT_PAGE_SIZE));
    const { path: csPath } = splitPath(path);
    // a list is read up to a byte budget in all (each answer has its own bound too)
    let bytes = 0;
    const onBytes = (n: number): void => {
      bytes += n;
      if (bytes > this.o.maxListBytes) throw listTooLarge(`GET ${csPath}`, `its pages hold more than ${Math.round((this.o.maxListBytes / 1024 / 1024) * 10) / 10} MiB`);
    };
    let refused = false;
    const collect = (size: number) =>
      collectPages<T>(
        (pageNumber, s) =>
          this.requestAs(label, 'GET', path, { query: { ...options.query, pageNumber, pageSize: s }, onBytes }).catch((e: unknown) => {
            if (pageNumber === 1 && e instanceof ApiError && e.status === 400) refused = true;
            throw e;
          }),
        size,
        `GET ${csPath}`,
        options.onPage,
      );
    try {
      return await collect(pageSize);
    } catch (e) {
      // The notes name no maximum page size, only "The default value is 50": a gateway that answers 400 to our
      // larger size is asked again once with 50, and 50 is kept for the rest of the run (docs/api-assumptions.md).
      if (!refused || options.pageSize !== undefined || pageSize <= FALLBACK_PAGE_SIZE) throw e;
      this.pageSizeFallback = FALLBACK_PAGE_SIZE;
      bytes = 0;
      return collect(FALLBACK_PAGE_SIZE);
    }
  }

  resolvePath(candidates: string[]): Promise<string> {
    return this.resolvePathAs(undefined, candidates);
  }

  async tokenClaims(): Promise<TokenClaims> {
    return { ...claimsOf(await this.tokens.token()), source: this.tokens.source };
  }

  resolvePathAs(label: string | undefined, candidates: string[]): Promise<string> {
    return this.paths.resolve(label, candidates);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const d = this.ownDispatcher;
    if (!d) return;
    // a graceful close waits for every call in flight; one held by a silent peer would hold it forever: bounded
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([d.close().then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), Math.min(this.o.requestTimeoutMs, 1000))))]);
    clearTimeout(timer);
    if (late) await d.destroy();
  }

  // ---- internals --------------------------------------------------------------------------

  private async fetchToken(username: string, password: string): Promise<string> {
    const form = new URLSearchParams({ username, password, token: 'true' }).toString();
    const { res } = await this.sender.exchange({
      method: 'POST',
      wirePath: `${this.basePath}/auth`,
      shownPath: '/auth',
      shownTarget: '/auth',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      alwaysRepeatable: true,
      label: 'auth',
    });
    return tokenFromAnswer(res, this.host, username);
  }

  private send(x: Exchange): Promise<RawResponse> {
    if (this.closed) return Promise.reject(new QcsError('E_CLOSED', 'the API client was closed'));
    const observe = this.o.observe;
    if (!observe) return send(this.wire, x);
    return send(this.wire, x).then((res) => {
      observe({ method: x.method, path: x.shownPath, status: res.status, headers: res.headers });
      return res;
    });
  }

  private debug(line: string): void {
    if (this.o.debug) this.o.debug(redact(line));
  }
}

export function createClient(target: ResolvedTarget, options?: ClientOptions): ApiClient {
  return new HttpApiClient(target, options);
}
