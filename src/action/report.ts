// The markdown the Action writes: the PR comment (marker first, under GitHub's limit) and the job summary. Pure.
import { formatDiagnostic, type Diagnostic } from '../errors.js';
import type { Plan } from '../engine/model.js';
import { GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from '../render/markdown.js';
import { planDigests } from '../engine/digest.js';
import { commentMarker } from './comment.js';
import { DRIFT_MARKER } from './drift.js';
import { digestComment } from './review.js';
import { md, plain } from '../output/untrusted.js';
import { redact } from '../redact.js';

/** Where the run happened, for the footer of the comment. */
export interface RunInfo {
  paths: string[];
  sha?: string;
  runUrl?: string;
  /** The project environment (input `environment`): named in every title, and one sticky comment each. */
  environment?: string;
}

/** The job summary accepts up to 1 MiB; keep well under it. */
export const SUMMARY_LIMIT = 900_000;

const code = md.code;

export function planHeader(paths: string[], environment?: string): string {
  const of = paths.map(code).join(', ');
  return environment ? `### qcs-gitops plan for environment ${code(environment)} (${of})` : `### qcs-gitops plan for ${of}`;
}

function footer(info: RunInfo): string {
  const parts: string[] = [];
  if (info.sha) parts.push(`commit ${code(info.sha.slice(0, 12))}`);
  if (info.runUrl) parts.push(`[workflow run](${info.runUrl})`);
  return parts.length ? `\n---\n<sub>Planned by qcs-gitops for ${parts.join(' · ')}.</sub>\n` : '';
}

/** The sticky comment for a plan: the marker, the hidden digest of its changes (what a merge may apply), the plan
 * (deletes first, truncated with a note), a footer. */
export function planComment(plan: Plan, info: RunInfo, limit = GITHUB_COMMENT_LIMIT): string {
  const tail = footer(info);
  const head = `${commentMarker(info.environment)}\n${digestComment(planDigests(plan), info.sha, plan.base?.commit)}\n`;
  const body = renderPlanMarkdown(plan, { header: planHeader(info.paths, info.environment), limit: limit - head.length - tail.length - 200 });
  return head + body + tail;
}

/** The drift issue: its title and body (the plan, truncated like the PR comment). */
export function driftIssue(plan: Plan, info: RunInfo, limit = GITHUB_COMMENT_LIMIT): { title: string; body: string } {
  const n = plan.changes.length;
  const title = `qcs-gitops: drift in ${plain(info.paths.join(', '))} (${n} change${n === 1 ? '' : 's'} planned)`;
  const head = `${DRIFT_MARKER}\nThe live Qualys account differs from the declarations: the changes below are what an apply would make. Someone changed the account outside Git, or a merge was not applied.\n\n`;
  const tail = footer(info);
  const body = renderPlanMarkdown(plan, { header: planHeader(info.paths, info.environment), limit: limit - head.length - tail.length - 200 });
  return { title, body: head + body + tail };
}

export function driftClosedComment(info: RunInfo): string {
  return `No drift any more: the live account matches the declarations${info.sha ? ` at commit ${code(info.sha.slice(0, 12))}` : ''}${info.runUrl ? ` ([workflow run](${info.runUrl}))` : ''}. Closing.`;
}

/** The summary of an apply refused because the fresh plan is not the reviewed one. */
export function refusalMarkdown(title: string, message: string, differences: string[], plan: Plan): string {
  const lines = [title, '', `**${md.text(message)}**`, '', 'Objects whose changes differ from the reviewed plan:', ''];
  for (const d of differences) lines.push(`- ${md.text(d)}`);
  lines.push('', renderPlanMarkdown(plan, { header: '#### The fresh plan (not applied)', limit: SUMMARY_LIMIT }));
  return lines.join('\n');
}

export function planSummary(plan: Plan, paths: string[]): string {
  return renderPlanMarkdown(plan, { header: planHeader(paths, plan.environment), limit: SUMMARY_LIMIT });
}

function fence(lines: string[]): string {
  return md.fence(lines.join('\n'));
}

/** Markdown for a run that failed before a plan existed: what failed and where. */
export function failureMarkdown(title: string, message: string, details: string[], diagnostics: Diagnostic[]): string {
  const lines = [title, '', `**${md.text(message)}**`, ''];
  if (diagnostics.length) lines.push(fence(diagnostics.map(formatDiagnostic)));
  if (details.length) lines.push(fence(details));
  return lines.join('\n');
}

/** The sticky comment when the plan could not be made: replaces a plan that would otherwise look current. */
export function failureComment(message: string, details: string[], diagnostics: Diagnostic[], info: RunInfo, limit = GITHUB_COMMENT_LIMIT): string {
  const head = `${commentMarker(info.environment)}\n`;
  const tail = footer(info);
  // redacted before it may be cut
  let body = redact(failureMarkdown(`${planHeader(info.paths, info.environment)} failed`, message, details, diagnostics));
  const room = limit - head.length - tail.length - 200;
  if (body.length > room) body = body.slice(0, room) + `\n${'`'.repeat(Math.max(3, ...(body.slice(0, room).match(/`+/g) ?? []).map((r) => r.length)))}\n\n_… truncated: the comment limit was reached. Every problem is in the job log and annotations._\n`;
  return head + body + tail;
}
