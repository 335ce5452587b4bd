// Terraform-like text: `+` create, `~` update with each changed field old → new, `-` delete, then the summary.
import type { ApplyResult, ChangeResult, Plan } from '../engine/model.js';
import { ACTION_SYMBOL, fieldChanges, show, summaryLine } from './fields.js';

export interface TextOptions {
  color?: boolean;
}

const ANSI = { green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', bold: '\x1b[1m', dim: '\x1b[2m', reset: '\x1b[0m' };

function painter(color: boolean) {
  return (code: keyof typeof ANSI, s: string) => (color ? `${ANSI[code]}${s}${ANSI.reset}` : s);
}

const COLOR_OF = { '+': 'green', '~': 'yellow', '-': 'red' } as const;

export function renderPlanText(plan: Plan, opts: TextOptions = {}): string {
  const paint = painter(!!opts.color);
  const lines: string[] = [];
  if (plan.environment) lines.push(paint('bold', `Environment: ${plan.environment}`), '');
  if (plan.changes.length === 0) {
    lines.push(paint('bold', 'No changes.') + (plan.manual?.length ? ' Nothing to apply; the differences below are made by hand.' : ' The live account matches the declarations.'));
  } else {
    lines.push('qcs-gitops will perform the following actions:', '');
    for (const c of plan.changes) {
      const sym = ACTION_SYMBOL[c.action];
      const verb = c.action === 'create' ? 'created' : c.action === 'update' ? 'updated in place' : 'DELETED';
      lines.push(paint('dim', `  # ${c.kind}/${c.name} will be ${verb}${c.id ? ` (id ${c.id})` : ''}`));
      lines.push(paint(COLOR_OF[sym], `  ${sym} ${c.kind} "${c.name}"`));
      for (const f of fieldChanges(c)) {
        const body = f.op === '~' ? `${f.path}: ${show(f.before)} → ${show(f.after)}` : f.op === '+' ? `${f.path}: ${show(f.after)}` : `${f.path}: ${show(f.before)}`;
        lines.push(paint(COLOR_OF[f.op], `      ${f.op} ${body}`));
      }
      lines.push('');
    }
  }
  if (plan.manual?.length) {
    lines.push('Differences the API cannot write (make them by hand in Qualys; apply never sends them):', '');
    for (const m of plan.manual) {
      lines.push(paint('yellow', `  ! ${m.kind} "${m.name}"${m.id ? ` (id ${m.id})` : ''}`));
      for (const f of fieldChanges({ ...m, action: 'update' })) lines.push(paint('yellow', `      ! ${f.path}: ${show(f.before)} → ${show(f.after)}`));
      lines.push('');
    }
  }
  for (const n of plan.notes) lines.push(`Note: ${n}`);
  if (plan.notes.length) lines.push('');
  lines.push(paint('bold', summaryLine(plan.summary)));
  lines.push(`${plan.summary.unchanged} unchanged, ${plan.summary.unmanaged} unmanaged${plan.summary.manual ? `, ${plan.summary.manual} to change by hand` : ''}.`);
  return lines.join('\n') + '\n';
}

const STATUS_SYMBOL: Record<ChangeResult['status'], string> = { created: '+', adopted: '+', updated: '~', deleted: '-', failed: '✗', skipped: '·' };

export function renderResultLine(r: ChangeResult): string {
  const detail = r.status === 'failed' ? `: ${r.error?.message}` : r.status === 'skipped' ? `: ${r.reason}` : r.status === 'adopted' ? ' (already existed after an interrupted create; adopted)' : '';
  return `${STATUS_SYMBOL[r.status]} ${r.kind}/${r.name}: ${r.status}${r.id ? ` (id ${r.id})` : ''}${detail}`;
}

export function applySummaryLine(r: ApplyResult): string {
  const s = r.summary;
  return `Apply: ${s.created} created, ${s.updated} updated, ${s.deleted} deleted, ${s.failed} failed, ${s.skipped} skipped.`;
}

export function renderApplyText(r: ApplyResult): string {
  const lines: string[] = [];
  if (r.notConverged.length > 0) {
    lines.push('Not converged: these objects still differ from their declarations after the apply:');
    for (const n of r.notConverged) {
      if (n.patch.length === 0) lines.push(`  ! ${n.kind}/${n.name}: could not be re-read`);
      for (const op of n.patch) lines.push(`  ! ${n.kind}/${n.name}: ${op.op} ${op.path || '(object)'}`);
    }
  } else if (r.verified) {
    lines.push('Verified: the live account matches every applied change.');
  }
  lines.push(applySummaryLine(r));
  return lines.join('\n') + '\n';
}
