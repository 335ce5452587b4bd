// Markdown for a pull-request comment: deletes called out first, one collapsible section a change,
// kept under GitHub's 65,536-character comment limit with a note when truncated.
import type { ApplyResult, Plan, PlannedChange } from '../engine/model.js';
import { ACTION_SYMBOL, changeHeadline, fieldChanges, opLine, show, summaryLine } from './fields.js';
import { applySummaryLine, interruptedLines, notVerifiedLine, renderResultLine } from './text.js';
import { renderFindingsMarkdown } from './governance.js';
import { md, plainModel } from '../output/untrusted.js';

export const GITHUB_COMMENT_LIMIT = 65_536;
/** Undeclared names listed a kind (a collapsed list; the comment must stay under GitHub's limit). */
export const UNDECLARED_LISTED = 300;

/** ` (declaration removed since 1a2b3c4)` for a delete whose declaration was removed since the base; else ''. */
function removedNote(c: PlannedChange): string {
  return c.action === 'delete' && c.reason === 'removed' ? ` (declaration removed${c.since ? ` since ${md.text(c.since)}` : ''})` : '';
}

function section(c: PlannedChange): string {
  const lines = fieldChanges(c).map((f) =>
    // `!`, not `~`: a diff block highlights a line starting with `!` as changed, and leaves `~` plain
    f.op === '~' ? `! ${f.path}: ${show(f.before)} → ${show(f.after)}` : f.op === '+' ? `+ ${f.path}: ${show(f.after)}` : `- ${f.path}: ${show(f.before)}`,
  );
  // a removal or a rename says so first, as the text plan does (inside the fenced block: no name is markdown)
  if (c.renamedFrom !== undefined || (c.action === 'delete' && c.reason === 'removed')) lines.unshift(changeHeadline(c));
  const what = c.renamedFrom !== undefined ? `<b>${md.html(c.kind)}/${md.html(c.renamedFrom)} → ${md.html(c.name)}</b> (renamed)` : `<b>${md.html(c.kind)}/${md.html(c.name)}</b>${removedNote(c)}`;
  return `<details><summary><code>${ACTION_SYMBOL[c.action]}</code> ${c.action} ${what}</summary>\n\n${md.fence(lines.join('\n'), 'diff')}\n</details>\n`;
}

export function renderPlanMarkdown(untrusted: Plan, opts: { header?: string; limit?: number } = {}): string {
  const plan = plainModel(untrusted);
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT - 1_000;
  const head: string[] = [opts.header ?? (plan.environment ? `### qcs-gitops plan for environment ${md.code(plan.environment)}` : '### qcs-gitops plan'), ''];
  if (plan.changes.length === 0) head.push(plan.manual?.length ? '**No changes to apply.** The differences below are made by hand.' : '**No changes.** The live account matches the declarations.', '');
  else head.push(`**${summaryLine(plan.summary)}**`, '', `${plan.summary.unchanged} unchanged, ${plan.summary.unmanaged} unmanaged.`, '');
  const deletes = plan.changes.filter((c) => c.action === 'delete');
  if (deletes.length > 0) {
    head.push(`> [!CAUTION]\n> **${deletes.length} object${deletes.length === 1 ? '' : 's'} will be deleted:**`);
    for (const d of deletes) head.push(`> - ${md.code(`${d.kind}/${d.name}`)}${removedNote(d)}`);
    head.push('');
  }
  if (plan.manual?.length) {
    head.push(`**${plan.manual.length} difference${plan.manual.length === 1 ? '' : 's'} to make by hand** (the API cannot write ${plan.manual.length === 1 ? 'it' : 'them'}; apply never sends ${plan.manual.length === 1 ? 'it' : 'them'}):`);
    for (const m of plan.manual) head.push(`- ${md.code(`${m.kind}/${m.name}`)}: ${fieldChanges({ ...m, action: 'update' }).map((f) => md.text(`${f.path}: ${show(f.before)} → ${show(f.after)}`)).join('; ')}`);
    head.push('');
  }
  for (const n of plan.notes) head.push(`> ${md.text(n)}`);
  if (plan.notes.length) head.push('');
  for (const [kind, names] of Object.entries(plan.undeclared ?? {})) {
    head.push(`<details><summary>${names.length} ${md.html(kind)}${names.length === 1 ? '' : ' objects'} not declared (left alone)</summary>`, '');
    for (const n of names.slice(0, UNDECLARED_LISTED)) head.push(`- ${md.text(n)}`);
    if (names.length > UNDECLARED_LISTED) head.push(`- … and ${names.length - UNDECLARED_LISTED} more (the json plan lists them all)`);
    head.push('', '</details>', '');
  }
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
