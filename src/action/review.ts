// Reviewed-plan apply: the sticky PR comment carries a hidden digest of the planned changes; on a push to the
// default branch the merged pull request of the pushed commit is found, its digest read, and the apply goes
// ahead only when the fresh plan has the same digest.
import { QcsError, errorMessage } from '../errors.js';
import { shortDigests, type ExpectedDigest, type PlanDigests, isDigest, MIN_OBJECT_DIGEST } from '../engine/digest.js';
import { base, call, findStickyComment, GitHubApiError, type GitHubTarget } from './comment.js';
import { plain } from '../output/untrusted.js';

export const DIGEST_MARKER = 'qcs-gitops-digest:';
/** Per-object digests beyond this many characters are left out of the comment (the plan digest always stays). */
const MAX_OBJECTS_JSON = 24_000;

export interface ReviewedPayload extends ExpectedDigest {
  /** The commit the plan was made for. */
  sha?: string;
  /** The base commit the plan's removals were computed from (the pull request's base). */
  base?: string;
}

/** `<!-- qcs-gitops-digest: {...} -->`, compact; `<`, `>` and `&` escaped so nothing in a name can end the comment. */
export function digestComment(d: PlanDigests, sha?: string, base?: string): string {
  const short = shortDigests(d);
  const at = { ...(sha ? { sha } : {}), ...(base ? { base } : {}) };
  let payload: Record<string, unknown> = { v: 1, digest: d.digest, ...at, objects: short.objects };
  if (JSON.stringify(short.objects).length > MAX_OBJECTS_JSON) payload = { v: 1, digest: d.digest, ...at };
  const json = plain(JSON.stringify(payload)).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<!-- ${DIGEST_MARKER} ${json} -->`;
}

/** The digest a comment body carries, or undefined. */
export function parseDigestComment(body: string): ReviewedPayload | undefined {
  const m = /<!-- qcs-gitops-digest: (\{.*?\}) -->/s.exec(body);
  if (!m) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(m[1]!);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object') return undefined;
  const { digest, sha, base, objects } = o as { digest?: unknown; sha?: unknown; base?: unknown; objects?: unknown };
  if (typeof digest !== 'string' || !isDigest(digest)) return undefined;
  const out: ReviewedPayload = { digest };
  if (typeof sha === 'string') out.sha = sha;
  if (typeof base === 'string' && /^[0-9a-f]{40,64}$/.test(base)) out.base = base;
  if (objects && typeof objects === 'object' && !Array.isArray(objects)) {
    const entries = Object.entries(objects as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v === 'string' && /^[0-9a-f]+$/.test(v) && v.length >= MIN_OBJECT_DIGEST)) out.objects = Object.fromEntries(entries) as Record<string, string>;
  }
  return out;
}

interface PullRequest {
  number: number;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  html_url?: string;
  base?: { ref?: string };
  head?: { sha?: string };
}

export interface Reviewed {
  pullRequest: number;
  url?: string;
  commentUrl?: string;
  expected: ReviewedPayload;
}

const NO_REVIEW_HINT =
  'Merge the change through a pull request whose qcs-gitops plan comment is current (the plan job posts it), or set `auto-approve: true` to apply the fresh plan without a reviewed one.';

function refuse(message: string, hint = NO_REVIEW_HINT, cause?: unknown): QcsError {
  return new QcsError('E_NO_REVIEWED_PLAN', `${message} Nothing was applied.`, { hint, cause });
}

function permissionHint(e: unknown): string {
  return e instanceof GitHubApiError && (e.status === 403 || e.status === 404)
    ? 'Give the apply job `permissions: contents: read, pull-requests: read` so it can read the pull request and its plan comment.'
    : NO_REVIEW_HINT;
}

/** The merged pull request of `sha` into the default branch, its sticky comment and the digest in it. */
/** `marker` is the sticky comment's marker (one per environment). */
export async function findReviewed(t: GitHubTarget, sha: string | undefined, defaultBranch: string | undefined, marker?: string): Promise<Reviewed> {
  if (!sha) throw refuse('GITHUB_SHA is not set, so the pull request of the pushed commit cannot be found.');
  let pulls: PullRequest[];
  try {
    const { json } = await call(t, 'GET', `${base(t)}/repos/${t.repository}/commits/${sha}/pulls?per_page=100`);
    if (!Array.isArray(json)) throw new Error(`GitHub API GET /repos/${t.repository}/commits/${sha}/pulls did not answer a list`);
    pulls = json as PullRequest[];
  } catch (e) {
    throw refuse(`Could not look up the pull request of commit ${sha.slice(0, 12)}: ${errorMessage(e)}.`, permissionHint(e), e);
  }
  const merged = pulls.filter((p) => typeof p.number === 'number' && p.merged_at && (!defaultBranch || p.base?.ref === defaultBranch));
  merged.sort((a, b) => Number(b.merge_commit_sha === sha) - Number(a.merge_commit_sha === sha) || String(b.merged_at).localeCompare(String(a.merged_at)));
  const pr = merged[0];
  if (!pr) {
    throw refuse(
      `Commit ${sha.slice(0, 12)} is not the merge of a pull request into ${defaultBranch ?? 'the default branch'} (a direct push?), so there is no reviewed plan to hold the apply to.`,
    );
  }
  let comment: Awaited<ReturnType<typeof findStickyComment>>;
  try {
    comment = await findStickyComment({ ...t, issueNumber: pr.number }, marker);
  } catch (e) {
    throw refuse(`Could not read the comments of pull request #${pr.number}: ${errorMessage(e)}.`, permissionHint(e), e);
  }
  const expected = comment?.body ? parseDigestComment(comment.body) : undefined;
  if (!expected) {
    throw refuse(
      comment
        ? `The plan comment of pull request #${pr.number} holds no plan digest (its last plan failed, or was made by an older qcs-gitops).`
        : `Pull request #${pr.number} has no qcs-gitops plan comment, so nobody reviewed a plan (was its plan job skipped, or run with \`comment: false\`?).`,
    );
  }
  return { pullRequest: pr.number, url: pr.html_url, commentUrl: comment?.html_url, expected };
}
