// Renderings of governance findings (validate, plan, the Action) and of the exceptions report (text, markdown, json).
import type { Finding } from '../governance/findings.js';
import { countFindings } from '../governance/findings.js';
import type { ExceptionReport, ExceptionRow } from '../governance/report.js';
import { md, plain, plainModel } from '../output/untrusted.js';

/** `3 governance findings (1 error, 2 warnings)` */
export function findingsSummary(findings: readonly Finding[]): string {
  const { errors, warnings } = countFindings(findings);
  const parts = [errors ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean);
  return `Governance: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${parts.join(', ')}).`;
}

/** One line a finding: `file:line:column: warning: spec.endDate: message [CODE]`. */
export function findingLine(untrusted: Finding): string {
  const f = plainModel(untrusted);
  return `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.path ? `${f.path}: ` : ''}${f.message} [${f.code}]`;
}

export function renderFindingsText(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  return [...findings.map(findingLine), findingsSummary(findings)].join('\n') + '\n';
}

export function renderFindingsMarkdown(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const lines = ['#### Exception governance', '', `**${findingsSummary(findings)}**`, '', '| | object | where | finding |', '| --- | --- | --- | --- |'];
  for (const f of findings) {
    lines.push(`| ${f.severity === 'error' ? '🛑 error' : '⚠️ warning'} | ${md.code(`${f.kind}/${f.name}`)} | ${md.code(`${f.file}:${f.line}`)} | ${md.text(f.message)} |`);
  }
  return lines.join('\n') + '\n';
}

export function findingsToJson(findings: readonly Finding[]): Array<Record<string, unknown>> {
  return findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    kind: f.kind,
    name: f.name,
    file: f.file,
    line: f.line,
    column: f.column,
    path: f.path,
    message: f.message,
    ...(f.daysLeft === undefined ? {} : { daysLeft: f.daysLeft }),
  }));
}

// ---- the exceptions report ------------------------------------------------------------------------

const COLUMNS: Array<[string, (r: ExceptionRow) => string]> = [
  ['NAME', (r) => r.name + (r.declared ? '' : ' (undeclared)')],
  ['SCOPE', (r) => r.scope ?? '-'],
  ['ASSIGNMENT', (r) => r.assignment ?? '-'],
  ['START', (r) => r.start ?? '-'],
  ['END', (r) => r.end ?? '-'],
  ['DAYS LEFT', (r) => (r.daysLeft === null ? '-' : r.daysLeft < 0 ? `${r.daysLeft} (expired)` : String(r.daysLeft))],
  ['TICKET', (r) => r.ticket ?? '-'],
];

function title(report: ExceptionReport): string {
  return `Exceptions${report.environment ? ` of environment ${plain(report.environment)}` : ''} on ${report.today} (UTC)${report.live ? ', with the live account' : ''}`;
}

export function renderReportText(report: ExceptionReport): string {
  const cells = report.rows.map((r) => COLUMNS.map(([, f]) => plain(f(r))));
  const widths = COLUMNS.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  const out = [`${title(report)}: ${report.rows.length} exception${report.rows.length === 1 ? '' : 's'}.`, ''];
  if (report.rows.length) out.push(line(COLUMNS.map(([h]) => h)), ...cells.map(line));
  return out.join('\n').trimEnd() + '\n';
}

export function renderReportMarkdown(report: ExceptionReport): string {
  const out = [`### ${md.text(title(report))}`, '', `${report.rows.length} exception${report.rows.length === 1 ? '' : 's'}, soonest end first.`, ''];
  if (report.rows.length) {
    out.push(`| ${COLUMNS.map(([h]) => h.toLowerCase()).join(' | ')} |`, `| ${COLUMNS.map(([h]) => (h === 'DAYS LEFT' ? '---:' : '---')).join(' | ')} |`);
    for (const r of report.rows) out.push(`| ${COLUMNS.map(([, f]) => f(r)).map((v) => (v === '-' ? v : md.text(v))).join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}

export function renderReportJson(report: ExceptionReport): string {
  return (
    JSON.stringify(
      {
        formatVersion: 1,
        today: report.today,
        ...(report.environment ? { environment: report.environment } : {}),
        live: report.live,
        exceptions: report.rows.map((r) => ({ ...r, source: r.source ? `${r.source.file}:${r.source.line}:${r.source.column}` : null })),
      },
      null,
      2,
    ) + '\n'
  );
}
