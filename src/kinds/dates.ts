// Dates of declarations and of the API: the forms read (an ISO 8601 date-time with a zone, a date meaning 00:00 UTC,
// epoch ms as a number or a digit string), the canonical form compared (ISO 8601 in UTC, with ms) and the friendly
// form export writes. Pure; shared by the kind modules and the governance report.
import { isBlank } from './coerce.js';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-](\d{2}):?(\d{2})?)$/;
const DIGITS = /^-?\d+$/;

/** True when year-month-day names a day of the calendar (not 2026-02-30, not month 13). */
export function isCalendarDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const back = new Date(Date.UTC(y, m - 1, d));
  return back.getUTCMonth() === m - 1 && back.getUTCDate() === d;
}

/** Epoch milliseconds of a declaration or API date: ISO date-time (with a zone), a date (00:00 UTC),
 * epoch ms as a number or a digit string, or a Date. undefined when unset or unreadable, and for a day the
 * calendar does not have (2026-02-30: JavaScript's Date would silently read it as March 2nd). */
export function parseDate(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === '') return undefined;
  if (DIGITS.test(s)) return Number(s);
  const d = DATE_ONLY.exec(s);
  if (d) {
    if (!isCalendarDay(Number(d[1]), Number(d[2]), Number(d[3]))) return undefined;
    return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
  }
  const t = DATE_TIME.exec(s);
  if (t) {
    if (!isCalendarDay(Number(t[1]), Number(t[2]), Number(t[3]))) return undefined;
    if (Number(t[4]) > 23 || Number(t[5]) > 59 || Number(t[6] ?? 0) > 59) return undefined;
    if (t[9] !== undefined && (Number(t[9]) > 23 || Number(t[10] ?? 0) > 59)) return undefined;
    const ms = Date.parse(s.replace(' ', 'T'));
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Canonical date: ISO 8601 in UTC with milliseconds (what a reviewer reads in a plan, and one form for
 * every input: date, date-time, epoch ms); an unreadable value is kept as a string (so the difference shows). */
export function canonicalDate(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const known = CANONICAL_OF_TEXT.get(v);
    if (known !== undefined) return known;
  }
  if (isBlank(v)) return undefined;
  const ms = parseDate(v);
  if (ms === undefined) return String(v);
  let iso = ISO_OF.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    if (ISO_OF.size < 4096) ISO_OF.set(ms, iso);
  }
  if (typeof v === 'string' && CANONICAL_OF_TEXT.size < 4096) CANONICAL_OF_TEXT.set(v, iso);
  return iso;
}

/** canonicalDate of the date texts met (a plan of thousands of objects parses the same few dates again and again:
 * the epoch strings of the API, the days of the declarations). */
const CANONICAL_OF_TEXT = new Map<string, string>();

/** toISOString of the instants met (declarations share a few dates; the formatting costs ≈ 1 µs a call). */
const ISO_OF = new Map<number, string>();

/** Friendly declaration form of epoch ms: `YYYY-MM-DD` at 00:00 UTC, else ISO 8601 (`…Z`, ms only when set). */
export function friendlyDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  if (ms % 86_400_000 === 0) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
