// Shared helpers for the simulator contract tests: real HTTP on 127.0.0.1 with global fetch.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/index.js';

export const DEMO = { username: 'qcs-demo', password: 'qcs-demo-password' };
export const VIEWER = { username: 'qcs-viewer', password: 'qcs-viewer-password' };

const SAMPLES = fileURLToPath(new URL('../fixtures/api-samples/', import.meta.url));

/** A sample copied from the release notes (test/fixtures/api-samples/<kind>/<file>). */
export function sample<T = any>(rel: string): T {
  return JSON.parse(readFileSync(SAMPLES + rel, 'utf8')) as T;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function call(url: string, method: string, path: string, init: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers['authorization'] = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(url + path, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function login(url: string, user = DEMO): Promise<string> {
  const res = await fetch(`${url}/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user.username, password: user.password, token: 'true' }).toString(),
  });
  if (res.status !== 201) throw new Error(`login answered ${res.status}`);
  return res.text();
}

/** A started simulator with a logged-in API helper for the demo user. */
export interface Api {
  sim: SimulatorHandle;
  token: string;
  get(path: string): Promise<Reply>;
  post(path: string, body: unknown): Promise<Reply>;
  put(path: string, body: unknown): Promise<Reply>;
  del(path: string): Promise<Reply>;
  close(): Promise<void>;
}

export async function startApi(opts: SimulatorOptions = {}, user = DEMO): Promise<Api> {
  const sim = await startSimulator(opts);
  const token = await login(sim.url, user);
  const cs = (p: string) => `/csapi${p}`;
  return {
    sim,
    token,
    get: (p) => call(sim.url, 'GET', cs(p), { token }),
    post: (p, body) => call(sim.url, 'POST', cs(p), { token, body }),
    put: (p, body) => call(sim.url, 'PUT', cs(p), { token, body }),
    del: (p) => call(sim.url, 'DELETE', cs(p), { token }),
    close: () => sim.close(),
  };
}

/**
 * Where `actual` lacks something the sample shows: every key of every sample object must exist in the
 * actual object, with the same JSON type unless the sample value is null; array items are checked
 * against each actual item. Returns the problems (empty when the actual answer covers the sample).
 */
export function missingFields(sampleValue: unknown, actual: unknown, path = '$'): string[] {
  if (sampleValue === null) return [];
  const t = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (t(actual) !== t(sampleValue)) return [`${path}: expected ${t(sampleValue)}, got ${t(actual)}`];
  if (Array.isArray(sampleValue)) {
    const arr = actual as unknown[];
    if (sampleValue.length > 0 && arr.length === 0) return [`${path}: expected items, got an empty array`];
    const shape = mergeItems(sampleValue);
    if (shape === null || typeof shape !== 'object') return [];
    const out: string[] = [];
    arr.forEach((a, i) => out.push(...missingFields(shape, a, `${path}[${i}]`)));
    return out;
  }
  if (typeof sampleValue === 'object') {
    const out: string[] = [];
    for (const [k, v] of Object.entries(sampleValue as Record<string, unknown>)) {
      const a = actual as Record<string, unknown>;
      if (!(k in a)) out.push(`${path}.${k}: missing`);
      else out.push(...missingFields(v, a[k], `${path}.${k}`));
    }
    return out;
  }
  return [];
}

/** One shape for the items of a sample array: a key whose items disagree in JSON type (e.g. null and "") becomes null (any type). */
function mergeItems(items: unknown[]): unknown {
  const objs = items.filter((x) => x !== null && typeof x === 'object' && !Array.isArray(x)) as Record<string, unknown>[];
  if (objs.length === 0) return items[0] ?? null;
  const t = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const out: Record<string, unknown> = {};
  for (const o of objs) {
    for (const [k, v] of Object.entries(o)) {
      if (!(k in out)) out[k] = v;
      else if (out[k] !== null && t(out[k]) !== t(v)) out[k] = null;
    }
  }
  return out;
}
