// The HTTP server: /auth, /csapi/** (auth, permissions, faults, routes) and the /__sim/ admin API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { Account } from './account.js';
import { actionOf, Auth, TOKEN_TTL_MS } from './auth.js';
import { errorBody, SimError } from './errors.js';
import { Faults } from './faults.js';
import { writeJsonAtomic } from './persist.js';
import type { KindRoutes, RouteResult } from './route-types.js';
import { ALL_ROUTES } from './routes/index.js';
import { setRuntimePolicyInUse } from './routes/runtime-policy.js';
import { accountFromSeed, dumpAccount, readSeedFile, SeedError, STORED_COLLECTIONS, storedMap } from './seed.js';
import { Semaphore } from './semaphore.js';
import type { FaultConfig, RecordedRequest, SeedAccount, SimulatorHandle, SimulatorOptions } from './types.js';
import { authBodyForRecord, BodyTooLarge, MAX_BODY, parseForRecord, readBody, resetSocket } from './http.js';

/** Recorded requests kept (oldest dropped first), so long benchmarks do not grow without bound. */
const MAX_RECORDED = 100_000;
const ADMIN = '/__sim/';

interface Answer {
  status: number;
  body?: unknown;
  /** Raw text body (the /auth token). */
  text?: string;
  headers?: Record<string, string>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Simulator {
  private account: Account;
  private readonly auth: Auth;
  private readonly faults: Faults;
  private readonly recorded: RecordedRequest[] = [];
  private readonly sem?: Semaphore;
  private readonly clock: () => number;
  private readonly cap: number;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly initialSeed: SeedAccount | string | undefined;

  constructor(private readonly opts: SimulatorOptions) {
    this.clock = opts.clock ?? Date.now;
    this.cap = opts.pageSizeCap ?? 250;
    this.initialSeed = opts.seed;
    this.auth = new Auth(opts.users, opts.tokenTtlMs ?? TOKEN_TTL_MS);
    this.faults = new Faults({ ...(opts.latencyMs !== undefined ? { latencyMs: opts.latencyMs } : {}), ...opts.faults });
    if (opts.concurrency !== undefined) {
      if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new RangeError('concurrency must be an integer ≥ 1');
      this.sem = new Semaphore(opts.concurrency);
    }
    const fromState = opts.statePath && existsSync(opts.statePath) ? readSeedFile(opts.statePath) : undefined;
    this.account = accountFromSeed(fromState ?? opts.seed, this.clock());
    if (opts.statePath && !fromState) this.save();
    this.server = createServer({ keepAlive: true }, (req, res) => {
      this.onRequest(req, res).catch((e) => {
        this.log(`internal error: ${(e as Error).message}`);
        if (!res.headersSent) this.send(res, { status: 500, body: errorBody(500, 'Internal simulator error', this.clock()) });
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      for (const s of this.sockets) s.destroy();
    });
  }

  handle(url: string, port: number): SimulatorHandle {
    return {
      url,
      port,
      close: () => this.close(),
      requests: () => structuredClone(this.recorded),
      clearRequests: () => {
        this.recorded.length = 0;
      },
      setFaults: (f: Partial<FaultConfig>) => this.faults.set(f),
      reset: (seed?: SeedAccount | string) => this.reset(seed),
      dump: () => dumpAccount(this.account),
      raw: (collection: string, id: string) => {
        const o = storedMap(this.account, collection)?.get(id);
        return o === undefined ? undefined : structuredClone(o);
      },
      expireTokens: () => this.auth.expireAll(),
      setRuntimePolicyInUse: (id: string, inUse: boolean) => this.setInUse(id, inUse),
      credentials: { username: 'qcs-demo', password: 'qcs-demo-password' },
    };
  }

  private reset(seed?: SeedAccount | string): void {
    this.account = accountFromSeed(seed ?? this.initialSeed, this.clock());
    this.save();
  }

  private setInUse(id: string, inUse: boolean): void {
    setRuntimePolicyInUse(this.account, id, inUse);
    this.save();
  }

  private save(): void {
    if (this.opts.statePath) writeJsonAtomic(this.opts.statePath, dumpAccount(this.account));
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  private send(res: ServerResponse, a: Answer): void {
    const headers: Record<string, string> = { ...a.headers };
    let payload = '';
    if (a.text !== undefined) {
      payload = a.text;
      headers['Content-Type'] = 'text/plain;charset=UTF-8';
    } else if (a.body !== undefined) {
      payload = JSON.stringify(a.body);
      headers['Content-Type'] = 'application/json';
    }
    headers['Content-Length'] = String(Buffer.byteLength(payload));
    res.writeHead(a.status, headers);
    res.end(payload);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    let text: string;
    try {
      text = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge) return this.send(res, { status: 413, body: errorBody(413, `Request body larger than ${MAX_BODY} bytes`, this.clock()) });
      throw e;
    }
    if (url.pathname.startsWith(ADMIN)) return this.send(res, this.admin(method, url.pathname.slice(ADMIN.length), text));

    const isAuth = url.pathname === '/auth';
    const isCs = url.pathname === '/csapi' || url.pathname.startsWith('/csapi/');
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      body: isAuth ? authBodyForRecord(text) : parseForRecord(text),
      time: this.clock(),
    };
    if (isAuth || isCs) {
      this.recorded.push(rec);
      if (this.recorded.length > MAX_RECORDED) this.recorded.splice(0, this.recorded.length - MAX_RECORDED);
    }
    const started = Date.now();

    if (this.sem) await this.sem.acquire();
    try {
      const { ms, spike } = this.faults.latency(isCs);
      if (spike) rec.fault = 'latency-spike';
      if (ms > 0) await sleep(ms);
      const outcome = this.serve(method, url, text, req, rec, isAuth, isCs);
      if (outcome === 'reset') {
        rec.status = 0;
        rec.fault = 'reset';
        resetSocket(req.socket);
      } else if (outcome.lost) {
        rec.status = outcome.answer.status;
        rec.fault = 'lost-answer';
        resetSocket(req.socket);
      } else {
        rec.status = outcome.answer.status;
        this.send(res, outcome.answer);
      }
      this.log(`${method} ${url.pathname} → ${rec.fault === 'reset' ? 'reset' : rec.status}${rec.fault === 'lost-answer' ? ' (answer lost)' : ''} (${Date.now() - started} ms)`);
    } finally {
      this.sem?.release();
    }
  }

  /** Carries out one non-admin request; 'reset' when the connection must be dropped unanswered. */
  private serve(
    method: string,
    url: URL,
    text: string,
    req: IncomingMessage,
    rec: RecordedRequest,
    isAuth: boolean,
    isCs: boolean,
  ): 'reset' | { answer: Answer; lost?: boolean } {
    const now = this.clock();
    if (!isAuth && !isCs) return { answer: { status: 404, body: errorBody(404, `No such path: ${url.pathname}`, now) } };
    const segments = url.pathname.split('/').filter(Boolean);
    const match = isCs ? matchRoute(segments.slice(1)) : undefined;
    const endpoint = isAuth ? 'auth' : match ? match.base.join('/') : segments.slice(1, 3).join('/');

    const rl = this.faults.rateLimit(endpoint, now);
    if (rl.blocked) {
      rec.fault = 'rate-limited';
      return { answer: { status: 429, headers: rl.headers, body: errorBody(429, `Rate limit exceeded for ${endpoint}: retry after ${rl.blocked.retryAfterSec} s`, now) } };
    }
    const withRl = (a: Answer): Answer => ({ ...a, headers: { ...rl.headers, ...a.headers } });

    if (isAuth) return { answer: withRl(this.login(method, text, now)) };

    const pre = this.faults.before();
    if (pre?.kind === 'reset') return 'reset';
    if (pre?.kind === 'error') {
      rec.fault = 'error';
      const msg = pre.status === 503 ? 'Service temporarily unavailable (simulated)' : 'Internal server error (simulated)';
      return { answer: withRl({ status: pre.status, body: errorBody(pre.status, msg, now) }) };
    }

    const who = this.auth.check(req.headers.authorization, now);
    if ('error' in who) return { answer: withRl({ status: 401, body: errorBody(401, who.error, now) }) };
    rec.user = who.user.username;

    if (!match || (match.base[1] === 'secretrule' && this.faults.secretDetectorOnly)) {
      return { answer: withRl({ status: 404, body: errorBody(404, `No such path: ${url.pathname}`, now) }) };
    }
    const denied = this.auth.deny(who.user, match.routes.kind, match.routes.permission, actionOf(method));
    if (denied) return { answer: withRl({ status: 403, body: errorBody(403, denied, now) }) };

    let body: unknown;
    if (text.trim() !== '' && method !== 'GET' && method !== 'DELETE') {
      try {
        body = JSON.parse(text);
      } catch (e) {
        return { answer: withRl({ status: 400, body: errorBody(400, `Malformed JSON body: ${(e as Error).message}`, now) }) };
      }
    }
    let result: RouteResult;
    try {
      result = match.routes.handle(
        { method, rest: match.rest, query: url.searchParams, body, user: who.user.username, now, account: this.account, pageSizeCap: this.cap },
        match.base,
      );
    } catch (e) {
      if (e instanceof SimError) return { answer: withRl({ status: e.status, body: errorBody(e.status, e.message, now) }) };
      throw e;
    }
    if (result.mutated) this.save();
    const listed = method === 'GET' && match.rest.length === 0 ? omitListFields(result.body, this.faults.listOmits(match.routes.kind)) : result.body;
    const answer = withRl({ status: result.status, body: listed });
    if (result.created && this.faults.loseCreate()) return { answer, lost: true };
    return { answer };
  }

  private login(method: string, text: string, now: number): Answer {
    if (method !== 'POST') return { status: 405, body: errorBody(405, 'Use POST /auth with form fields username, password and token=true', now) };
    const form = new URLSearchParams(text);
    const username = form.get('username');
    const password = form.get('password');
    if (!username || !password) return { status: 400, body: errorBody(400, 'Form fields username and password are required', now) };
    const token = this.auth.login(username, password, now);
    if (!token) return { status: 401, body: errorBody(401, 'Invalid username or password', now) };
    return { status: 201, text: token };
  }

  private admin(method: string, path: string, text: string): Answer {
    const now = this.clock();
    const bad = (status: number, message: string): Answer => ({ status, body: errorBody(status, message, now) });
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch (e) {
        return bad(400, `Malformed JSON body: ${(e as Error).message}`);
      }
    }
    try {
      const route = `${method} ${path.replace(/\/+$/, '')}`;
      switch (route) {
        case 'GET health':
          return { status: 200, body: { ok: true } };
        case 'GET state':
          return { status: 200, body: dumpAccount(this.account) };
        case 'POST reset':
          this.reset(body as SeedAccount | undefined);
          return { status: 200, body: { ok: true } };
        case 'GET requests':
          return { status: 200, body: this.recorded };
        case 'DELETE requests':
          this.recorded.length = 0;
          return { status: 200, body: { ok: true } };
        case 'GET faults':
          return { status: 200, body: this.faults.config };
        case 'PUT faults':
          if (body === null || typeof body !== 'object' || Array.isArray(body)) return bad(400, 'PUT /__sim/faults takes a JSON object of fault settings');
          this.faults.set(body as Partial<FaultConfig>);
          return { status: 200, body: this.faults.config };
        case 'POST expire-tokens':
          this.auth.expireAll();
          return { status: 200, body: { ok: true } };
      }
      // GET /__sim/raw/<seed key> (all stored objects by id) and /__sim/raw/<seed key>/<id>: objects as stored, unformatted.
      const raw = /^GET raw\/([^/]+)(?:\/([^/]+))?$/.exec(route);
      if (raw) {
        const map = storedMap(this.account, raw[1]!);
        if (!map) return bad(404, `No such collection: ${raw[1]}; use ${STORED_COLLECTIONS.join(', ')}`);
        if (raw[2] === undefined) return { status: 200, body: Object.fromEntries([...map].map(([k, v]) => [k, structuredClone(v)])) };
        const o = map.get(decodeURIComponent(raw[2]));
        return o === undefined ? bad(404, `No ${raw[1]} object has id ${decodeURIComponent(raw[2])}`) : { status: 200, body: structuredClone(o) };
      }
      const inUse = /^(PUT|DELETE) in-use\/([^/]+)$/.exec(route);
      if (inUse) {
        this.setInUse(decodeURIComponent(inUse[2]!), inUse[1] === 'PUT');
        return { status: 200, body: { ok: true } };
      }
      return bad(404, `No such admin call: ${method} ${ADMIN}${path}`);
    } catch (e) {
      if (e instanceof SimError) return bad(e.status, e.message);
      if (e instanceof SeedError || e instanceof RangeError) return bad(400, e.message);
      throw e;
    }
  }
}

/** A list answer (`{data}`, `{content}` or a bare array) whose items lack `fields` (copies: the stored objects are untouched). */
function omitListFields(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || body === null || typeof body !== 'object') return body;
  const strip = (items: unknown[]) =>
    items.map((it) => {
      if (!it || typeof it !== 'object') return it;
      const copy = { ...(it as Record<string, unknown>) };
      for (const f of fields) delete copy[f];
      return copy;
    });
  if (Array.isArray(body)) return strip(body);
  const o = body as Record<string, unknown>;
  for (const key of ['data', 'content']) if (Array.isArray(o[key])) return { ...o, [key]: strip(o[key] as unknown[]) };
  return body;
}

function matchRoute(segs: string[]): { routes: KindRoutes; base: string[]; rest: string[] } | undefined {
  for (const routes of ALL_ROUTES) {
    for (const base of routes.bases) {
      if (base.every((b, i) => segs[i] === b)) return { routes, base, rest: segs.slice(base.length).map(decodeURIComponent) };
    }
  }
  return undefined;
}
