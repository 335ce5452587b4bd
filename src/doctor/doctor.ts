// `qcs-gitops doctor`: checks a real account against what the tool assumes, read-only (POST /auth and GETs only).
// It returns data (a DoctorReport); src/render/doctor.ts shows it. Per kind it reads the first page of the list as
// the client would ask it (the shape served, a capped or refused page size), compares the first item with its
// details (which fields a list item lacks, so how many detail reads a plan needs), and every probed assumption of
// src/api/assumptions.ts ends confirmed, contradicted (with what was seen) or not checked (with why).
import { ApiError, QcsError } from '../errors.js';
import { ASSUMPTIONS, LIST_SHAPES, type Assumption, type Probe } from '../api/assumptions.js';
import { readPage, DEFAULT_PAGE_SIZE } from '../api/paginate.js';
import type { ApiClient, ListOptions, ListShape, RequestOptions } from '../api/types.js';
import { header } from '../api/retry.js';
import type { ObservedAnswer } from '../api/wire.js';
import type { Kind } from '../kinds/types.js';
import type { Declaration } from '../types.js';

export type CheckStatus = 'ok' | 'warning' | 'failed' | 'not checked';

export interface DoctorCheck {
  section: 'configuration' | 'auth' | 'kinds' | 'rate limits' | 'writes';
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it. */
  hint?: string;
}

export type Verdict = 'confirmed' | 'contradicted' | 'not checked';

export interface AssumptionResult {
  id: string;
  statement: string;
  /** Whether a read-only probe exists for it (false: `why` says why none can). */
  probed: boolean;
  verdict: Verdict;
  /** What was seen (contradicted, and confirmed where it adds something). */
  seen?: string;
  /** Why it was not checked. */
  why?: string;
}

export interface DoctorReport {
  gateway: string;
  checks: DoctorCheck[];
  assumptions: AssumptionResult[];
  /** Exit verdict: ok when everything a plan needs works. */
  ok: boolean;
  calls: { total: number; byEndpoint: Record<string, number> };
}

/** What the command knows of its configuration (never a secret's value). */
export interface DoctorConfig {
  gateway: string;
  /** How the gateway was chosen, e.g. `platform US1 (QUALYS_PLATFORM)`, `environment production`. */
  gatewaySource: string;
  /** The proxy line (api/proxy.ts describe), or undefined for the in-process simulator. */
  proxy?: string;
  tls: { status: CheckStatus; detail: string };
  /** The variables (or flags) the credentials come from. */
  credentials: string;
  nodeVersion: string;
}

export interface DoctorInput {
  api: ApiClient;
  kinds: readonly Kind[];
  /** The declarations given (their kinds are probed, and a plan's calls estimated); undefined: every kind. */
  declarations?: readonly Declaration[];
  config: DoctorConfig;
  /** Every answer's status and headers seen so far (the client's `observe` fills it). */
  answers: readonly ObservedAnswer[];
  now?: () => number;
}

/** The oldest Node.js the tool supports (package.json engines). */
const MIN_NODE = [20, 18, 1] as const;
/** The rate-limit headers the notes show, by their lower-case name. */
const RATE_HEADERS: Readonly<Record<string, string>> = {
  'x-ratelimit-limit': 'X-RateLimit-Limit',
  'x-ratelimit-window-sec': 'X-RateLimit-Window-Sec',
  'x-ratelimit-remaining': 'X-RateLimit-Remaining',
  'x-ratelimit-towait-sec': 'X-RateLimit-ToWait-Sec',
};
const hasRateHeader = (a: ObservedAnswer): boolean => Object.keys(RATE_HEADERS).some((h) => header(a.headers, h) !== undefined);
/** Below this many calls left in a rate-limit window, doctor does not read a plan to count its calls. */
const MEASURE_BUDGET = 20;
/** The page size the client falls back to when 250 is refused: the documented default. */
const FALLBACK_PAGE_SIZE = 50;

interface KindProbe {
  kind: Kind;
  path?: string;
  /** The path the kind chose among candidates (`resolvePath`: the secret-rule probe), when it chose one. */
  resolved?: string;
  /** The list call failed: how (a denied kind, a missing endpoint…). */
  failure?: { status?: number; message: string; permission?: string };
  shape?: ListShape;
  total?: number;
  firstPage: Record<string, unknown>[];
  /** The list is one GET without paging (no page size to check). */
  unpaged?: boolean;
  /** The page size that was served (250 unless capped or refused). */
  pageSize: number;
  capped?: number;
  refused250?: boolean;
  /** Top-level keys the first object's details carry that its list item lacks. */
  lacks?: string[];
  details?: 'ok' | 'missing' | { error: string };
  hasProtected?: boolean;
}

function nodeCheck(version: string): DoctorCheck {
  const parts = version.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10));
  const ok = compare(parts, MIN_NODE) >= 0;
  return ok
    ? { section: 'configuration', name: 'node', status: 'ok', detail: `${version} (≥ ${MIN_NODE.join('.')})` }
    : { section: 'configuration', name: 'node', status: 'failed', detail: `${version} is older than ${MIN_NODE.join('.')}`, hint: 'Install Node.js 20.18.1 or later.' };
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < b.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A client whose `list` only records the call (path and query), so a kind's list path is learnt without reading it;
 * every other GET goes to the gateway (the secret-rule path probe), and any write is refused. */
interface Seen {
  path?: string;
  query?: ListOptions['query'];
  resolved?: string;
  /** A list read by a plain GET (no paging: the AWS connectors'), with its answer. */
  got?: { path: string; body: unknown };
}

function recorder(api: ApiClient, seen: Seen): ApiClient {
  return {
    gateway: api.gateway,
    stats: api.stats,
    request: <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: RequestOptions) => {
      if (method !== 'GET') return Promise.reject(new QcsError('E_USAGE', `doctor never writes (${method} ${path} refused)`));
      return api.request<T>(method, path, options).then((body) => {
        seen.got ??= { path: path.replace(/\?.*$/, ''), body };
        return body;
      });
    },
    list: <T>(path: string, options?: ListOptions) => {
      seen.path ??= path;
      seen.query ??= options?.query;
      return Promise.resolve([] as T[]);
    },
    resolvePath: async (candidates) => (seen.resolved = await api.resolvePath(candidates)),
    forKind: (label) => recorder(api.forKind?.(label) ?? api, seen),
    close: () => Promise.resolve(),
  };
}

function failureOf(e: unknown): KindProbe['failure'] {
  if (e instanceof ApiError) {
    const permission = /\bCS\.[A-Z_]+\.[A-Z]+\b/.exec(e.serverMessage ?? '')?.[0];
    return { status: e.status, message: e.message, ...(permission ? { permission } : {}) };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

async function probeKind(api: ApiClient, kind: Kind): Promise<KindProbe> {
  const view = api.forKind?.(kind.kind) ?? api;
  const probe: KindProbe = { kind, firstPage: [], pageSize: DEFAULT_PAGE_SIZE };
  const seen: Seen = {};
  try {
    await kind.list(recorder(view, seen));
  } catch (e) {
    probe.failure = failureOf(e);
    return probe;
  }
  if (seen.resolved) probe.resolved = seen.resolved;
  if (!seen.path && seen.got) return unpaged(probe, seen.got);
  if (!seen.path) {
    probe.failure = { message: `the ${kind.kind} module reads no list` };
    return probe;
  }
  probe.path = seen.path;
  const page = (size: number) => view.request('GET', seen.path!, { query: { ...seen.query, pageNumber: 1, pageSize: size } });
  let body: unknown;
  try {
    body = await page(DEFAULT_PAGE_SIZE);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 400)) {
      probe.failure = failureOf(e);
      return probe;
    }
    probe.refused250 = true;
    probe.pageSize = FALLBACK_PAGE_SIZE;
    try {
      body = await page(FALLBACK_PAGE_SIZE);
    } catch (e2) {
      probe.failure = failureOf(e2);
      return probe;
    }
  }
  try {
    const p = readPage(body, `GET ${seen.path}`);
    probe.shape = p.shape;
    probe.total = p.total;
    probe.firstPage = p.items as Record<string, unknown>[];
  } catch (e) {
    probe.failure = failureOf(e);
    return probe;
  }
  const n = probe.firstPage.length;
  if (probe.total !== undefined && n < Math.min(probe.total, probe.pageSize) && n > 0) probe.capped = n;
  probe.hasProtected = probe.firstPage.some((o) => safe(() => kind.isProtected(o), false));
  const first = probe.firstPage[0];
  if (first !== undefined) {
    try {
      const details = await kind.get(view, kind.idOf(first));
      if (details === undefined) probe.details = 'missing';
      else {
        probe.details = 'ok';
        const d = details as Record<string, unknown>;
        probe.lacks = Object.keys(d).filter((k) => d[k] !== undefined && d[k] !== null && first[k] === undefined);
      }
    } catch (e) {
      probe.details = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  return probe;
}

/** A list read in one GET without paging: its shape and items, and the first object's details. */
async function unpaged(probe: KindProbe, got: { path: string; body: unknown }): Promise<KindProbe> {
  probe.path = got.path;
  probe.unpaged = true;
  try {
    const p = readPage(got.body, `GET ${got.path}`);
    probe.shape = p.shape;
    probe.total = p.total ?? p.items.length;
    probe.firstPage = p.items as Record<string, unknown>[];
  } catch (e) {
    probe.failure = failureOf(e);
  }
  return probe;
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

const SHAPES: Record<ListShape, string> = { data: '{data, count}', array: 'a bare array', content: '{content}' };

function kindChecks(p: KindProbe): DoctorCheck[] {
  const k = p.kind.kind;
  const out: DoctorCheck[] = [];
  if (p.failure) {
    const f = p.failure;
    const hint =
      f.status === 403
        ? `Give the API user ${f.permission ? `the ${f.permission} permission` : `read access to ${k}`} (Qualys: Users > roles), or leave ${k} out of the declarations.`
        : f.status === 404
          ? `This gateway does not serve the ${k} list at ${p.path ?? 'its path'}: plan and apply cannot manage ${k} here. Report it with \`qcs-gitops doctor --format json\`.`
          : 'Run again with --debug to see the calls; report it with `qcs-gitops doctor --format json`.';
    out.push({ section: 'kinds', name: `${k} list`, status: 'failed', detail: f.status === 403 ? `denied (403): ${f.message}` : f.message, hint });
    return out;
  }
  const expected = LIST_SHAPES[k];
  const n = p.total ?? p.firstPage.length;
  const shapeText = `${SHAPES[p.shape!]}${expected ? (expected === p.shape ? ' as assumed' : `, not ${SHAPES[expected]} as assumed`) : ''}`;
  out.push({
    section: 'kinds',
    name: `${k} list`,
    status: expected && expected !== p.shape ? 'warning' : 'ok',
    detail: `GET ${p.path}: ${shapeText}; ${p.total !== undefined ? `${n} object${n === 1 ? '' : 's'}` : `${p.firstPage.length} on the first page (no total)`}`,
    ...(expected && expected !== p.shape ? { hint: 'The client reads every list shape, so plans still work; please report it (doctor --format json) so the assumption can be corrected.' } : {}),
  });
  if (p.unpaged) {
    out.push({ section: 'kinds', name: `${k} page size`, status: 'not checked', detail: 'the list is read in one call, without paging' });
  } else if (p.refused250) {
    out.push({ section: 'kinds', name: `${k} page size`, status: 'warning', detail: `pageSize=${DEFAULT_PAGE_SIZE} was refused (400); ${FALLBACK_PAGE_SIZE} works`, hint: `Plans read ${FALLBACK_PAGE_SIZE} a page here: more calls for large accounts.` });
  } else if (p.capped !== undefined) {
    out.push({ section: 'kinds', name: `${k} page size`, status: 'warning', detail: `asked ${DEFAULT_PAGE_SIZE} a page, served ${p.capped}: the gateway caps the page size`, hint: `Nothing to do: the client reads ${p.capped} a page after the first; a plan of ${n} objects needs ${Math.ceil(n / p.capped)} list calls.` });
  } else {
    out.push({ section: 'kinds', name: `${k} page size`, status: 'ok', detail: p.total !== undefined && p.total <= p.firstPage.length ? `${DEFAULT_PAGE_SIZE} a page (one page holds all ${p.total})` : `${DEFAULT_PAGE_SIZE} a page served whole` });
  }
  if (p.details === undefined) {
    out.push({ section: 'kinds', name: `${k} details`, status: 'not checked', detail: p.firstPage.length ? 'not read: the list is read whole, in one call' : `the account holds no ${k} to read` });
  } else if (p.details === 'ok') {
    const lacks = p.lacks ?? [];
    out.push({
      section: 'kinds',
      name: `${k} details`,
      status: 'ok',
      detail:
        (lacks.length ? `list items lack ${lacks.join(', ')} (the details carry them)` : 'list items carry every field the details do'),
    });
  } else if (p.details === 'missing') {
    out.push({ section: 'kinds', name: `${k} details`, status: 'warning', detail: `GET of the first listed ${k} by its id answered 404`, hint: 'Plans read details of objects whose list items lack a field: report it (doctor --format json).' });
  } else {
    out.push({ section: 'kinds', name: `${k} details`, status: 'warning', detail: p.details.error, hint: 'Run again with --debug to see the call.' });
  }
  return out;
}

/** A view of the client that reads (GET) and refuses any other call, noting it: a plan is read through it. */
function getOnly(api: ApiClient, refused: string[]): ApiClient {
  return {
    gateway: api.gateway,
    stats: api.stats,
    request: <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: RequestOptions) => {
      if (method === 'GET') return api.request<T>(method, path, options);
      refused.push(`${method} ${path.replace(/\?.*$/, '')}`);
      // a call that stores nothing (a validate POST): answered as a gateway that does not offer it, so the plan goes
      // on (Kind.checkWrite takes a 405 as "not offered") and the call is counted, not sent
      if (options?.safe) return Promise.reject(new ApiError({ status: 405, method, path, serverMessage: 'not sent by doctor (read-only)' }));
      return Promise.reject(new QcsError('E_USAGE', `doctor never writes (${method} ${path} not sent)`));
    },
    list: <T>(path: string, options?: ListOptions) => api.list<T>(path, options),
    resolvePath: (candidates) => api.resolvePath(candidates),
    forKind: (label) => getOnly(api.forKind?.(label) ?? api, refused),
    close: () => Promise.resolve(),
  };
}

interface PlanCalls {
  total: number;
  byEndpoint: Map<string, number>;
  /** Calls the plan makes that store nothing but are not GETs (a validate POST before a write): counted, not sent. */
  unsent: string[];
  /** A write the plan would make while reading (none should): not sent, so the plan stopped there and `total` is a
   * lower bound. */
  refused?: string;
  error?: string;
}

/** The calls a plan of the declarations makes, measured: the plan is read (GETs only) and its calls counted, plus
 * the token request and each path probe, which this run already made and the client remembers. */
async function planCalls(api: ApiClient, kinds: readonly Kind[], declared: readonly Declaration[], probes: readonly KindProbe[]): Promise<PlanCalls> {
  const { makePlan } = await import('../engine/plan.js');
  const before = { ...(api.stats.byEndpoint ?? {}) };
  const refused: string[] = [];
  let error: string | undefined;
  let stopped = false;
  try {
    await makePlan(getOnly(api, refused), kinds, declared);
  } catch (e) {
    stopped = true;
    if (refused.length === 0) error = e instanceof Error ? e.message : String(e);
  }
  const byEndpoint = new Map<string, number>([['POST /auth', 1]]);
  for (const [k, n] of Object.entries(api.stats.byEndpoint ?? {})) {
    const d = n - (before[k] ?? 0);
    if (d > 0) byEndpoint.set(k, d);
  }
  for (const p of probes) {
    if (!p.resolved || !declared.some((d) => d.kind === p.kind.kind)) continue;
    const k = `GET /csapi${p.resolved}`;
    byEndpoint.set(k, (byEndpoint.get(k) ?? 0) + 1);
  }
  const unsent = stopped ? refused.slice(0, -1) : refused;
  for (const r of unsent) byEndpoint.set(`${r} (not sent)`, (byEndpoint.get(`${r} (not sent)`) ?? 0) + 1);
  let total = 0;
  for (const v of byEndpoint.values()) total += v;
  return { total, byEndpoint, unsent, ...(stopped && refused.length ? { refused: refused[refused.length - 1] } : {}), ...(error ? { error } : {}) };
}

/** The fewest calls left in a rate-limit window that any answer reported (Infinity when none said). */
function leftInWindow(answers: readonly ObservedAnswer[]): number {
  return Math.min(...answers.map((a) => Number(header(a.headers, 'x-ratelimit-remaining'))).filter((n) => Number.isFinite(n)));
}

function rateChecks(answers: readonly ObservedAnswer[], estimate: PlanCalls | undefined): DoctorCheck[] {
  const limited = answers.filter(hasRateHeader);
  const out: DoctorCheck[] = [];
  if (limited.length === 0) {
    out.push({ section: 'rate limits', name: 'headers', status: 'not checked', detail: 'no X-RateLimit-* header in any answer (the gateway may send them only near its limit)' });
  } else {
    const last = limited[limited.length - 1]!;
    const shown = Object.entries(RATE_HEADERS).flatMap(([h, name]) => {
      const v = header(last.headers, h);
      return v === undefined ? [] : [`${name}: ${v}`];
    });
    out.push({ section: 'rate limits', name: 'headers', status: 'ok', detail: `${shown.join(', ')} (on ${last.method} ${last.path})` });
  }
  if (estimate?.error) {
    out.push({ section: 'rate limits', name: 'plan budget', status: 'warning', detail: `a plan of the declarations could not be read: ${estimate.error}`, hint: 'Run `qcs-gitops plan` with the same paths to see the problem at its line.' });
  } else if (estimate) {
    const remaining = leftInWindow(limited);
    const per = [...estimate.byEndpoint.entries()].map(([p, n]) => `${p} ${n}`).join(', ');
    const calls = `${estimate.refused ? 'at least ' : ''}${estimate.total} calls (${per})${estimate.refused ? `, then ${estimate.refused} and what follows it, which doctor does not send` : ''}`;
    if (Number.isFinite(remaining) && estimate.total > remaining) {
      out.push({ section: 'rate limits', name: 'plan budget', status: 'warning', detail: `a plan of the declarations makes ${calls}; the gateway reported ${remaining} left in its window`, hint: 'The client waits for the window when the budget runs out: the plan will be slower, not wrong. Lower --max-concurrency on shared accounts.' });
    } else {
      out.push({ section: 'rate limits', name: 'plan budget', status: 'ok', detail: `a plan of the declarations makes ${calls}${Number.isFinite(remaining) ? `; ${remaining} left in the window` : ''}` });
    }
  }
  return out;
}

function fmtDuration(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
}

/** Runs every check. Never throws for what the gateway answers: a failure is a failed check. */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const now = input.now ?? Date.now;
  const { api, config } = input;
  const checks: DoctorCheck[] = [
    { section: 'configuration', name: 'gateway', status: 'ok', detail: `${config.gateway}, chosen by ${config.gatewaySource}` },
    ...(config.proxy ? [{ section: 'configuration' as const, name: 'proxy', status: 'ok' as const, detail: config.proxy.replace(/^proxy: /, '') }] : []),
    { section: 'configuration', name: 'TLS', ...config.tls },
    { section: 'configuration', name: 'credentials', status: 'ok', detail: `${config.credentials} (values never shown)` },
    nodeCheck(config.nodeVersion),
  ];

  // auth
  let claims: Awaited<ReturnType<NonNullable<ApiClient['tokenClaims']>>> | undefined;
  let authFailed: string | undefined;
  try {
    claims = api.tokenClaims ? await api.tokenClaims() : undefined;
  } catch (e) {
    authFailed = e instanceof Error ? e.message : String(e);
    checks.push({ section: 'auth', name: 'token', status: 'failed', detail: authFailed, hint: e instanceof QcsError ? e.hint : undefined });
  }
  const auth = input.answers.find((a) => a.path === '/auth');
  if (claims) {
    const life = claims.issuedAt !== undefined && claims.expiresAt !== undefined ? (claims.expiresAt - claims.issuedAt) * 1000 : claims.expiresAt !== undefined ? claims.expiresAt * 1000 - now() : undefined;
    const from = claims.source === 'token' ? 'given (QUALYS_TOKEN)' : `obtained from POST /auth${auth ? ` (${auth.status})` : ''}`;
    const expired = claims.expiresAt !== undefined && claims.expiresAt * 1000 <= now();
    checks.push({
      section: 'auth',
      name: 'token',
      status: expired ? 'failed' : life === undefined ? 'warning' : 'ok',
      detail: `${from}; ${life !== undefined ? `lifetime ${fmtDuration(life)}` : 'no readable exp claim (renewed every 4 h)'}${claims.expiresAt !== undefined ? `, expires ${new Date(claims.expiresAt * 1000).toISOString()}` : ''}`,
      ...(expired ? { hint: 'The token has expired: set a fresh QUALYS_TOKEN, or QUALYS_USERNAME and QUALYS_PASSWORD.' } : {}),
    });
  }

  // kinds
  const declared = input.declarations;
  const used = declared ? new Set(declared.map((d) => d.kind)) : undefined;
  const kinds = used ? input.kinds.filter((k) => used.has(k.kind)) : input.kinds;
  const probes: KindProbe[] = [];
  if (!authFailed) {
    for (const k of kinds) probes.push(await probeKind(api, k));
    for (const p of probes) checks.push(...kindChecks(p));
  }

  // clock skew, from the first answer with a Date header
  const dated = input.answers.find((a) => header(a.headers, 'date') !== undefined);
  if (dated) {
    const server = Date.parse(header(dated.headers, 'date')!);
    const skew = Math.round((now() - server) / 1000);
    const big = Math.abs(skew) > 60;
    checks.push({
      section: 'auth',
      name: 'clock',
      status: big ? 'warning' : 'ok',
      detail: `${Math.abs(skew)} s ${skew >= 0 ? 'ahead of' : 'behind'} the gateway's Date header`,
      ...(big ? { hint: 'Synchronise this machine\'s clock (NTP): token renewal and exception end dates are computed from it.' } : {}),
    });
  }

  // measuring spends calls: not when the gateway says its window is nearly spent (the plan would wait for it)
  const left = leftInWindow(input.answers);
  const lowBudget = Number.isFinite(left) && left < MEASURE_BUDGET;
  const estimate = authFailed || !declared || lowBudget ? undefined : await planCalls(api, input.kinds, declared, probes);
  if (!authFailed) checks.push(...rateChecks(input.answers, estimate));
  if (!authFailed && declared && lowBudget) {
    checks.push({
      section: 'rate limits',
      name: 'plan budget',
      status: 'warning',
      detail: `not measured: the gateway reported ${left} call${left === 1 ? '' : 's'} left in its rate-limit window, and reading a plan would spend them`,
      hint: 'Plans wait for the window when the budget runs out: run doctor again when the window has passed to see what a plan costs.',
    });
  }
  checks.push({
    section: 'writes',
    name: 'write permissions',
    status: 'not checked',
    detail: 'doctor never writes, so it cannot tell a read-only user from one that may apply',
    hint: 'apply needs CS.<AREA>.CREATE, UPDATE and DELETE for each kind it changes (e.g. CS.EXCEPTION.UPDATE); a user without them gets 403 at the first write.',
  });

  const assumptions = ASSUMPTIONS.map((x) => judge(x, { probes, claims, authFailed, auth, answers: input.answers }));
  const ok = !checks.some((c) => c.status === 'failed');
  return { gateway: config.gateway, checks, assumptions, ok, calls: { total: api.stats.calls, byEndpoint: { ...(api.stats.byEndpoint ?? {}) } } };
}

interface Evidence {
  probes: readonly KindProbe[];
  claims?: { issuedAt?: number; expiresAt?: number; source: 'token' | 'password' };
  authFailed?: string;
  auth?: ObservedAnswer;
  answers: readonly ObservedAnswer[];
}

function judge(x: Assumption, ev: Evidence): AssumptionResult {
  const base = { id: x.id, statement: x.statement, probed: x.probe !== undefined };
  if (!x.probe) return { ...base, verdict: 'not checked', why: x.unchecked ?? 'no read-only probe' };
  if (ev.authFailed && x.probe.type !== 'auth') return { ...base, verdict: 'not checked', why: 'authentication failed' };
  const r = probeVerdict(x.probe, ev);
  return { ...base, ...r };
}

type Judgement = { verdict: Verdict; seen?: string; why?: string };

function probeOf(ev: Evidence, kind: string): KindProbe | Judgement {
  const p = ev.probes.find((q) => q.kind.kind === kind);
  if (!p) return { verdict: 'not checked', why: `${kind} was not probed (the declarations given do not use it)` };
  if (p.failure) return p.failure.status === 404 ? { verdict: 'contradicted', seen: `the ${kind} list answered 404` } : { verdict: 'not checked', why: `the ${kind} list failed: ${p.failure.message}` };
  return p;
}

function probeVerdict(probe: Probe, ev: Evidence): Judgement {
  switch (probe.type) {
    case 'auth': {
      if (ev.claims?.source === 'token') return { verdict: 'not checked', why: 'a ready token was given (QUALYS_TOKEN): no POST /auth was made' };
      if (!ev.auth) return { verdict: 'not checked', why: ev.authFailed ? `POST /auth failed: ${ev.authFailed}` : 'no POST /auth was made' };
      if (ev.authFailed) return { verdict: 'not checked', why: `POST /auth answered ${ev.auth.status}: ${ev.authFailed}` };
      return ev.auth.status === 201 ? { verdict: 'confirmed', seen: 'POST /auth answered 201 with a token' } : { verdict: 'contradicted', seen: `POST /auth answered ${ev.auth.status} (201 assumed); the token was read all the same` };
    }
    case 'token-claims': {
      if (!ev.claims) return { verdict: 'not checked', why: 'no token was obtained' };
      const has = ev.claims.issuedAt !== undefined && ev.claims.expiresAt !== undefined;
      return has ? { verdict: 'confirmed', seen: 'the token is a JWT carrying iat and exp' } : { verdict: 'contradicted', seen: `the token's payload lacks ${ev.claims.expiresAt === undefined ? 'exp' : 'iat'}` };
    }
    case 'list': {
      const p = probeOf(ev, probe.kind);
      if (!('kind' in p)) return p;
      const want = LIST_SHAPES[probe.kind];
      if (want && p.shape !== want) return { verdict: 'contradicted', seen: `served ${SHAPES[p.shape!]}, not ${SHAPES[want]}` };
      if (probe.complete && p.details === 'ok' && p.lacks?.length) return { verdict: 'contradicted', seen: `served ${SHAPES[p.shape!]}, but list items lack ${p.lacks.join(', ')} (plans read those objects' details)` };
      return { verdict: 'confirmed', seen: `served ${SHAPES[p.shape!]}${probe.complete ? (p.details === 'ok' ? ', items complete' : ' (no object to compare with its details)') : ''}` };
    }
    case 'fields': {
      const p = probeOf(ev, probe.kind);
      if (!('kind' in p)) return p;
      const first = p.firstPage[0];
      if (!first) return { verdict: 'not checked', why: `the account holds no ${probe.kind}` };
      const missing = probe.keys.filter((k) => first[k] === undefined);
      return missing.length ? { verdict: 'contradicted', seen: `the first ${probe.kind} lacks ${missing.join(', ')}` } : { verdict: 'confirmed', seen: `carries ${probe.keys.join(', ')}` };
    }
    case 'protected-exists': {
      const p = probeOf(ev, probe.kind);
      if (!('kind' in p)) return p;
      if (p.total !== undefined && p.firstPage.length < p.total && !p.hasProtected) return { verdict: 'not checked', why: 'the system object is not on the first page' };
      return p.hasProtected ? { verdict: 'confirmed', seen: 'the list holds the system object' } : { verdict: 'contradicted', seen: 'no system object in the list' };
    }
    case 'details': {
      const p = probeOf(ev, probe.kind);
      if (!('kind' in p)) return p;
      if (p.details === undefined) return { verdict: 'not checked', why: `the account holds no ${probe.kind}` };
      if (p.details === 'ok') return { verdict: 'confirmed', seen: 'the details GET answered the first listed object' };
      return { verdict: 'contradicted', seen: p.details === 'missing' ? 'the details GET answered 404 for a listed id' : p.details.error };
    }
    case 'page-size': {
      const read = ev.probes.filter((p) => !p.failure && p.shape);
      if (read.length === 0) return { verdict: 'not checked', why: 'no list was read' };
      const refused = read.filter((p) => p.refused250).map((p) => p.kind.kind);
      if (refused.length) return { verdict: 'contradicted', seen: `pageSize=${DEFAULT_PAGE_SIZE} answered 400 for ${refused.join(', ')}; ${FALLBACK_PAGE_SIZE} works` };
      const capped = read.filter((p) => p.capped !== undefined);
      return { verdict: 'confirmed', seen: capped.length ? `capped at ${capped.map((p) => `${p.capped} (${p.kind.kind})`).join(', ')}, which the client follows` : `pageSize=${DEFAULT_PAGE_SIZE} served` };
    }
    case 'bare-array': {
      const arrays = Object.keys(LIST_SHAPES).filter((k) => LIST_SHAPES[k] === 'array');
      const read = ev.probes.filter((p) => arrays.includes(p.kind.kind) && !p.failure && p.shape);
      if (read.length === 0) return { verdict: 'not checked', why: `no list assumed to be a bare array was read (${arrays.join(', ') || 'none'})` };
      const other = read.filter((p) => p.shape !== 'array');
      return other.length ? { verdict: 'contradicted', seen: other.map((p) => `${p.kind.kind} served ${SHAPES[p.shape!]}`).join('; ') } : { verdict: 'confirmed', seen: `${read.map((p) => p.kind.kind).join(', ')} served a bare array` };
    }
    case 'rate-limit-headers': {
      const seen = ev.answers.some(hasRateHeader);
      return seen ? { verdict: 'confirmed', seen: 'X-RateLimit-* headers seen' } : { verdict: 'not checked', why: 'no X-RateLimit-* header in any answer (they may appear only near the limit)' };
    }
    case 'path-probe': {
      const chose = ev.probes.filter((p) => p.resolved);
      if (chose.length === 0) return { verdict: 'not checked', why: 'no kind that probes its path was read (the declarations given do not use one)' };
      return { verdict: 'confirmed', seen: chose.map((p) => `${p.kind.kind} served at ${p.resolved}`).join('; ') };
    }
    case 'error-body': {
      const denied = ev.probes.flatMap((p) => (p.failure?.status === 403 ? [p] : []));
      if (denied.length === 0) return { verdict: 'not checked', why: 'no 403 answer was seen' };
      const named = denied.filter((p) => p.failure!.permission);
      return named.length ? { verdict: 'confirmed', seen: `403 naming ${named.map((p) => p.failure!.permission).join(', ')}` } : { verdict: 'contradicted', seen: `a 403 without a permission name: ${denied[0]!.failure!.message}` };
    }
  }
}
