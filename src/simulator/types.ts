// Public types of the embedded Qualys CS API simulator.
import type { KindName } from '../types.js';

export type Json = Record<string, unknown>;

/** A user of the simulated account. */
export interface SimUser {
  username: string;
  password: string;
  /** Only GET calls are allowed; any POST/PUT/DELETE answers the documented 403. */
  readOnly?: boolean;
  /** Kinds this user has no permission on at all (every call on them answers 403). */
  denyKinds?: KindName[];
}

export interface RateLimitConfig {
  /** Calls allowed per window, counted separately for each endpoint (see docs/simulator.md). */
  limit: number;
  windowSec: number;
}

export interface FaultConfig {
  /** Added latency on every request (ms). */
  latencyMs: number;
  /** Every Nth CS request gets `latencySpikeMs` more latency. */
  latencySpikeEvery?: number;
  latencySpikeMs?: number;
  /** Per-endpoint rate limit answering 429 with X-RateLimit-* and Retry-After headers. */
  rateLimit?: RateLimitConfig | null;
  /** Share (0..1) of CS requests answered 500 or 503 (seeded PRNG). */
  errorRate?: number;
  /** Share (0..1) of CS requests whose connection is dropped without an answer (seeded PRNG). */
  resetRate?: number;
  /** Share (0..1) of creates (POST) carried out whose answer is then lost (connection destroyed; seeded PRNG). */
  loseCreateAnswers?: number;
  /** The next N creates are carried out and their answer lost (deterministic). */
  loseCreateAnswersCount?: number;
  /** The next N CS requests answer `failStatus` (default 503) without being carried out (deterministic). */
  failNextRequests?: number;
  failStatus?: number;
  /** Every Nth CS request answers 500 (deterministic; counted over CS requests). */
  failEvery?: number;
  /** The next N CS requests have their connection dropped without being carried out (deterministic). */
  resetNextRequests?: number;
  /** Serve secret rules only under /v1.3/secretDetector (404 under /v1.3/secretrule). */
  secretDetectorOnly?: boolean;
  /**
   * Fields left out of a kind's list items (not of its details GET), by kind: `{ Exception: ['qids'] }` lists
   * exceptions as the documented GET without includeQids=true answers them. Models a gateway whose list lacks a field.
   */
  listOmits?: Partial<Record<KindName, string[]>>;
  /** A kind's list answered in another shape than its route's (`{data, count}`, a bare array, or `{content}`
   * without a total): models a gateway that contradicts a list-shape assumption (for `doctor`). */
  listShapes?: Partial<Record<KindName, 'data' | 'array' | 'content'>>;
  /** Kinds whose list endpoint answers 404 (its details, writes and other paths still work). */
  listMissing?: KindName[];
  /**
   * Serve every kind's list items as summaries: without the fields the notes show only in details (each route's
   * `detailOnly`: an exception's entityAssignmentType, dynamicFilter, listId and qids; a report schedule's e-mail
   * settings). Models a gateway whose lists are summaries (GUIDE: "A list item is a summary").
   */
  listSummary?: boolean;
  /** Every list asked for more than N items a page answers 400 (a gateway refusing our page size; the client then
   * asks 50, the notes' default, for the rest of the run). */
  refusePageSizeAbove?: number;
  /** `PUT /v1.3/exception/{id}` answers 405, and `PUT /v1.3/exception` with the `exceptionId` in the body updates
   * (the notes name only /csapi/v1.3/exception for POST and PUT: a gateway serving that form). */
  exceptionPutByBody?: boolean;
  /** PRNG seed for the random shares; setting it restarts the sequence. */
  seed?: number;
}

/** A seed file: the keys are the route modules' `seedKeys` (those below, and whatever a kind's route adds). */
export interface SeedAccount {
  [key: string]: unknown;
  centralizedPolicies?: Json[];
  runtimePolicies?: Json[];
  exceptions?: Json[];
  sensorProfiles?: Json[];
  /** Overrides of built-in rules, matched by `ruleUuid` or `secretDetector`: status, severity (updated, updatedBy). */
  secretRules?: Json[];
  /** Ids of runtime policies associated with an instrumented image or container (cannot be deleted). */
  runtimePoliciesInUse?: string[];
  /** Registries known to the account (for `/sensorProfile/{id}/registry`); optional. */
  registries?: Json[];
  /** Sensors known to the account (for `/sensorProfile/{id}/sensor` and `/associate`); optional. */
  sensors?: Json[];
  /**
   * QID lists by listId: a created exception with a `listId` and no `qids` gets the list's qids. Added to the
   * built-in table, which maps the documented listId 9b157637-8132-4899-bfae-effd1ea39a75 to [90984].
   */
  qidLists?: Record<string, number[]>;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/csapi/v1.3/exception`. */
  path: string;
  query: Record<string, string>;
  /** Status answered; 0 when the connection was dropped before any answer. */
  status: number;
  /** Parsed JSON body (or form fields without the password); undefined when empty. */
  body: unknown;
  /** Epoch ms at arrival. */
  time: number;
  /** Set when a fault decided the outcome. */
  fault?: 'latency-spike' | 'rate-limited' | 'error' | 'reset' | 'lost-answer' | 'list-missing';
  /** Username of the caller, when the token was valid. */
  user?: string;
}

export interface SimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Initial account: an object, or the path of a JSON seed file. */
  seed?: SeedAccount | string;
  /** Persist the account here (loaded when it exists, saved atomically after every change). */
  statePath?: string;
  /** Shorthand for faults.latencyMs. */
  latencyMs?: number;
  faults?: Partial<FaultConfig>;
  /** Token lifetime (default 4 h). */
  tokenTtlMs?: number;
  /** Extra users (added to the default ones; a same username replaces a default). */
  users?: SimUser[];
  /** Largest page size served; larger requests are capped silently (default 250). */
  pageSizeCap?: number;
  /** Requests served at once; the rest queue (default: unlimited). */
  concurrency?: number;
  log?: (line: string) => void;
  /** Clock (epoch ms) for timestamps, token expiry and rate-limit windows; default Date.now. */
  clock?: () => number;
}

export interface SimulatorHandle {
  url: string;
  port: number;
  close(): Promise<void>;
  requests(): RecordedRequest[];
  clearRequests(): void;
  setFaults(f: Partial<FaultConfig>): void;
  reset(seed?: SeedAccount | string): void;
  dump(): SeedAccount;
  expireTokens(): void;
  /** The stored object of a kind (by its seed key, e.g. `exceptions`) as the simulator holds it; undefined when absent. */
  raw(collection: string, id: string): Json | undefined;
  /** Marks a runtime policy as in use (or not): DELETE is then refused. */
  setRuntimePolicyInUse(id: string, inUse: boolean): void;
  credentials: { username: string; password: string };
}
