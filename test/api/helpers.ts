// Shared helpers for the API client tests: JWTs, targets, a MockAgent and a recording sleep.
import { MockAgent } from 'undici';
import type { QcsError } from '../../src/errors.js';
import { makeCredentials, type ResolvedTarget } from '../../src/api/config.js';

/** The error a promise rejects with; fails the test when it resolves. */
export async function failure(p: Promise<unknown>): Promise<QcsError> {
  try {
    await p;
  } catch (e) {
    return e as QcsError;
  }
  throw new Error('expected a failure');
}

export const ORIGIN = 'https://gateway.test.example';

export function makeJwt(claims: Record<string, unknown> = {}): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'joe', ...claims })}.c2lnbmF0dXJl`;
}

export function target(creds: { username?: string; password?: string; token?: string }, gateway = ORIGIN, insecure = false): ResolvedTarget {
  const url = new URL(gateway);
  return { gateway, host: url.host, insecure, credentials: makeCredentials(creds) };
}

export function mockAgent(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  return agent;
}

/** A sleep that returns at once, records what it was asked, and moves a fake clock on by as much. */
export function recordingSleep(start = 1_900_000_000_000): { sleep: (ms: number) => Promise<void>; waits: number[]; now: () => number } {
  const waits: number[] = [];
  let clock = start;
  return {
    waits,
    now: () => clock,
    sleep: (ms: number) => {
      waits.push(ms);
      clock += ms;
      return Promise.resolve();
    },
  };
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
/** A transport failure with the given code, as undici would report it. */
export function netError(code: string): Error {
  return Object.assign(new Error(`simulated ${code}`), { code });
}

/** Routes every request of `agent` for ORIGIN to `handler` (throw a netError to fail the transport);
 * returns the log of requests seen. Object bodies are sent as JSON with a JSON content type. */
export function route(agent: MockAgent, handler: (req: SeenRequest, log: SeenRequest[]) => Answer, origin = ORIGIN): SeenRequest[] {
  const log: SeenRequest[] = [];
  agent
    .get(origin)
    .intercept({ path: () => true, method: /.*/ })
    .reply((opts) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries((opts.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = String(v);
      const req: SeenRequest = { method: opts.method, path: opts.path, headers, body: opts.body === undefined ? undefined : String(opts.body) };
      log.push(req);
      const a = handler(req, log);
      const isText = typeof a.body === 'string' || a.body === undefined;
      return {
        statusCode: a.status,
        data: a.body === undefined ? '' : isText ? (a.body as string) : JSON.stringify(a.body),
        responseOptions: { headers: { ...(isText ? {} : JSON_HEADERS), ...a.headers } },
      };
    })
    .persist();
  return log;
}
