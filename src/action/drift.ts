// Drift that reaches people: one open GitHub issue labelled qcs-gitops-drift while the live account differs from
// the declarations; opened (or updated) by a scheduled or manual plan with changes, commented and closed by one without.
import { base, call, listAll, type GitHubTarget } from './comment.js';

export const DRIFT_LABEL = 'qcs-gitops-drift';
export const DRIFT_MARKER = '<!-- qcs-gitops:drift -->';

interface Issue {
  number: number;
  title?: string;
  html_url?: string;
  pull_request?: unknown;
}

export type DriftOutcome =
  | { action: 'opened' | 'updated' | 'closed'; number: number; url?: string }
  | { action: 'none' };

/** The open drift issue, if any (pull requests, which the issues list includes, are skipped). */
export async function findDriftIssue(t: GitHubTarget): Promise<Issue | undefined> {
  const issues = await listAll<Issue>(t, `${base(t)}/repos/${t.repository}/issues?labels=${encodeURIComponent(DRIFT_LABEL)}&state=open&per_page=100`, 10);
  return issues.filter((i) => typeof i.number === 'number' && !i.pull_request).sort((a, b) => a.number - b.number)[0];
}

/** Opens or updates the drift issue with `body` (when there is drift), or comments on and closes it (when there is none). */
export async function syncDriftIssue(t: GitHubTarget, drift: { title: string; body: string } | undefined, closingComment: string): Promise<DriftOutcome> {
  const open = await findDriftIssue(t);
  if (drift) {
    if (open) {
      const { json } = await call(t, 'PATCH', `${base(t)}/repos/${t.repository}/issues/${open.number}`, { title: drift.title, body: drift.body });
      return { action: 'updated', number: open.number, url: (json as Issue | undefined)?.html_url ?? open.html_url };
    }
    const { json } = await call(t, 'POST', `${base(t)}/repos/${t.repository}/issues`, { title: drift.title, body: drift.body, labels: [DRIFT_LABEL] });
    const made = json as Issue | undefined;
    if (!made || typeof made.number !== 'number') throw new Error('GitHub API did not answer the new issue number');
    return { action: 'opened', number: made.number, url: made.html_url };
  }
  if (!open) return { action: 'none' };
  await call(t, 'POST', `${base(t)}/repos/${t.repository}/issues/${open.number}/comments`, { body: closingComment });
  await call(t, 'PATCH', `${base(t)}/repos/${t.repository}/issues/${open.number}`, { state: 'closed', state_reason: 'completed' });
  return { action: 'closed', number: open.number, url: open.html_url };
}
