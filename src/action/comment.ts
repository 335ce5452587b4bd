// One sticky pull-request comment: found by a hidden marker at its start, updated in place, never duplicated.
// Plain fetch against GITHUB_API_URL; the token is only ever sent to that origin (pagination links elsewhere are not followed).

export const COMMENT_MARKER = '<!-- qcs-gitops:plan -->';

/** The marker of an environment's sticky comment (one comment per environment); the plain marker without one. */
export function commentMarker(environment?: string): string {
  return environment ? `<!-- qcs-gitops:plan:${environment.replace(/[^A-Za-z0-9_.-]/g, '_')} -->` : COMMENT_MARKER;
}
/** Pages of comments read at most while looking for the marker (100 a page). */
const MAX_PAGES = 50;

export class GitHubApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    serverMessage: string | undefined,
  ) {
    super(`GitHub API ${method} ${path} answered ${status}${serverMessage ? `: ${serverMessage}` : ''}`);
    this.name = 'GitHubApiError';
  }
}

export interface CommentTarget {
  apiUrl: string;
  token: string;
  /** owner/repo */
  repository: string;
  issueNumber: number;
  fetch?: typeof fetch;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
}

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

async function call(t: CommentTarget, method: string, url: string, body?: unknown): Promise<{ json: unknown; link: string | null }> {
  const f = t.fetch ?? fetch;
  const path = new URL(url).pathname;
  let res: Response;
  try {
    res = await f(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${t.token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'qcs-gitops-action',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new Error(`GitHub API ${method} ${path} failed: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const msg = json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : undefined;
    throw new GitHubApiError(res.status, method, path, msg);
  }
  return { json, link: res.headers.get('link') };
}

function base(t: CommentTarget): string {
  return t.apiUrl.replace(/\/+$/, '');
}

/** The first comment of the issue whose body starts with the marker, following every page. */
export async function findStickyComment(t: CommentTarget, marker = COMMENT_MARKER): Promise<IssueComment | undefined> {
  const origin = new URL(base(t)).origin;
  let url: string | undefined = `${base(t)}/repos/${t.repository}/issues/${t.issueNumber}/comments?per_page=100`;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const { json, link } = await call(t, 'GET', url);
    if (!Array.isArray(json)) throw new Error(`GitHub API GET ${new URL(url).pathname} did not answer a list of comments`);
    const found = (json as IssueComment[]).find((c) => typeof c.body === 'string' && c.body.trimStart().startsWith(marker));
    if (found) return found;
    const next = nextLink(link);
    url = next && new URL(next, url).origin === origin ? new URL(next, url).toString() : undefined;
  }
  return undefined;
}

export interface UpsertResult {
  id: number;
  url?: string;
  created: boolean;
}

/** Updates the marked comment, or creates it. `body` must already start with the marker. */
export async function upsertStickyComment(t: CommentTarget, body: string, marker = COMMENT_MARKER): Promise<UpsertResult> {
  const existing = await findStickyComment(t, marker);
  if (existing) {
    const { json } = await call(t, 'PATCH', `${base(t)}/repos/${t.repository}/issues/comments/${existing.id}`, { body });
    const c = json as IssueComment | undefined;
    return { id: c?.id ?? existing.id, url: c?.html_url ?? existing.html_url, created: false };
  }
  const { json } = await call(t, 'POST', `${base(t)}/repos/${t.repository}/issues/${t.issueNumber}/comments`, { body });
  const c = json as IssueComment | undefined;
  if (!c || typeof c.id !== 'number') throw new Error('GitHub API did not answer the new comment id');
  return { id: c.id, url: c.html_url, created: true };
}
