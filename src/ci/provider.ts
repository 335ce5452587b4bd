// The CI-neutral interface: what qcs-gitops needs of a CI system beyond the bare CLI — what the run is about (a
// change request, a push, a schedule), the base commit of the change, and one comment on the change request that
// every run updates in place. A CI system is one file implementing it (src/ci/gitlab.ts); the GitHub Action keeps
// its own (src/action/). The CLI's `comment` command uses the provider the environment names.

/** What a pipeline run is about. */
export interface CiEvent {
  kind: 'change-request' | 'push' | 'schedule' | 'manual' | 'other';
  /** The change request's number in the project (GitLab's merge request iid); only for `change-request`. */
  changeRequest?: number;
  /** The branch the run is on (for a change request: its source branch). */
  branch?: string;
  defaultBranch?: string;
  /** The commit the run's changes are compared with: a merge request's diff base, a push's previous head. */
  baseCommit?: string;
}

export interface CommentResult {
  id: string;
  /** False when an earlier comment with the same marker was updated. */
  created: boolean;
  url?: string;
}

export interface CiProvider {
  /** The name `--provider` takes (`gitlab`). */
  readonly name: string;
  /** True when the environment is a run of this CI system. */
  detect(env: NodeJS.ProcessEnv): boolean;
  /** The run's event, from the environment (pure). */
  event(env: NodeJS.ProcessEnv): CiEvent;
  /** Posts `body` as the one comment of the change request that starts with `marker`, or updates that comment in
   * place; throws QcsError E_CI_COMMENT (with the fix) when it cannot. */
  upsertComment(env: NodeJS.ProcessEnv, changeRequest: number, marker: string, body: string): Promise<CommentResult>;
}
