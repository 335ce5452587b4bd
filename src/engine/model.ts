// The plan model: pure data, kept apart from any rendering (renderers live in src/render/).
import type { Operation } from 'fast-json-patch';
import type { SourcePos } from '../errors.js';
import type { KindName } from '../types.js';
import type { Finding } from '../governance/findings.js';

export type Action = 'create' | 'update' | 'delete';

export interface PlannedChange {
  kind: KindName;
  name: string;
  action: Action;
  /** Server id (update, delete); absent for a create. */
  id?: string;
  /** JSON patch (RFC 6902) turning `before` into `after` (canonical forms). */
  patch: Operation[];
  /** Canonical live state (update, delete). */
  before?: Record<string, unknown>;
  /** Canonical desired state (create, update). */
  after?: Record<string, unknown>;
  /** The declared spec to send (create, update). */
  spec?: Record<string, unknown>;
  /** Fingerprint of the canonical live object the change was computed against; null for a create. */
  fingerprint?: string | null;
  /** Where the declaration stands. */
  source?: SourcePos;
  /** Ignored spec paths (metadata.ignore and the project's, as written): every write carries the live value at them. */
  ignore?: string[];
  /** Why a delete is planned: 'removed' when its declaration was removed since the base commit (--base). */
  reason?: 'removed';
  /** With reason 'removed': the base commit (short sha). */
  since?: string;
  /** A rename (--base): the object's name before; `name` is the new one. */
  renamedFrom?: string;
}

/** A difference the API offers no write for (Kind.can.update false, e.g. an AWS connector): shown and counted apart,
 * never applied; the user makes it by hand in Qualys. */
export interface ManualChange {
  kind: KindName;
  name: string;
  id?: string;
  /** JSON patch from the live to the declared canonical form (the fields that differ). */
  patch: Operation[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  source?: SourcePos;
}

/** One object whose ignored paths differ between the live object and its declaration (changed or not). */
export interface IgnoredDifference {
  kind: KindName;
  name: string;
  /** The ignored paths that differ, as written. */
  paths: string[];
}

/** What --prune was limited to, and what it left alone. */
export interface PruneScope {
  /** Name globs (--prune-match, prune.match): only undeclared objects whose name matches one are deleted. */
  match: string[];
  /** Kinds (--prune-kind): only undeclared objects of these kinds are deleted. */
  kinds: string[];
  /** Undeclared objects outside the scope, left alone. */
  leftAlone: number;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  unchanged: number;
  unmanaged: number;
  /** Differences to make by hand (Plan.manual); absent when none. */
  manual?: number;
}

export interface Plan {
  formatVersion: 1;
  changes: PlannedChange[];
  summary: PlanSummary;
  /** Things the reviewer should know that are not changes (protected objects declared, unmanaged objects kept). */
  notes: string[];
  /** sha256 of the changes (src/engine/digest.ts); set in json output and saved plans. */
  digest?: string;
  /** The project environment the plan was made for (--env); absent without one. */
  environment?: string;
  /** Governance findings about the declarations (computed offline; shown with the plan, never applied). */
  findings?: Finding[];
  /** Objects whose ignored paths differ (each also has a note); absent when none does. */
  ignoredDifferences?: IgnoredDifference[];
  /** Differences the API cannot write, to make by hand in Qualys (never applied); absent when none. */
  manual?: ManualChange[];
  /** With --prune limited by --prune-match / --prune-kind / prune.match: the scope used; absent otherwise. */
  pruneScope?: PruneScope;
  /** The live objects no declaration names, by kind (names sorted), left alone; protected objects and the built-in
   * objects of kinds that can neither be created nor deleted are not among them. Absent when none. */
  undeclared?: Record<string, string[]>;
  /** Undeclared built-in objects (kinds that can neither be created nor deleted, e.g. secret rules) by kind: counted
   * apart, never deleted. Absent when none. */
  builtIn?: Record<string, number>;
  /** --base: the commit the removals and renames are computed from. */
  base?: { ref: string; commit: string };
  /** Only in saved plans: */
  gateway?: string;
  declarationsHash?: string;
  paths?: string[];
  createdAt?: string;
  prune?: boolean;
  /** What making the plan cost (set by the CLI from the client's counters; not part of a saved plan). */
  stats?: PlanStats;
}

export interface PlanStats {
  apiCalls: {
    /** HTTP exchanges, retries and /auth included. */
    total: number;
    retries: number;
    /** By `METHOD /path/template` (ids as `{id}`). */
    byEndpoint: Record<string, number>;
    /** By kind (`auth` for token requests). */
    byKind: Record<string, number>;
  };
}

export type ResultStatus = 'created' | 'updated' | 'deleted' | 'adopted' | 'failed' | 'skipped';

export interface ChangeResult {
  kind: KindName;
  name: string;
  action: Action;
  status: ResultStatus;
  id?: string;
  error?: { code: string; message: string };
  /** Why a change was skipped (a dependency failed, the run was stopped). */
  reason?: string;
  durationMs?: number;
}

export interface ApplyResult {
  results: ChangeResult[];
  /** Objects whose re-read still differs from the declaration. */
  notConverged: Array<{ kind: KindName; name: string; patch: Operation[] }>;
  verified: boolean;
  summary: { created: number; updated: number; deleted: number; failed: number; skipped: number };
  /** The apply was interrupted (SIGINT/SIGTERM, a cancelled job): nothing new was started after the signal; the
   * changes not started are `skipped` results. */
  interrupted?: {
    signal: string;
    /** Changes whose call was in flight when the run ended at once (a second signal): outcome unknown. */
    inFlight: Array<{ kind: KindName; name: string; action: Action }>;
    /** The command that shows what remains. */
    next?: string;
  };
}
