// The exceptions report: every declared exception (and, with the live account, the undeclared ones too) as rows
// sorted by end date, with the days left. Pure: the CLI reads the declarations and the live state, the renderers in
// src/render/governance.ts write the table.
import type { Declaration } from '../types.js';
import type { SourcePos } from '../errors.js';
import { parseDate } from '../kinds/dates.js';
import { EXCEPTION_KIND, dayString, utcDay } from './findings.js';

export interface ExceptionRow {
  name: string;
  /** false: in the live account but not declared (with --live). */
  declared: boolean;
  scope: string | null;
  /** DYNAMIC with its filter, another declared value, or null (not declared: assigned by hand in Qualys). */
  assignment: string | null;
  start: string | null;
  end: string | null;
  /** Whole UTC days from today to the end date; negative once passed; null without an end date. */
  daysLeft: number | null;
  ticket: string | null;
  /** Where it is declared. */
  source?: SourcePos;
}

export interface ExceptionReport {
  /** Today (UTC), as the report computed days from. */
  today: string;
  environment?: string;
  /** Whether undeclared live exceptions were read. */
  live: boolean;
  rows: ExceptionRow[];
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function row(name: string, spec: Record<string, unknown>, today: number, declared: boolean, ticket: string | null, source?: SourcePos): ExceptionRow {
  const start = parseDate(spec.startDate);
  const end = parseDate(spec.endDate);
  const type = str(spec.entityAssignmentType);
  const filter = str(spec.dynamicFilter);
  return {
    name,
    declared,
    scope: str(spec.scope),
    assignment: type && filter && type.toUpperCase() === 'DYNAMIC' ? `${type} ${filter}` : type,
    start: start === undefined ? null : dayString(utcDay(start)),
    end: end === undefined ? null : dayString(utcDay(end)),
    daysLeft: end === undefined ? null : utcDay(end) - today,
    ticket,
    ...(source ? { source } : {}),
  };
}

/** Rows sorted by end date (soonest first; none last), then by name. `live` holds the live account's exceptions as
 * declaration specs with their names (the kind's toSpec), of which the undeclared ones are added. */
export function exceptionReport(
  declarations: readonly Declaration[],
  now: number,
  opts: { environment?: string; live?: ReadonlyArray<{ name: string; spec: Record<string, unknown> }> } = {},
): ExceptionReport {
  const today = utcDay(now);
  const declared = declarations.filter((d) => d.kind === EXCEPTION_KIND);
  const names = new Set(declared.map((d) => d.name));
  const rows = declared.map((d) => row(d.name, d.spec, today, true, str(d.annotations?.ticket), d.source));
  for (const l of opts.live ?? []) if (!names.has(l.name)) rows.push(row(l.name, l.spec, today, false, null));
  rows.sort((a, b) => {
    if (a.daysLeft !== b.daysLeft) return a.daysLeft === null ? 1 : b.daysLeft === null ? -1 : a.daysLeft - b.daysLeft;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return { today: dayString(today), ...(opts.environment ? { environment: opts.environment } : {}), live: opts.live !== undefined, rows };
}
