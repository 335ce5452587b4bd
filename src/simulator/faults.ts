// Fault injection: latency, per-endpoint rate limits, 500/503 answers, dropped connections and lost create answers.
// Deterministic knobs (counts, every-Nth) come first; random shares draw from a seeded PRNG.
import { mulberry32 } from './prng.js';
import type { FaultConfig } from './types.js';

export const DEFAULT_FAULTS: FaultConfig = { latencyMs: 0 };
const DEFAULT_RNG_SEED = 0x5eed;


export class Faults {
  private cfg: FaultConfig = { ...DEFAULT_FAULTS };
  private rng = mulberry32(DEFAULT_RNG_SEED);
  private csCount = 0;
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(initial?: Partial<FaultConfig>) {
    if (initial) this.set(initial);
  }

  get config(): FaultConfig {
    return structuredClone(this.cfg);
  }

  /** Merges a partial configuration. `null` (or undefined) for an optional key clears it. */
  set(partial: Partial<FaultConfig>): void {
    const next: FaultConfig = { ...this.cfg };
    for (const [k, v] of Object.entries(partial)) {
      if (v === null || v === undefined) delete (next as unknown as Record<string, unknown>)[k];
      else (next as unknown as Record<string, unknown>)[k] = v;
    }
    if (typeof next.latencyMs !== 'number') next.latencyMs = 0;
    validate(next);
    this.cfg = next;
    if ('seed' in partial) this.rng = mulberry32(partial.seed ?? DEFAULT_RNG_SEED);
    if ('rateLimit' in partial) this.windows.clear();
    if ('failEvery' in partial || 'latencySpikeEvery' in partial) this.csCount = 0;
  }

  /** Latency to add to a request; `cs` requests count toward the spike period. */
  latency(cs: boolean): { ms: number; spike: boolean } {
    let ms = this.cfg.latencyMs;
    let spike = false;
    if (cs) {
      this.csCount++;
      const every = this.cfg.latencySpikeEvery;
      if (every && every > 0 && this.csCount % every === 0) {
        ms += this.cfg.latencySpikeMs ?? 0;
        spike = true;
      }
    }
    return { ms, spike };
  }

  /** Rate limit of one endpoint: headers for every answer, or a 429. */
  rateLimit(endpoint: string, now: number): { headers: Record<string, string>; blocked?: { retryAfterSec: number } } {
    const rl = this.cfg.rateLimit;
    if (!rl) return { headers: {} };
    let w = this.windows.get(endpoint);
    if (!w || now - w.start >= rl.windowSec * 1000) {
      w = { start: now, count: 0 };
      this.windows.set(endpoint, w);
    }
    const base = { 'X-RateLimit-Limit': String(rl.limit), 'X-RateLimit-Window-Sec': String(rl.windowSec) };
    if (w.count >= rl.limit) {
      const wait = Math.max(1, Math.ceil((w.start + rl.windowSec * 1000 - now) / 1000));
      return {
        headers: { ...base, 'X-RateLimit-Remaining': '0', 'X-RateLimit-ToWait-Sec': String(wait), 'Retry-After': String(wait) },
        blocked: { retryAfterSec: wait },
      };
    }
    w.count++;
    return { headers: { ...base, 'X-RateLimit-Remaining': String(rl.limit - w.count) } };
  }

  /** Faults decided before a CS request is carried out (call after `latency(true)`, which counts the request). */
  before(): { kind: 'error'; status: number } | { kind: 'reset' } | undefined {
    const c = this.cfg;
    if (c.resetNextRequests && c.resetNextRequests > 0) {
      c.resetNextRequests--;
      return { kind: 'reset' };
    }
    if (c.failNextRequests && c.failNextRequests > 0) {
      c.failNextRequests--;
      return { kind: 'error', status: c.failStatus ?? 503 };
    }
    if (c.failEvery && c.failEvery > 0 && this.csCount % c.failEvery === 0) return { kind: 'error', status: 500 };
    if (c.resetRate && this.rng() < c.resetRate) return { kind: 'reset' };
    if (c.errorRate && this.rng() < c.errorRate) return { kind: 'error', status: this.rng() < 0.5 ? 500 : 503 };
    return undefined;
  }

  /** Whether the answer of a create that was carried out is lost. */
  loseCreate(): boolean {
    const c = this.cfg;
    if (c.loseCreateAnswersCount && c.loseCreateAnswersCount > 0) {
      c.loseCreateAnswersCount--;
      return true;
    }
    return !!c.loseCreateAnswers && this.rng() < c.loseCreateAnswers;
  }

  get refusePageSizeAbove(): number | undefined {
    return this.cfg.refusePageSizeAbove;
  }

  get exceptionPutByBody(): boolean {
    return this.cfg.exceptionPutByBody === true;
  }

  get secretDetectorOnly(): boolean {
    return this.cfg.secretDetectorOnly === true;
  }

  /** The shape a kind's list is forced into (`listShapes`), if any. */
  listShape(kind: string): 'data' | 'array' | 'content' | undefined {
    return (this.cfg.listShapes as Record<string, 'data' | 'array' | 'content'> | undefined)?.[kind];
  }

  /** Whether a kind's list endpoint answers 404 (`listMissing`). */
  listMissing(kind: string): boolean {
    return (this.cfg.listMissing as string[] | undefined)?.includes(kind) ?? false;
  }

  /** The fields a kind's list items leave out (`listOmits`, and the route's `detailOnly` under `listSummary`);
   * empty when none. */
  listOmits(kind: string, detailOnly: readonly string[] = []): readonly string[] {
    const own = (this.cfg.listOmits as Record<string, string[]> | undefined)?.[kind] ?? [];
    return this.cfg.listSummary === true && detailOnly.length > 0 ? [...own, ...detailOnly] : own;
  }
}

function validate(c: FaultConfig): void {
  const share = (k: keyof FaultConfig) => {
    const v = c[k];
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) throw new RangeError(`${k} must be a number between 0 and 1`);
  };
  const count = (k: keyof FaultConfig) => {
    const v = c[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw new RangeError(`${k} must be a non-negative integer`);
  };
  share('errorRate');
  share('resetRate');
  share('loseCreateAnswers');
  for (const k of ['latencyMs', 'latencySpikeEvery', 'latencySpikeMs', 'loseCreateAnswersCount', 'failNextRequests', 'failEvery', 'resetNextRequests', 'seed'] as const) count(k);
  if (c.failStatus !== undefined && (!Number.isInteger(c.failStatus) || c.failStatus < 400 || c.failStatus > 599)) throw new RangeError('failStatus must be an HTTP error status (400–599)');
  if (c.rateLimit !== undefined) {
    const rl = c.rateLimit;
    if (!rl || typeof rl !== 'object' || !Number.isInteger(rl.limit) || rl.limit < 1 || typeof rl.windowSec !== 'number' || rl.windowSec <= 0) {
      throw new RangeError('rateLimit must be { limit: integer ≥ 1, windowSec: number > 0 }');
    }
  }
  if (c.secretDetectorOnly !== undefined && typeof c.secretDetectorOnly !== 'boolean') throw new RangeError('secretDetectorOnly must be a boolean');
  if (c.listSummary !== undefined && typeof c.listSummary !== 'boolean') throw new RangeError('listSummary must be a boolean');
  if (c.exceptionPutByBody !== undefined && typeof c.exceptionPutByBody !== 'boolean') throw new RangeError('exceptionPutByBody must be a boolean');
  if (c.refusePageSizeAbove !== undefined && (!Number.isInteger(c.refusePageSizeAbove) || c.refusePageSizeAbove < 1)) throw new RangeError('refusePageSizeAbove must be an integer ≥ 1');
  if (c.listOmits !== undefined) {
    const lo = c.listOmits as unknown;
    const ok = !!lo && typeof lo === 'object' && !Array.isArray(lo)
      && Object.values(lo).every((v) => Array.isArray(v) && v.every((f) => typeof f === 'string' && f !== ''));
    if (!ok) throw new RangeError('listOmits must be { <Kind>: [field, ...] }, e.g. { "Exception": ["qids"] }');
  }
  if (c.listShapes !== undefined) {
    const ls = c.listShapes as unknown;
    const ok = !!ls && typeof ls === 'object' && !Array.isArray(ls) && Object.values(ls).every((v) => v === 'data' || v === 'array' || v === 'content');
    if (!ok) throw new RangeError('listShapes must be { <Kind>: "data" | "array" | "content" }, e.g. { "Exception": "array" }');
  }
  if (c.listMissing !== undefined && !(Array.isArray(c.listMissing) && c.listMissing.every((k) => typeof k === 'string' && k !== ''))) {
    throw new RangeError('listMissing must be a list of kind names, e.g. ["Exception"]');
  }
}
