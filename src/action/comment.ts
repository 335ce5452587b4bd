// The GitHub REST calls of the Action, and one sticky pull-request comment: found by a hidden marker at its
// start, updated in place, never duplicated. Plain fetch against GITHUB_API_URL; the token is only ever sent to
// that origin (pagination links elsewhere are not followed). GitHub's rate limits (403/429 with retry-after or
// x-ratelimit-remaining: 0) are waited out, bounded, and retried; a plain 403 is a permission.

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
    /** GitHub's rate limit (403/429 with retry-after or x-ratelimit-remaining: 0), not a permission. */
    readonly rateLimited = false,
    why?: string,
  ) {
    super(`GitHub API ${method} ${path} answered ${status}${rateLimited ? ' (rate limit)' : ''}${serverMessage ? `: ${serverMessage}` : ''}${why ? `. ${why}` : ''}`);
    this.name = 'GitHubApiError';
  }
}

/** Where the GitHub REST API is and how to call it. */
export interface GitHubTarget {
  apiUrl: string;
  token: string;
  /** owner/repo */
  repository: string;
  fetch?: typeof fetch;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Longest single wait a rate limit may ask for before giving up (default 60 s). */
  maxRateLimitWaitMs?: number;
  /** Receives a line for each rate-limit wait. */
  log?: (line: string) => void;
}

export interface CommentTarget extends GitHubTarget {
  issueNumber: number;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

/** Tries of one call while GitHub answers with its rate limit, the first included. */
const RATE_LIMIT_TRIES = 4;
/** Total time spent waiting on rate limits for one call. */
const RATE_LIMIT_TOTAL_MS = 180_000;

/** The wait a GitHub answer asks for when it is a rate limit (403/429 with retry-after or
 * x-ratelimit-remaining: 0, or any 429), in ms; undefined when it is not one. */
export function rateLimitWaitMs(status: number, headers: Headers, now = Date.now()): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  if (headers.get('x-ratelimit-remaining')?.trim() === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    // reset is epoch seconds; a second more, for clock skew
    return Number.isFinite(reset) && reset > 0 ? Math.max(1000, reset * 1000 - now + 1000) : 60_000;
  }
  // a 429 without a hint is still a rate limit; GitHub's docs say to wait at least a minute
  return status === 429 ? 60_000 : undefined;
}

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function call(t: GitHubTarget, method: string, url: string, body?: unknown): Promise<{ json: unknown; link: string | null }> {
  const f = t.fetch ?? fetch;
  const path = new URL(url).pathname;
  const maxWait = t.maxRateLimitWaitMs ?? 60_000;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
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
    if (res.ok) return { json, link: res.headers.get('link') };
    const msg = json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : undefined;
    const wait = rateLimitWaitMs(res.status, res.headers);
    if (wait === undefined) throw new GitHubApiError(res.status, method, path, msg);
    if (attempt >= RATE_LIMIT_TRIES) throw new GitHubApiError(res.status, method, path, msg, true, `Still limited after ${attempt} tries; run the job again later`);
    if (wait > maxWait || waited + wait > RATE_LIMIT_TOTAL_MS) {
      throw new GitHubApiError(res.status, method, path, msg, true, `GitHub asks to wait ${Math.ceil(wait / 1000)} s, more than the ${Math.round(maxWait / 1000)} s this Action waits; run the job again later`);
    }
    t.log?.(`GitHub API ${method} ${path} answered ${res.status} (rate limit): waiting ${Math.ceil(wait / 1000)} s before try ${attempt + 1} of ${RATE_LIMIT_TRIES}.`);
    waited += wait;
    await (t.sleep ?? defaultSleep)(wait);
  }
}

export function base(t: GitHubTarget): string {
  return t.apiUrl.replace(/\/+$/, '');
}

/** Every item of a paginated list, following `next` links on the API's own origin only; `stop` ends early. */
export async function listAll<T>(t: GitHubTarget, firstUrl: string, maxPages = MAX_PAGES, stop?: (page: T[]) => boolean): Promise<T[]> {
  const origin = new URL(base(t)).origin;
  const out: T[] = [];
  let url: string | undefined = firstUrl;
  for (let page = 0; url && page < maxPages; page++) {
    const { json, link }: { json: unknown; link: string | null } = await call(t, 'GET', url);
    if (!Array.isArray(json)) throw new Error(`GitHub API GET ${new URL(url).pathname} did not answer a list`);
    out.push(...(json as T[]));
    if (stop?.(json as T[])) break;
    const next = nextLink(link);
    url = next && new URL(next, url).origin === origin ? new URL(next, url).toString() : undefined;
  }
  return out;
}

/** The first comment of the issue whose body starts with the marker, following every page. */
export async function findStickyComment(t: CommentTarget, marker = COMMENT_MARKER): Promise<IssueComment | undefined> {
  const isMarked = (c: IssueComment) => typeof c.body === 'string' && c.body.trimStart().startsWith(marker);
  const all = await listAll<IssueComment>(t, `${base(t)}/repos/${t.repository}/issues/${t.issueNumber}/comments?per_page=100`, MAX_PAGES, (page) => page.some(isMarked));
  return all.find(isMarked);
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
