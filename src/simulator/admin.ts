// The simulator's control endpoints, /__sim/*: health, state, reset, the request log, faults, token expiry, stored
// objects as they are (raw/) and the runtime-policy in-use flag. Not part of the CS API.
import type { Account } from './account.js';
import type { Auth } from './auth.js';
import { errorBody, SimError } from './errors.js';
import type { Faults } from './faults.js';
import type { Answer } from './http.js';
import { dumpAccount, SeedError, STORED_COLLECTIONS, storedMap } from './seed.js';
import type { FaultConfig, RecordedRequest, SeedAccount } from './types.js';

export const ADMIN = '/__sim/';

/** What the control endpoints read and change. */
export interface AdminControl {
  account: Account;
  recorded: RecordedRequest[];
  faults: Faults;
  auth: Auth;
  now: number;
  reset(seed?: SeedAccount): void;
  setInUse(id: string, inUse: boolean): void;
}

/** Answers `method /__sim/<path>`. */
export function adminAnswer(c: AdminControl, method: string, path: string, text: string): Answer {
  const bad = (status: number, message: string): Answer => ({ status, body: errorBody(status, message, c.now) });
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
    return fixedRoute(c, route, body, bad) ?? pathRoute(c, route, bad) ?? bad(404, `No such admin call: ${method} ${ADMIN}${path}`);
  } catch (e) {
    if (e instanceof SimError) return bad(e.status, e.message);
    if (e instanceof SeedError || e instanceof RangeError) return bad(400, e.message);
    throw e;
  }
}

type Bad = (status: number, message: string) => Answer;

function fixedRoute(c: AdminControl, route: string, body: unknown, bad: Bad): Answer | undefined {
  switch (route) {
    case 'GET health':
      return { status: 200, body: { ok: true } };
    case 'GET state':
      return { status: 200, body: dumpAccount(c.account) };
    case 'POST reset':
      c.reset(body as SeedAccount | undefined);
      return { status: 200, body: { ok: true } };
    case 'GET requests':
      return { status: 200, body: c.recorded };
    case 'DELETE requests':
      c.recorded.length = 0;
      return { status: 200, body: { ok: true } };
    case 'GET faults':
      return { status: 200, body: c.faults.config };
    case 'PUT faults':
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return bad(400, 'PUT /__sim/faults takes a JSON object of fault settings');
      c.faults.set(body as Partial<FaultConfig>);
      return { status: 200, body: c.faults.config };
    case 'POST expire-tokens':
      c.auth.expireAll();
      return { status: 200, body: { ok: true } };
  }
  return undefined;
}

function pathRoute(c: AdminControl, route: string, bad: Bad): Answer | undefined {
  // GET /__sim/raw/<seed key> (all stored objects by id) and /__sim/raw/<seed key>/<id>: objects as stored, unformatted.
  const raw = /^GET raw\/([^/]+)(?:\/([^/]+))?$/.exec(route);
  if (raw) {
    const map = storedMap(c.account, raw[1]!);
    if (!map) return bad(404, `No such collection: ${raw[1]}; use ${STORED_COLLECTIONS.join(', ')}`);
    if (raw[2] === undefined) return { status: 200, body: Object.fromEntries([...map].map(([k, v]) => [k, structuredClone(v)])) };
    const o = map.get(decodeURIComponent(raw[2]));
    return o === undefined ? bad(404, `No ${raw[1]} object has id ${decodeURIComponent(raw[2])}`) : { status: 200, body: structuredClone(o) };
  }
  const inUse = /^(PUT|DELETE) in-use\/([^/]+)$/.exec(route);
  if (inUse) {
    c.setInUse(decodeURIComponent(inUse[2]!), inUse[1] === 'PUT');
    return { status: 200, body: { ok: true } };
  }
  return undefined;
}
