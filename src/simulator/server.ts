// The HTTP server: connections, the request log, latency and concurrency faults; dispatch.ts carries out /auth and
// /csapi/** (auth, permissions, faults, routes), admin.ts the /__sim/ control endpoints.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { Account } from './account.js';
import { ADMIN, adminAnswer } from './admin.js';
import { Auth, TOKEN_TTL_MS } from './auth.js';
import { dispatch } from './dispatch.js';
import { errorBody } from './errors.js';
import { Faults } from './faults.js';
import { writeJsonAtomic } from './persist.js';
import { setRuntimePolicyInUse } from './routes/runtime-policy.js';
import { accountFromSeed, dumpAccount, readSeedFile, storedMap } from './seed.js';
import { Semaphore } from './semaphore.js';
import type { FaultConfig, RecordedRequest, SeedAccount, SimulatorHandle, SimulatorOptions } from './types.js';
import { authBodyForRecord, BodyTooLarge, MAX_BODY, parseForRecord, readBody, resetSocket, writeAnswer } from './http.js';

/** Recorded requests kept (oldest dropped first), so long benchmarks do not grow without bound. */
const MAX_RECORDED = 100_000;

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
        if (!res.headersSent) writeAnswer(res, { status: 500, body: errorBody(500, 'Internal simulator error', this.clock()) });
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

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    let text: string;
    try {
      text = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge) return writeAnswer(res, { status: 413, body: errorBody(413, `Request body larger than ${MAX_BODY} bytes`, this.clock()) });
      throw e;
    }
    if (url.pathname.startsWith(ADMIN)) {
      const control = {
        account: this.account,
        recorded: this.recorded,
        faults: this.faults,
        auth: this.auth,
        now: this.clock(),
        reset: (seed?: SeedAccount) => this.reset(seed),
        setInUse: (id: string, inUse: boolean) => this.setInUse(id, inUse),
      };
      return writeAnswer(res, adminAnswer(control, method, url.pathname.slice(ADMIN.length), text));
    }

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
      const context = { account: this.account, auth: this.auth, faults: this.faults, pageSizeCap: this.cap, now: this.clock(), save: () => this.save() };
      const outcome = dispatch(context, { method, url, text, req, rec, isAuth, isCs });
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
        writeAnswer(res, outcome.answer);
      }
      this.log(`${method} ${url.pathname} → ${rec.fault === 'reset' ? 'reset' : rec.status}${rec.fault === 'lost-answer' ? ' (answer lost)' : ''} (${Date.now() - started} ms)`);
    } finally {
      this.sem?.release();
    }
  }
}
