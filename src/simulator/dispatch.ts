// One CS API request carried out: /auth (the token), then for /csapi/**: rate limits, injected faults, the token,
// permissions, the kind's route, and the faults that act on the answer (fields left out of lists, a lost create).
import type { IncomingMessage } from 'node:http';
import type { Account } from './account.js';
import { actionOf, type Auth } from './auth.js';
import { errorBody, SimError } from './errors.js';
import type { Faults } from './faults.js';
import type { Answer } from './http.js';
import type { KindRoutes, RouteResult } from './route-types.js';
import { ALL_ROUTES } from './routes/index.js';
import type { RecordedRequest } from './types.js';

export interface DispatchContext {
  account: Account;
  auth: Auth;
  faults: Faults;
  pageSizeCap: number;
  now: number;
  /** Persists the account after a change. */
  save(): void;
}

export interface Incoming {
  method: string;
  url: URL;
  text: string;
  req: IncomingMessage;
  /** The request log's entry, completed here (user, fault). */
  rec: RecordedRequest;
  isAuth: boolean;
  isCs: boolean;
}

export type Outcome = 'reset' | { answer: Answer; lost?: boolean };

interface Match {
  routes: KindRoutes;
  base: string[];
  rest: string[];
}

/** Carries out one non-admin request; 'reset' when the connection must be dropped unanswered. */
export function dispatch(c: DispatchContext, r: Incoming): Outcome {
  const { method, url, rec, isAuth, isCs } = r;
  const now = c.now;
  if (!isAuth && !isCs) return { answer: { status: 404, body: errorBody(404, `No such path: ${url.pathname}`, now) } };
  const segments = url.pathname.split('/').filter(Boolean);
  const match = isCs ? matchRoute(segments.slice(1)) : undefined;
  const endpoint = isAuth ? 'auth' : match ? match.base.join('/') : segments.slice(1, 3).join('/');

  const rl = c.faults.rateLimit(endpoint, now);
  if (rl.blocked) {
    rec.fault = 'rate-limited';
    return { answer: { status: 429, headers: rl.headers, body: errorBody(429, `Rate limit exceeded for ${endpoint}: retry after ${rl.blocked.retryAfterSec} s`, now) } };
  }
  const withRl = (a: Answer): Answer => ({ ...a, headers: { ...rl.headers, ...a.headers } });

  if (isAuth) return { answer: withRl(login(c, method, r.text)) };

  const pre = c.faults.before();
  if (pre?.kind === 'reset') return 'reset';
  if (pre?.kind === 'error') {
    rec.fault = 'error';
    const msg = pre.status === 503 ? 'Service temporarily unavailable (simulated)' : 'Internal server error (simulated)';
    return { answer: withRl({ status: pre.status, body: errorBody(pre.status, msg, now) }) };
  }

  const who = c.auth.check(r.req.headers.authorization, now);
  if ('error' in who) return { answer: withRl({ status: 401, body: errorBody(401, who.error, now) }) };
  rec.user = who.user.username;

  if (!match || (match.base[1] === 'secretrule' && c.faults.secretDetectorOnly)) {
    return { answer: withRl({ status: 404, body: errorBody(404, `No such path: ${url.pathname}`, now) }) };
  }
  const denied = c.auth.deny(who.user, match.routes.kind, match.routes.permission, actionOf(method));
  if (denied) return { answer: withRl({ status: 403, body: errorBody(403, denied, now) }) };
  if (method === 'GET' && match.rest.length === 0 && c.faults.listMissing(match.routes.kind)) {
    rec.fault = 'list-missing';
    return { answer: withRl({ status: 404, body: errorBody(404, `No such path: ${url.pathname}`, now) }) };
  }
  const maxSize = c.faults.refusePageSizeAbove;
  const asked = Number(url.searchParams.get('pageSize'));
  if (method === 'GET' && maxSize !== undefined && Number.isFinite(asked) && asked > maxSize) {
    return { answer: withRl({ status: 400, body: errorBody(400, `pageSize must be at most ${maxSize} (simulated)`, now) }) };
  }
  if (c.faults.exceptionPutByBody && method === 'PUT' && match.routes.kind === 'Exception') {
    if (match.rest.length > 0) return { answer: withRl({ status: 405, body: errorBody(405, 'PUT /v1.3/exception/{id} is not served: PUT /v1.3/exception with the exceptionId in the body (simulated)', now) }) };
  }
  return runRoute(c, r, match, who.user.username, withRl);
}

/** The kind's route, on the parsed body; then the faults that act on its answer. */
function runRoute(c: DispatchContext, r: Incoming, match: Match, user: string, withRl: (a: Answer) => Answer): Outcome {
  const { method, text, url } = r;
  const now = c.now;
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
    result = match.routes.handle({ method, rest: match.rest, query: url.searchParams, body, user, now, account: c.account, pageSizeCap: c.pageSizeCap }, match.base);
  } catch (e) {
    if (e instanceof SimError) return { answer: withRl({ status: e.status, body: errorBody(e.status, e.message, now) }) };
    throw e;
  }
  if (result.mutated) c.save();
  const isList = method === 'GET' && match.rest.length === 0;
  const listed = isList ? reshapeList(omitListFields(result.body, c.faults.listOmits(match.routes.kind, match.routes.detailOnly)), c.faults.listShape(match.routes.kind)) : result.body;
  const answer = withRl({ status: result.status, body: listed });
  if (result.created && c.faults.loseCreate()) return { answer, lost: true };
  return { answer };
}

function login(c: DispatchContext, method: string, text: string): Answer {
  const now = c.now;
  if (method !== 'POST') return { status: 405, body: errorBody(405, 'Use POST /auth with form fields username, password and token=true', now) };
  const form = new URLSearchParams(text);
  const username = form.get('username');
  const password = form.get('password');
  if (!username || !password) return { status: 400, body: errorBody(400, 'Form fields username and password are required', now) };
  const token = c.auth.login(username, password, now);
  if (!token) return { status: 401, body: errorBody(401, 'Invalid username or password', now) };
  return { status: 201, text: token };
}

/** A list answer (`{data}`, `{content}` or a bare array) whose items lack `fields` (copies: the stored objects are untouched). */
function omitListFields(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || body === null || typeof body !== 'object') return body;
  const omit = new Set(fields);
  // a copy without the fields (not a spread then `delete`, which leaves slow dictionary-mode objects to serialize)
  const strip = (items: unknown[]) =>
    items.map((it) => {
      if (!it || typeof it !== 'object') return it;
      const from = it as Record<string, unknown>;
      const copy: Record<string, unknown> = {};
      for (const k in from) if (!omit.has(k)) copy[k] = from[k];
      return copy;
    });
  if (Array.isArray(body)) return strip(body);
  const o = body as Record<string, unknown>;
  for (const key of ['data', 'content']) if (Array.isArray(o[key])) return { ...o, [key]: strip(o[key] as unknown[]) };
  return body;
}

/** A list answer in the shape a fault forces: `{data, count}`, a bare array, or `{content}` without a total. */
function reshapeList(body: unknown, shape: 'data' | 'array' | 'content' | undefined): unknown {
  if (!shape || body === null || typeof body !== 'object') return body;
  const o = body as Record<string, unknown>;
  const items = Array.isArray(body) ? body : Array.isArray(o.data) ? o.data : Array.isArray(o.content) ? o.content : undefined;
  if (!items) return body;
  if (shape === 'array') return items;
  if (shape === 'content') return { content: items };
  return { data: items, count: typeof o.count === 'number' || typeof o.count === 'string' ? o.count : items.length };
}

function matchRoute(segs: string[]): Match | undefined {
  for (const routes of ALL_ROUTES) {
    for (const base of routes.bases) {
      if (base.every((b, i) => segs[i] === b)) return { routes, base, rest: segs.slice(base.length).map(decodeURIComponent) };
    }
  }
  return undefined;
}
