// GitLab CI: the run from GitLab's predefined variables, and the plan as one merge-request note, found by its hidden
// marker and updated in place (GitLab's Notes API). The token is a project or group access token with the `api`
// scope in QCS_GITLAB_TOKEN (the job token cannot write notes); it is only ever sent to CI_API_V4_URL's origin.
// Every call has a deadline and the note listing a bound on its pages.
import { QcsError } from '../errors.js';
import { redact, registerSecret } from '../redact.js';
import type { CiEvent, CiProvider, CommentResult } from './provider.js';

/** Pages of notes read at most while looking for the marker (100 a page). */
const MAX_PAGES = 20;
/** Time allowed for one GitLab API answer. */
const TIMEOUT_MS = 30_000;
/** GitLab's limit for a note body (characters). */
export const GITLAB_NOTE_LIMIT = 1_000_000;

interface Note {
  id: number;
  body?: string | null;
  system?: boolean;
}

const fail = (message: string, hint: string, cause?: unknown) => new QcsError('E_CI_COMMENT', redact(message), { hint, ...(cause === undefined ? {} : { cause }) });

function target(env: NodeJS.ProcessEnv): { api: string; project: string; token: string } {
  const api = (env.CI_API_V4_URL ?? (env.CI_SERVER_URL ? `${env.CI_SERVER_URL.replace(/\/+$/, '')}/api/v4` : '')).replace(/\/+$/, '');
  const project = env.CI_PROJECT_ID ?? '';
  const token = env.QCS_GITLAB_TOKEN ?? '';
  if (!api || !project) throw fail('not in a GitLab CI job: CI_API_V4_URL and CI_PROJECT_ID are not set', 'Run `qcs-gitops comment` in a GitLab CI job of a merge-request pipeline.');
  if (!token) {
    throw fail(
      'QCS_GITLAB_TOKEN is not set: GitLab needs a token that may write merge-request notes',
      'Create a project access token with the `api` scope (role Reporter or above) and give it to the job as the masked CI/CD variable QCS_GITLAB_TOKEN; the job token (CI_JOB_TOKEN) cannot write notes.',
    );
  }
  registerSecret(token);
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw fail(`CI_API_V4_URL is not a URL: ${api}`, 'GitLab sets CI_API_V4_URL itself; do not override it.');
  }
  if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw fail(`CI_API_V4_URL is not https: ${api}`, 'The token is only sent over https (plain http only to loopback).');
  }
  return { api, project: encodeURIComponent(project), token };
}

async function call(t: { api: string; token: string }, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${t.api}${path}`, {
      method,
      headers: { 'PRIVATE-TOKEN': t.token, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'error', // never follow a redirect with the token
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    throw fail(`GitLab API ${method} ${path} failed: ${e instanceof Error ? e.message : String(e)}`, `Check that ${t.api} is reachable from the runner (HTTPS_PROXY?).`, e);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = '';
    try {
      const j = JSON.parse(text) as { message?: unknown; error?: unknown };
      message = String(j.message ?? j.error ?? '');
    } catch {
      message = text.slice(0, 200);
    }
    const hint =
      res.status === 401 || res.status === 403
        ? 'QCS_GITLAB_TOKEN was refused: it needs the `api` scope and at least the Reporter role on this project.'
        : 'See the GitLab answer above; the plan itself is in the job log.';
    throw fail(`GitLab API ${method} ${path} answered ${res.status}${message ? `: ${message}` : ''}`, hint);
  }
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw fail(`GitLab API ${method} ${path} answered malformed JSON`, 'Is CI_API_V4_URL the GitLab API?');
  }
}

const SOURCES: Record<string, CiEvent['kind']> = {
  merge_request_event: 'change-request',
  push: 'push',
  schedule: 'schedule',
  web: 'manual',
  api: 'manual',
  trigger: 'manual',
};

export const gitlab: CiProvider = {
  name: 'gitlab',
  detect: (env) => env.GITLAB_CI === 'true',
  event(env) {
    const kind = SOURCES[env.CI_PIPELINE_SOURCE ?? ''] ?? 'other';
    const iid = Number(env.CI_MERGE_REQUEST_IID);
    const zero = /^0+$/; // GitLab's "no previous commit" (a new branch)
    const base = kind === 'change-request' ? env.CI_MERGE_REQUEST_DIFF_BASE_SHA : env.CI_COMMIT_BEFORE_SHA;
    return {
      kind,
      ...(kind === 'change-request' && Number.isInteger(iid) && iid > 0 ? { changeRequest: iid } : {}),
      ...(env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_BRANCH ? { branch: env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_BRANCH } : {}),
      ...(env.CI_DEFAULT_BRANCH ? { defaultBranch: env.CI_DEFAULT_BRANCH } : {}),
      ...(base && !zero.test(base) ? { baseCommit: base } : {}),
    };
  },
  async upsertComment(env, iid, marker, body): Promise<CommentResult> {
    const t = target(env);
    const notes = `/projects/${t.project}/merge_requests/${iid}/notes`;
    const text = `${marker}\n${body}`;
    if (text.length > GITLAB_NOTE_LIMIT) throw fail(`the comment is ${text.length} characters; GitLab takes at most ${GITLAB_NOTE_LIMIT}`, 'Post a shorter document (the plan in markdown is cut at a change boundary).');
    let existing: Note | undefined;
    for (let page = 1; page <= MAX_PAGES && !existing; page++) {
      const list = await call(t, 'GET', `${notes}?per_page=100&page=${page}&sort=asc&order_by=created_at`);
      if (!Array.isArray(list)) throw fail(`GitLab API GET ${notes} answered no list`, 'Is CI_API_V4_URL the GitLab API?');
      existing = (list as Note[]).find((n) => !n.system && typeof n.body === 'string' && n.body.startsWith(marker));
      if (list.length < 100) break;
    }
    if (existing) {
      await call(t, 'PUT', `${notes}/${existing.id}`, { body: text });
      return { id: String(existing.id), created: false };
    }
    const made = (await call(t, 'POST', notes, { body: text })) as Note | undefined;
    if (!made || typeof made.id !== 'number') throw fail(`GitLab API POST ${notes} answered no note id`, 'Look for the note on the merge request; it may have been made.');
    return { id: String(made.id), created: true };
  },
};
