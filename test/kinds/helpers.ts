// Test helpers of the kind modules: the stored API samples and a fake in-memory ApiClient recording calls.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jsonpatch from 'fast-json-patch';
import type { ApiClient, ListOptions, RequestOptions } from '../../src/api/types.js';
import { ApiError } from '../../src/errors.js';
import { desiredState, managedView, writtenOf } from '../../src/engine/desired.js';
import type { Kind } from '../../src/kinds/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/api-samples/', import.meta.url));

/** A sample copied from the API release notes (test/fixtures/api-samples/<kind>/<file>), parsed fresh each call. */
export function sample<T = any>(file: string): T {
  return JSON.parse(readFileSync(FIXTURES + file, 'utf8')) as T;
}

export interface Call {
  method: string;
  path: string;
  query?: RequestOptions['query'];
  body?: unknown;
}

type Handler = (call: Call) => unknown;

/** A fake ApiClient: `routes` maps "METHOD /path" (exact) to a response or a handler; list paths map to items.
 * Unknown routes answer 404. Every call is recorded in `calls` (list calls as `LIST /path`). */
export class FakeApi implements ApiClient {
  readonly gateway = 'https://gateway.test';
  readonly stats = { calls: 0, retries: 0 };
  readonly calls: Call[] = [];
  constructor(
    public routes: Record<string, unknown> = {},
    public lists: Record<string, unknown[]> = {},
    public servedPaths?: string[],
  ) {}

  async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: RequestOptions): Promise<T> {
    const call: Call = { method, path, ...(options?.query ? { query: options.query } : {}), ...(options?.body !== undefined ? { body: structuredClone(options.body) } : {}) };
    this.calls.push(call);
    this.stats.calls++;
    const key = `${method} ${path}`;
    if (!(key in this.routes)) throw new ApiError({ status: 404, method, path, serverMessage: 'not found' });
    const r = this.routes[key];
    if (typeof r === 'function') return (r as Handler)(call) as T;
    if (r instanceof Error) throw r;
    return structuredClone(r) as T;
  }

  async list<T>(path: string, _options?: ListOptions): Promise<T[]> {
    this.calls.push({ method: 'LIST', path });
    this.stats.calls++;
    if (!(path in this.lists)) throw new ApiError({ status: 404, method: 'GET', path, serverMessage: 'not found' });
    return structuredClone(this.lists[path]) as T[];
  }

  async resolvePath(candidates: string[]): Promise<string> {
    if (!this.servedPaths) return candidates[0]!;
    const hit = candidates.find((c) => this.servedPaths!.includes(c));
    if (!hit) throw new ApiError({ status: 404, method: 'GET', path: candidates[0]!, serverMessage: 'not found' });
    return hit;
  }

  async close(): Promise<void> {}

  /** Calls other than GET/LIST (the writes). */
  writes(): Call[] {
    return this.calls.filter((c) => c.method !== 'GET' && c.method !== 'LIST');
  }
}

/** The JSON patch from live to desired. */
export function patch(live: Record<string, unknown>, desired: Record<string, unknown>): jsonpatch.Operation[] {
  return jsonpatch.compare(live, desired);
}

/** What the engine compares for a declaration: the live side restricted to the keys the spec manages. */
export function liveSide(kind: Kind, live: unknown, spec: Record<string, unknown>): Record<string, unknown> {
  return managedView(kind, spec, live).before;
}

/** The declared side of the same comparison. */
export function specSide(kind: Kind, live: unknown, spec: Record<string, unknown>): Record<string, unknown> {
  return managedView(kind, spec, live).after;
}

/** The keys a declaration manages (what the engine compares). */
export function managed(kind: Kind, live: unknown, spec: Record<string, unknown>): string[] {
  return [...managedView(kind, spec, live).managed].sort();
}

/** The canonical object a write sends: a create's (no live) or an update's over `live`. */
export function desired(kind: Kind, spec: Record<string, unknown>, live?: unknown): Record<string, unknown> {
  return desiredState(kind, spec, live);
}

/** What the engine passes a write as the declaration wrote it (its spec and managed keys). */
export function written(kind: Kind, spec: Record<string, unknown>, live?: unknown): { spec: Record<string, unknown>; managed: Set<string> } {
  return writtenOf(kind, spec, live);
}
