// The CS API client: undici with one bounded keep-alive pool per gateway, JWT auth, retries with
// backoff, rate-limit pacing, pagination and typed errors. Credentials never reach a message or a log.
import { performance } from 'node:perf_hooks';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { ApiError, AuthError, NetworkError, QcsError } from '../errors.js';
import { redact, registerSecret } from '../redact.js';
import { VERSION } from '../version.js';
import { isLoopbackHost, type ResolvedTarget } from './config.js';
import { proxyFor } from './proxy.js';
import { PASSWORD_HINT, TOKEN_HINT, TokenManager } from './auth.js';
import { apiErrorFrom, gaveUpError, redirectError, serverMessageOf, withHint } from './errors.js';
import { Limiter } from './limiter.js';
import { collectPages, DEFAULT_PAGE_SIZE } from './paginate.js';
import {
  backoffMs,
  classifyNetworkError,
  header,
  isRetryableStatus,
  provesNothingDone,
  serverWaitMs,
  type HeaderMap,
  type NetworkFailure,
} from './retry.js';
import { endpointTemplate, type ApiClient, type ApiStats, type ListOptions, type RequestOptions } from './types.js';
import {
  DEFAULTS,
  TransportFailure,
  buildQuery,
  defaultSleep,
  lowerHeaders,
  parseBody,
  positive,
  splitPath,
  type ClientOptions,
  type Exchange,
  type Method,
  type RawResponse,
} from './wire.js';

export type { ClientOptions } from './wire.js';

class HttpApiClient implements ApiClient {
  readonly gateway: string;
  readonly stats: Required<ApiStats> = { calls: 0, retries: 0, byEndpoint: {}, byKind: {}, rateLimitWaitMs: 0 };
  private readonly views = new Map<string, ApiClient>();
  private readonly origin: string;
  private readonly basePath: string;
  private readonly host: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher?: Dispatcher;
  private readonly limiter: Limiter;
  private readonly tokens: TokenManager;
  private readonly resolved = new Map<string, Promise<string>>();
  private readonly o: Required<Pick<ClientOptions, keyof typeof DEFAULTS>> & {
    debug?: (line: string) => void;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    random: () => number;
  };
  private closed = false;
  private pausedUntil = 0;

  constructor(target: ResolvedTarget, options: ClientOptions = {}) {
    registerSecret(target.credentials.password);
    registerSecret(target.credentials.token);
    const url = new URL(target.gateway);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      throw new QcsError('E_USAGE', `plain http:// is refused for ${url.host}; credentials would travel in clear text`, {
        hint: 'Use https:// (plain http is accepted only for loopback hosts such as 127.0.0.1, the simulator).',
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new QcsError('E_USAGE', `the gateway must be an https:// URL, not ${url.protocol}`);
    }
    this.gateway = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.host = url.host;
    this.o = {
      maxConcurrency: Math.max(1, Math.floor(positive(options.maxConcurrency, DEFAULTS.maxConcurrency, 'maxConcurrency'))),
      retries: Math.max(1, Math.floor(positive(options.retries, DEFAULTS.retries, 'retries'))),
      maxRetryWaitMs: positive(options.maxRetryWaitMs, DEFAULTS.maxRetryWaitMs, 'maxRetryWaitMs'),
      baseBackoffMs: positive(options.baseBackoffMs, DEFAULTS.baseBackoffMs, 'baseBackoffMs'),
      requestTimeoutMs: Math.max(1, positive(options.requestTimeoutMs, DEFAULTS.requestTimeoutMs, 'requestTimeoutMs')),
      maxResponseBytes: positive(options.maxResponseBytes, DEFAULTS.maxResponseBytes, 'maxResponseBytes'),
      debug: options.debug,
      sleep: options.sleep ?? defaultSleep,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    };
    if (target.insecure && url.protocol === 'https:') {
      const warn = options.warn ?? ((line: string) => process.stderr.write(`warning: ${line}\n`));
      warn(redact(`--insecure: TLS certificate verification is OFF for ${url.host}; anyone on the network path could read the credentials.`));
    }
    if (options.dispatcher) {
      this.dispatcher = options.dispatcher;
    } else {
      const pool = {
        connections: this.o.maxConcurrency,
        pipelining: 1,
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        headersTimeout: this.o.requestTimeoutMs,
        bodyTimeout: this.o.requestTimeoutMs,
      };
      const connectTimeout = Math.min(this.o.requestTimeoutMs, 30_000);
      const proxy = proxyFor(this.gateway, options.env ?? process.env);
      this.debug(proxy.describe);
      this.ownDispatcher = proxy.via
        ? new EnvHttpProxyAgent({
            ...pool,
            httpProxy: proxy.httpProxy,
            httpsProxy: proxy.httpsProxy,
            noProxy: proxy.noProxy,
            // the tunnel to the gateway is verified as a direct connection would be; the proxy's own TLS (https://) is always verified
            requestTls: { timeout: connectTimeout, rejectUnauthorized: !target.insecure },
            proxyTls: { timeout: connectTimeout },
          })
        : new Agent({ ...pool, connect: { timeout: connectTimeout, rejectUnauthorized: !target.insecure } });
      this.dispatcher = this.ownDispatcher;
    }
    this.limiter = new Limiter(this.o.maxConcurrency, this.o.sleep, this.o.now);
    this.tokens = new TokenManager(target.credentials, (u, p) => this.fetchToken(u, p), this.o.now);
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
      const { res, maybeDoneBefore } = await this.exchange({
        method,
        wirePath: `${this.basePath}${csPath}${qs}`,
        shownPath: csPath,
        shownTarget: `${csPath}${qs}`,
        headers: { ...extra, authorization: `Bearer ${jwt}` },
        body,
        label,
      });
      const s = res.status;
      if (s === 401) {
        if (!renewed && this.tokens.invalidate(jwt)) continue;
        throw this.authRefused(res.text, renewed);
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

  listAs<T = Record<string, unknown>>(label: string | undefined, path: string, options: ListOptions = {}): Promise<T[]> {
    const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE));
    const { path: csPath } = splitPath(path);
    return collectPages<T>(
      (pageNumber, size) => this.requestAs(label, 'GET', path, { query: { ...options.query, pageNumber, pageSize: size } }),
      pageSize,
      `GET ${csPath}`,
      options.onPage,
    );
  }

  resolvePath(candidates: string[]): Promise<string> {
    return this.resolvePathAs(undefined, candidates);
  }

  resolvePathAs(label: string | undefined, candidates: string[]): Promise<string> {
    if (candidates.length === 0) return Promise.reject(new QcsError('E_USAGE', 'resolvePath needs at least one candidate path'));
    const key = candidates.join('\n');
    let p = this.resolved.get(key);
    if (!p) {
      p = this.probe(candidates, label);
      this.resolved.set(key, p);
      // a failure (network, auth) is not an answer: let a later call try again
      p.catch(() => this.resolved.delete(key));
    }
    return p;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ownDispatcher?.close();
  }

  // ---- internals --------------------------------------------------------------------------

  private async probe(candidates: string[], label: string | undefined): Promise<string> {
    let first404: ApiError | undefined;
    for (const candidate of candidates) {
      try {
        await this.requestAs(label, 'GET', candidate, { query: { pageNumber: 1, pageSize: 1 } });
        return candidate;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404 && e.code === 'E_API_404') {
          first404 ??= e;
          continue;
        }
        // another client error (403 included) says the path exists; rate limits, server errors,
        // redirects and exhausted retries say nothing, and are not remembered
        if (e instanceof ApiError && e.code === `E_API_${e.status}` && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429) {
          return candidate;
        }
        throw e;
      }
    }
    throw first404!;
  }

  private authRefused(text: string, afterRenewal: boolean): AuthError {
    const msg = serverMessageOf(text);
    const suffix = msg ? `: ${msg}` : '';
    if (!this.tokens.canRenew) return new AuthError(`the gateway ${this.host} refused the Qualys token (401)${suffix}`, TOKEN_HINT);
    return new AuthError(
      `the gateway ${this.host} refused ${afterRenewal ? 'a freshly issued' : 'the'} token (401)${suffix}`,
      `${PASSWORD_HINT} If the credentials are right, the account may lack access to the Container Security API.`,
    );
  }

  private async fetchToken(username: string, password: string): Promise<string> {
    const form = new URLSearchParams({ username, password, token: 'true' }).toString();
    const { res } = await this.exchange({
      method: 'POST',
      wirePath: `${this.basePath}/auth`,
      shownPath: '/auth',
      shownTarget: '/auth',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      alwaysRepeatable: true,
      label: 'auth',
    });
    const s = res.status;
    if (s >= 200 && s < 300) {
      let jwt = res.text.trim();
      if (jwt.startsWith('{')) {
        try {
          const o = JSON.parse(jwt) as Record<string, unknown>;
          const t = o.token ?? o.access_token ?? o.jwt;
          jwt = typeof t === 'string' ? t.trim() : '';
        } catch {
          jwt = '';
        }
      }
      // a token is base64url-ish text; an HTML maintenance or login page (a proxy's answer) is not one
      if (!jwt || !/^[A-Za-z0-9._~+/=-]+$/.test(jwt)) {
        throw new AuthError(`POST /auth on ${this.host} answered ${s} without a token`, 'Check that the gateway URL is the Qualys API gateway (gateway.qgN.apps.qualys...).');
      }
      return jwt;
    }
    if (s === 401 || s === 403) {
      const msg = serverMessageOf(res.text);
      throw new AuthError(`the gateway ${this.host} refused the username/password of "${username}" (${s})${msg ? `: ${msg}` : ''}`, PASSWORD_HINT);
    }
    if (s >= 300 && s < 400) throw redirectError(s, 'POST', '/auth', header(res.headers, 'location'), this.host);
    throw apiErrorFrom(s, 'POST', '/auth', res.text);
  }

  /** One call with its retries. Returns the final answer that is not retried; throws NetworkError when
   * the transport fails for good, ApiError when the retries run out. */
  private async exchange(x: Exchange): Promise<{ res: RawResponse; maybeDoneBefore: boolean }> {
    const repeatable = x.alwaysRepeatable === true || x.method !== 'POST';
    const max = this.o.retries;
    let waited = 0;
    let maybeDoneBefore = false;
    for (let attempt = 1; ; attempt++) {
      let res: RawResponse;
      try {
        res = await this.limiter.run(() => this.send(x));
      } catch (e) {
        if (!(e instanceof TransportFailure)) throw e;
        const f = e.failure;
        const unknown = !repeatable && f.maybeSent;
        if (!f.retryable || unknown) throw this.networkError(x, f, attempt, unknown, e.cause);
        const wait = attempt < max ? this.nextWait(attempt, waited, undefined) : undefined;
        if (wait === undefined) throw this.networkError(x, f, attempt, false, e.cause);
        if (f.maybeSent) maybeDoneBefore = true;
        this.debug(`  retrying ${x.method} ${x.shownTarget} in ${wait}ms (try ${attempt + 1} of ${max}) after ${f.code}`);
        waited += wait;
        this.stats.retries++;
        await this.o.sleep(wait);
        continue;
      }
      this.observeBudget(res.headers);
      const s = res.status;
      if (!isRetryableStatus(s, res.headers)) return { res, maybeDoneBefore };
      if (!repeatable && !provesNothingDone(s, res.headers)) {
        // a POST answered 502/503/504: it may or may not have been carried out
        const e = new NetworkError({
          method: x.method,
          path: x.shownPath,
          host: this.host,
          reason: `the gateway answered ${s}${this.suffix(res.text)}`,
          outcomeUnknown: true,
        });
        throw withHint(e, 'Nothing was repeated. Run plan again to see whether the change was made before applying again.');
      }
      const told = serverWaitMs(res.headers, this.o.now());
      if (attempt >= max) throw gaveUpError({ status: s, method: x.method, path: x.shownPath, text: res.text, tries: attempt, waitedMs: waited });
      const wait = this.nextWait(attempt, waited, told);
      if (wait === undefined) {
        const why =
          told !== undefined && told > this.o.maxRetryWaitMs - waited
            ? `The gateway asked to wait ${Math.ceil(told / 1000)} s, more than the retry budget left (${Math.floor((this.o.maxRetryWaitMs - waited) / 1000)} s); wait and run again, or raise --max-retry-wait.`
            : undefined;
        throw gaveUpError({ status: s, method: x.method, path: x.shownPath, text: res.text, tries: attempt, waitedMs: waited, why });
      }
      if (told !== undefined) this.pauseForRateLimit(this.o.now() + wait);
      // a gateway timeout or bad gateway may hide a call the service carried out
      if (s === 502 || s === 504) maybeDoneBefore = true;
      this.debug(`  retrying ${x.method} ${x.shownTarget} in ${wait}ms (try ${attempt + 1} of ${max}) after ${s}`);
      waited += wait;
      this.stats.retries++;
      await this.o.sleep(wait);
    }
  }

  /** The next wait in ms, or undefined when the budget does not allow another try. */
  private nextWait(attempt: number, waited: number, told: number | undefined): number | undefined {
    const left = this.o.maxRetryWaitMs - waited;
    if (told !== undefined) return told <= left ? told : undefined;
    if (left <= 0) return undefined;
    return backoffMs(attempt, this.o.baseBackoffMs, left, this.o.random);
  }

  /** Slows down to one call at a time when the gateway says the budget is low (fewer calls left than
   * the concurrency), and pauses new calls when it is spent, for the wait it names or its window. */
  private observeBudget(headers: HeaderMap): void {
    const raw = header(headers, 'x-ratelimit-remaining');
    if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return;
    const remaining = Number(raw);
    this.limiter.setSlow(remaining < this.o.maxConcurrency);
    if (remaining > 0) return;
    const now = this.o.now();
    const windowSec = Number(header(headers, 'x-ratelimit-window-sec'));
    const wait = serverWaitMs(headers, now) ?? (Number.isFinite(windowSec) && windowSec > 0 ? windowSec * 1000 : 1000);
    const bounded = Math.min(wait, this.o.maxRetryWaitMs);
    if (bounded > 0) {
      this.debug(`  rate-limit budget low (remaining ${remaining}): pausing new calls for ${bounded}ms`);
      this.pauseForRateLimit(now + bounded);
    }
  }

  /** Pauses new calls until `until` (epoch ms); the time paused counts once however many calls asked for it. */
  private pauseForRateLimit(until: number): void {
    const from = Math.max(this.o.now(), this.pausedUntil);
    if (until > from) this.stats.rateLimitWaitMs += until - from;
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.limiter.pause(until);
  }

  private suffix(text: string): string {
    const m = serverMessageOf(text);
    return m ? ` (${m})` : '';
  }

  private networkError(x: Exchange, f: NetworkFailure, tries: number, unknown: boolean, cause: unknown): NetworkError {
    const triesText = tries > 1 ? `; gave up after ${tries} tries` : '';
    const e = new NetworkError({
      method: x.method,
      path: x.shownPath,
      host: this.host,
      reason: `${redact(f.reason)} (${f.code})${triesText}`,
      outcomeUnknown: unknown,
      cause,
    });
    const hint = unknown
      ? 'Nothing was repeated. Run plan again to see whether the change was made before applying again.'
      : /TLS/.test(f.reason)
        ? `The certificate of ${this.host} could not be verified. Set NODE_EXTRA_CA_CERTS to your CA bundle, or (not recommended) pass --insecure.`
        : `Check that ${this.host} is the right gateway (--gateway-url / QUALYS_GATEWAY_URL / --platform) and that it can be reached from here.`;
    return withHint(e, hint);
  }

  private debug(line: string): void {
    if (this.o.debug) this.o.debug(redact(line));
  }

  /** One HTTP exchange, body read in full (bounded). Transport failures become TransportFailure. */
  private async send(x: Exchange): Promise<RawResponse> {
    if (this.closed) throw new QcsError('E_CLOSED', 'the API client was closed');
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    this.stats.calls++;
    const endpoint = endpointTemplate(x.method, x.shownPath);
    this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] ?? 0) + 1;
    const who = x.label ?? 'other';
    this.stats.byKind[who] = (this.stats.byKind[who] ?? 0) + 1;
    let status = 0;
    try {
      const res = await this.dispatcher.request({
        origin: this.origin,
        path: x.wirePath,
        method: x.method,
        headers: { accept: 'application/json', 'user-agent': `qcs-gitops/${VERSION}`, ...x.headers },
        body: x.body,
        headersTimeout: this.o.requestTimeoutMs,
        bodyTimeout: this.o.requestTimeoutMs,
      });
      status = res.statusCode;
      const headers = res.headers as HeaderMap;
      const declared = Number(header(headers, 'content-length'));
      if (Number.isFinite(declared) && declared > this.o.maxResponseBytes) {
        res.body.destroy();
        throw this.tooLarge(x, status);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        size += b.length;
        if (size > this.o.maxResponseBytes) {
          res.body.destroy();
          throw this.tooLarge(x, status);
        }
        chunks.push(b);
      }
      this.debug(`${x.method} ${x.shownTarget} -> ${status} in ${elapsed()}ms`);
      return { status, headers, text: Buffer.concat(chunks).toString('utf8') };
    } catch (e) {
      if (e instanceof QcsError) {
        this.debug(`${x.method} ${x.shownTarget} -> ${status || e.code} in ${elapsed()}ms`);
        throw e;
      }
      const failure = classifyNetworkError(e);
      this.debug(`${x.method} ${x.shownTarget} -> ${status ? `${status} then ` : ''}${failure.code} in ${elapsed()}ms`);
      throw new TransportFailure(failure, e);
    }
  }

  private tooLarge(x: Exchange, status: number): QcsError {
    return new QcsError(
      'E_RESPONSE_TOO_LARGE',
      `${x.method} ${x.shownPath} answered ${status} with a body over ${Math.round(this.o.maxResponseBytes / 1024 / 1024)} MiB; refused`,
      { hint: 'Narrow the request (a filter or smaller pages), or check that the gateway URL is right.' },
    );
  }

}

export function createClient(target: ResolvedTarget, options?: ClientOptions): ApiClient {
  return new HttpApiClient(target, options);
}
