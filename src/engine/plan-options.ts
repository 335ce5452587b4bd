// What a plan is asked for (kept apart from plan.ts so the per-kind planning, plan-kind.ts, needs no import of it).
import type { KindName } from '../types.js';

export interface PlanOptions {
  /** Plan deletion of undeclared live objects of the declared kinds. */
  prune?: boolean;
  /** Most deletes a plan may hold without allowMassDelete (default 10). */
  maxDeletes?: number;
  allowMassDelete?: boolean;
  /** Limit the plan to these objects (`Kind/name`). */
  targets?: string[];
  /** Told as each kind's live state arrives (the CLI renders it as a progress line; the engine never prints). */
  onProgress?: (event: ReadProgress) => void;
  /** Project-wide ignored spec paths by kind (qcs-gitops.yaml `ignore`), added to each declaration's metadata.ignore. */
  ignore?: Partial<Record<string, readonly string[]>>;
  /** With prune: delete only undeclared objects whose name matches one of these globs (--prune-match, prune.match). */
  pruneMatch?: readonly string[];
  /** With prune: delete only undeclared objects of these kinds (--prune-kind). */
  pruneKinds?: readonly string[];
  /** --base: objects declared at the base commit and declared nowhere now: each still live is a planned delete
   * (reason 'removed'), within --target and never of a protected object or a kind that cannot delete. */
  removed?: { since: string; objects: ReadonlyArray<{ kind: string; name: string }> };
  /** --base: declarations that kept their place and changed only their name: the live object of `from` is renamed to `to`. */
  renames?: ReadonlyArray<{ kind: string; from: string; to: string }>;
  /** Objects (`Kind/name`) whose write-only fields (Kind.writeOnlyFields: credentials, an ARN) are sent again even when
   * nothing compared differs (apply --resend). */
  resend?: readonly string[];
}

/** One kind's live state has been read. */
export interface ReadProgress {
  kind: KindName;
  /** Live objects of that kind. */
  objects: number;
  kindsDone: number;
  kindsTotal: number;
}
