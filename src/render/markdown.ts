// Markdown for a pull-request comment: deletes called out first, one collapsible section a change,
// kept under GitHub's 65,536-character comment limit with a note when truncated.
import type { ApplyResult, Plan, PlannedChange } from '../engine/model.js';
import { ACTION_SYMBOL, fieldChanges, show, summaryLine } from './fields.js';
import { applySummaryLine, renderResultLine } from './text.js';
import { renderFindingsMarkdown } from './governance.js';

export const GITHUB_COMMENT_LIMIT = 65_536;

function escape(s: string): string {
  return s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
}

function section(c: PlannedChange): string {
  const lines = fieldChanges(c).map((f) =>
    f.op === '~' ? `~ ${f.path}: ${show(f.before)} → ${show(f.after)}` : f.op === '+' ? `+ ${f.path}: ${show(f.after)}` : `- ${f.path}: ${show(f.before)}`,
  );
  const body = lines.join('\n').replace(/```/g, "'''");
  return `<details><summary><code>${ACTION_SYMBOL[c.action]}</code> ${c.action} <b>${escape(c.kind)}/${escape(c.name)}</b></summary>\n\n\`\`\`diff\n${body}\n\`\`\`\n\n</details>\n`;
}

export function renderPlanMarkdown(plan: Plan, opts: { header?: string; limit?: number } = {}): string {
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT - 1_000;
  const head: string[] = [opts.header ?? (plan.environment ? `### qcs-gitops plan for environment \`${plan.environment.replace(/`/g, "'")}\`` : '### qcs-gitops plan'), ''];
  if (plan.changes.length === 0) head.push(plan.manual?.length ? '**No changes to apply.** The differences below are made by hand.' : '**No changes.** The live account matches the declarations.', '');
  else head.push(`**${summaryLine(plan.summary)}**`, '', `${plan.summary.unchanged} unchanged, ${plan.summary.unmanaged} unmanaged.`, '');
  const deletes = plan.changes.filter((c) => c.action === 'delete');
  if (deletes.length > 0) {
    head.push(`> [!CAUTION]\n> **${deletes.length} object${deletes.length === 1 ? '' : 's'} will be deleted:**`);
    for (const d of deletes) head.push(`> - \`${d.kind}/${d.name}\``);
    head.push('');
  }
  if (plan.manual?.length) {
    head.push(`**${plan.manual.length} difference${plan.manual.length === 1 ? '' : 's'} to make by hand** (the API cannot write ${plan.manual.length === 1 ? 'it' : 'them'}; apply never sends ${plan.manual.length === 1 ? 'it' : 'them'}):`);
    for (const m of plan.manual) head.push(`- \`${m.kind}/${m.name}\`: ${fieldChanges({ ...m, action: 'update' }).map((f) => escape(`${f.path}: ${show(f.before)} → ${show(f.after)}`)).join('; ')}`);
    head.push('');
  }
  for (const n of plan.notes) head.push(`> ${escape(n)}`);
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

export function renderApplyMarkdown(r: ApplyResult): string {
  const lines = ['### qcs-gitops apply', '', `**${applySummaryLine(r)}**`, ''];
  for (const x of r.results) lines.push(`- ${escape(renderResultLine(x))}`);
  if (r.notConverged.length) {
    lines.push('', '**Not converged:**');
    for (const n of r.notConverged) lines.push(`- \`${n.kind}/${n.name}\`: ${n.patch.map((p) => `${p.op} ${p.path || '(object)'}`).join(', ') || 'could not be re-read'}`);
  } else if (r.verified) lines.push('', 'Verified: the live account matches every applied change.');
  return lines.join('\n') + '\n';
}
