// Markdown for a pull-request comment: deletes called out first, one collapsible section a change,
// kept under GitHub's 65,536-character comment limit with a note when truncated.
import type { ApplyResult, Plan, PlannedChange } from '../engine/model.js';
import { ACTION_SYMBOL, fieldChanges, opLine, show, summaryLine } from './fields.js';
import { applySummaryLine, interruptedLines, notVerifiedLine, renderResultLine } from './text.js';
import { renderFindingsMarkdown } from './governance.js';
import { md, plainModel } from '../output/untrusted.js';

export const GITHUB_COMMENT_LIMIT = 65_536;

function section(c: PlannedChange): string {
  const lines = fieldChanges(c).map((f) =>
    f.op === '~' ? `~ ${f.path}: ${show(f.before)} → ${show(f.after)}` : f.op === '+' ? `+ ${f.path}: ${show(f.after)}` : `- ${f.path}: ${show(f.before)}`,
  );
  return `<details><summary><code>${ACTION_SYMBOL[c.action]}</code> ${c.action} <b>${md.html(c.kind)}/${md.html(c.name)}</b></summary>\n\n${md.fence(lines.join('\n'), 'diff')}\n</details>\n`;
}

export function renderPlanMarkdown(untrusted: Plan, opts: { header?: string; limit?: number } = {}): string {
  const plan = plainModel(untrusted);
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT - 1_000;
  const head: string[] = [opts.header ?? (plan.environment ? `### qcs-gitops plan for environment ${md.code(plan.environment)}` : '### qcs-gitops plan'), ''];
  if (plan.changes.length === 0) head.push('**No changes.** The live account matches the declarations.', '');
  else head.push(`**${summaryLine(plan.summary)}**`, '', `${plan.summary.unchanged} unchanged, ${plan.summary.unmanaged} unmanaged.`, '');
  const deletes = plan.changes.filter((c) => c.action === 'delete');
  if (deletes.length > 0) {
    head.push(`> [!CAUTION]\n> **${deletes.length} object${deletes.length === 1 ? '' : 's'} will be deleted:**`);
    for (const d of deletes) head.push(`> - ${md.code(`${d.kind}/${d.name}`)}`);
    head.push('');
  }
  for (const n of plan.notes) head.push(`> ${md.text(n)}`);
  if (plan.notes.length) head.push('');
  if (plan.findings?.length) head.push(renderFindingsMarkdown(plan.findings));
  let out = head.join('\n') + '\n';
  const ordered = [...deletes, ...plan.changes.filter((c) => c.action !== 'delete')];
  for (let i = 0; i < ordered.length; i++) {
    const s = section(ordered[i]!);
    if (out.length + s.length > limit) {
      out += `\n_… ${ordered.length - i} more change${ordered.length - i === 1 ? '' : 's'} not shown: the comment limit was reached. The full plan is in the job summary and the plan file._\n`;
      break;
    }
    out += s;
  }
  return out;
}

export function renderApplyMarkdown(untrusted: ApplyResult): string {
  const r = plainModel(untrusted);
  const lines = ['### qcs-gitops apply', '', `**${applySummaryLine(r)}**`, ''];
  for (const l of interruptedLines(r)) lines.push(`- ${md.text(l)}`);
  for (const x of r.results) lines.push(`- ${md.text(renderResultLine(x))}`);
  if (r.notConverged.length) {
    lines.push('', '**Not converged:**');
    for (const n of r.notConverged) lines.push(`- ${md.code(`${n.kind}/${n.name}`)}: ${md.text(n.patch.map(opLine).join(', ') || 'could not be re-read')}`);
  } else if (r.verified) lines.push('', 'Verified: the live account matches every applied change.');
  else lines.push('', md.text(notVerifiedLine(r)));
  if (r.interrupted?.next) lines.push('', `To see what remains: ${md.code(r.interrupted.next)}`);
  return lines.join('\n') + '\n';
}
