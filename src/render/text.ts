// Terraform-like text: `+` create, `~` update with each changed field old → new, `-` delete, then the summary.
import type { ApplyResult, ChangeResult, Plan } from '../engine/model.js';
import { ACTION_SYMBOL, changeHeadline, fieldChanges, opLine, show, summaryLine } from './fields.js';
import { plainModel } from '../output/untrusted.js';

export interface TextOptions {
  color?: boolean;
}

const ANSI = { green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', bold: '\x1b[1m', dim: '\x1b[2m', reset: '\x1b[0m' };

function painter(color: boolean) {
  return (code: keyof typeof ANSI, s: string) => (color ? `${ANSI[code]}${s}${ANSI.reset}` : s);
}

const COLOR_OF = { '+': 'green', '~': 'yellow', '-': 'red' } as const;

export function renderPlanText(untrusted: Plan, opts: TextOptions = {}): string {
  const plan = plainModel(untrusted);
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
      lines.push(paint(COLOR_OF[sym], `  ${changeHeadline(c)}`));
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
  const undeclared = undeclaredLines(plan);
  if (undeclared.length) lines.push(...undeclared, '');
  lines.push(paint('bold', summaryLine(plan.summary)));
  lines.push(`${plan.summary.unchanged} unchanged, ${plan.summary.unmanaged} unmanaged${plan.summary.manual ? `, ${plan.summary.manual} to change by hand` : ''}.`);
  return lines.join('\n') + '\n';
}

/** Names listed a kind in text before "and N more" (json lists them all, markdown in a collapsed list). */
export const UNDECLARED_SHOWN = 20;

/** The undeclared live objects left alone, by kind: the first UNDECLARED_SHOWN names and how many more. */
function undeclaredLines(plan: Plan): string[] {
  const lines: string[] = [];
  for (const [kind, names] of Object.entries(plan.undeclared ?? {})) {
    lines.push(`Not declared, left alone: ${names.length} ${kind}${names.length === 1 ? '' : ' objects'}:`);
    for (const n of names.slice(0, UNDECLARED_SHOWN)) lines.push(`  ${n}`);
    if (names.length > UNDECLARED_SHOWN) lines.push(`  … and ${names.length - UNDECLARED_SHOWN} more`);
  }
  return lines;
}

const STATUS_SYMBOL: Record<ChangeResult['status'], string> = { created: '+', adopted: '+', updated: '~', deleted: '-', failed: '✗', skipped: '·' };

export function renderResultLine(untrusted: ChangeResult): string {
  const r = plainModel(untrusted);
  const detail = r.status === 'failed' ? `: ${r.error?.message}` : r.status === 'skipped' ? `: ${r.reason}` : r.status === 'adopted' ? ' (already existed after an interrupted create; adopted)' : '';
  return `${STATUS_SYMBOL[r.status]} ${r.kind}/${r.name}: ${r.status}${r.id ? ` (id ${r.id})` : ''}${detail}`;
}

/** What was and was not verified when the apply is not (failures or skips beside it, or no re-read). */
export function notVerifiedLine(r: ApplyResult): string {
  const s = r.summary;
  const done = s.created + s.updated + s.deleted;
  if (r.interrupted) {
    const flying = r.interrupted.inFlight.length;
    return `Not verified: the apply was interrupted by ${r.interrupted.signal}: ${done} carried out, ${s.failed} failed, ${s.skipped} not started${flying ? `, ${flying} in flight (outcome unknown)` : ''}; nothing was re-read.`;
  }
  const open = [s.failed ? `${s.failed} failed` : '', s.skipped ? `${s.skipped} skipped` : ''].filter(Boolean).join(' and ');
  if (!open) return 'Not verified: the live account could not be re-read to check the applied changes.';
  return `Not verified: ${open}, so the account does not match the plan; ${done === 0 ? 'no change was carried out' : `the ${done} change${done === 1 ? '' : 's'} carried out ${done === 1 ? 'was' : 'were'} re-read and match${done === 1 ? 'es' : ''} ${done === 1 ? 'its declaration' : 'their declarations'}`}.`;
}

export function applySummaryLine(r: ApplyResult): string {
  const s = r.summary;
  return `Apply: ${s.created} created, ${s.updated} updated, ${s.deleted} deleted, ${s.failed} failed, ${s.skipped} skipped.`;
}

/** The lines of an interrupted apply: the changes whose outcome is unknown, by name. */
export function interruptedLines(r: ApplyResult): string[] {
  if (!r.interrupted) return [];
  return [
    `Interrupted by ${r.interrupted.signal}: no new change was started after it.`,
    ...r.interrupted.inFlight.map((c) => `? ${c.kind}/${c.name}: ${c.action} in flight when the run ended; outcome unknown`),
  ];
}

export function renderApplyText(untrusted: ApplyResult): string {
  const r = plainModel(untrusted);
  const lines: string[] = [...interruptedLines(r)];
  if (r.notConverged.length > 0) {
    lines.push('Not converged: these objects still differ from their declarations after the apply:');
    for (const n of r.notConverged) {
      if (n.patch.length === 0) lines.push(`  ! ${n.kind}/${n.name}: could not be re-read`);
      for (const op of n.patch) lines.push(`  ! ${n.kind}/${n.name}: ${opLine(op)}`);
    }
  } else if (r.verified) {
    lines.push('Verified: the live account matches every applied change.');
  } else {
    lines.push(notVerifiedLine(r));
  }
  lines.push(applySummaryLine(r));
  if (r.interrupted?.next) lines.push(`To see what remains: ${r.interrupted.next}`);
  return lines.join('\n') + '\n';
}
