// Exception governance: findings about declared exceptions (expired, ending soon, too long, without a ticket),
// computed offline from the declarations, the project's governance rules and "now". Pure: data in, data out; the
// renderers in src/render/governance.ts turn findings into text, markdown and json.
import { UsageError, type Diagnostic } from '../errors.js';
import type { Declaration } from '../types.js';
import type { Governance } from '../project/load.js';
import { parseDate } from '../kinds/dates.js';

/** The kind whose declarations are risk acceptances with an end date. */
export const EXCEPTION_KIND = 'Exception';

export type FindingCode = 'EXCEPTION_EXPIRED' | 'EXCEPTION_EXPIRING' | 'EXCEPTION_TOO_LONG' | 'EXCEPTION_NO_TICKET';

/** One finding, at the field it is about (a Diagnostic, so every reporter can place it on its line). */
export interface Finding extends Diagnostic {
  code: FindingCode;
  severity: 'error' | 'warning';
  kind: string;
  name: string;
  /** Whole UTC days from today to the end date (negative once it has passed). */
  daysLeft?: number;
}

const DAY_MS = 86_400_000;

/** The UTC day number of an instant (days since 1970-01-01). */
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** `YYYY-MM-DD` of a UTC day number. */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** "Now", injectable with QCS_GITOPS_NOW (an ISO date or date-time) for tests and for reproducing a report. */
export function currentTime(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.QCS_GITOPS_NOW;
  if (raw === undefined || raw.trim() === '') return Date.now();
  const ms = /^\d+$/.test(raw.trim()) ? undefined : parseDate(raw);
  if (ms === undefined) throw new UsageError(`QCS_GITOPS_NOW is not an ISO date or date-time: '${raw}'`, 'Use e.g. QCS_GITOPS_NOW=2026-12-01 or 2026-12-01T09:00:00Z, or unset it.');
  return ms;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The governance findings of the declared exceptions, sorted by file, line and column. */
export function exceptionFindings(declarations: readonly Declaration[], rules: Governance, now: number): Finding[] {
  const today = utcDay(now);
  const out: Finding[] = [];
  for (const d of declarations) {
    if (d.kind !== EXCEPTION_KIND) continue;
    const finding = (code: FindingCode, severity: Finding['severity'], path: string[], message: string, daysLeft?: number) => {
      const pos = d.positionOf(path);
      out.push({ file: pos.file, line: pos.line, column: pos.column, path: path.join('.'), message, severity, code, kind: d.kind, name: d.name, ...(daysLeft === undefined ? {} : { daysLeft }) });
    };
    const start = parseDate(d.spec.startDate);
    const end = parseDate(d.spec.endDate);
    if (end !== undefined) {
      const endDay = utcDay(end);
      const left = endDay - today;
      if (left < 0) {
        finding(
          'EXCEPTION_EXPIRED',
          'error',
          ['spec', 'endDate'],
          `Exception '${d.name}' ended on ${dayString(endDay)} (${plural(-left, 'day')} ago) but is still declared: it no longer accepts anything, and extending it would skip a review. Remove it, or renew it with a new review (a new endDate and ticket)`,
          left,
        );
      } else if (left <= rules.exceptionExpiryWarningDays) {
        finding(
          'EXCEPTION_EXPIRING',
          'warning',
          ['spec', 'endDate'],
          `Exception '${d.name}' ends ${left === 0 ? 'today' : `in ${plural(left, 'day')}`} (${dayString(endDay)}); review it now: renew it with a new endDate and ticket, or plan the fix and remove it when it ends`,
          left,
        );
      }
      if (start !== undefined && rules.exceptionMaxDays !== null) {
        const length = endDay - utcDay(start);
        if (length > rules.exceptionMaxDays) {
          finding(
            'EXCEPTION_TOO_LONG',
            'warning',
            ['spec', 'endDate'],
            `Exception '${d.name}' lasts ${plural(length, 'day')} (${dayString(utcDay(start))} to ${dayString(endDay)}), longer than exceptionMaxDays (${rules.exceptionMaxDays}); shorten it and renew it after a review`,
            left,
          );
        }
      }
    }
    if (rules.requireTicket && !(d.annotations?.ticket ?? '').trim()) {
      finding(
        'EXCEPTION_NO_TICKET',
        'warning',
        ['metadata', 'name'],
        `Exception '${d.name}' has no metadata.annotations.ticket (requireTicket is on); add the ticket that approved it, e.g. annotations: { ticket: SEC-1234 }`,
      );
    }
  }
  return out.sort((a, b) => (a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : 1)));
}

/** Counts for a one-line summary. */
export function countFindings(findings: readonly Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}
