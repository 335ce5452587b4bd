// ReportSchedule's field forms (the kind is src/kinds/report-schedule.ts): each top-level field as a spec or a
// read names it (`fileFormat`/`format`, `fileZipped`/`zip`, `emailNotification`/"e-mail notification"), its
// normalized form (what is compared), and the create/update body in the sample's key order.
import { isDeepStrictEqual } from 'node:util';
import { type Obj, bool, isBlank, isObj, optInt, optString, upper } from './coerce.js';
import { canonicalDate, parseDate } from './dates.js';

/** Day names of `selectedDayOfWeeks` and `dayOfWeek` (our assumption: the notes only print null). */
export const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
/** The read form's key of the e-mail flag, and the body's. */
export const EMAIL = 'emailNotification';
export const EMAIL_WIRE = 'e-mail notification';

/** The e-mail settings the 1.38 report list prints beside the flag (`recipient`, `emailSubject`, `customMessage`,
 * `sendAsAttachment`): declarable, compared and carried, sent under the names the list reads them. */
export const EMAIL_FIELDS = ['recipient', 'emailSubject', 'customMessage', 'sendAsAttachment'] as const;

/** Top-level spec fields, in the order of the create sample (the e-mail settings after the flag). */
export const FIELDS = ['description', 'templateName', 'filter', 'format', 'reportScheduleDetails', 'expireAfter', 'secondFilter', 'displayColumns', 'zip', EMAIL, ...EMAIL_FIELDS, 'eventEndTime', 'eventTime'] as const;
/** The names under which a read carries a field, where they differ from the field's own (engine/fetch.ts). */
export const READ_NAMES: Readonly<Record<string, readonly string[]>> = { format: ['fileFormat', 'format'], zip: ['fileZipped', 'zip'], [EMAIL]: [EMAIL, EMAIL_WIRE] };
/** Server-managed fields of a read schedule (its id, authorship, times, status; the report list's report fields):
 * never sent back. */
const SERVER_FIELDS = ['scheduleUuid', 'reportingScheduleId', 'uuid', 'id', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt', 'status', 'reportUuid', 'isScheduled', 'expireOn'];
type Field = (typeof FIELDS)[number];

/** The value of a top-level field in a spec (declaration names) or a live object (read names); `undefined` when
 * the object does not mention it. */
function raw(o: Obj, f: Field, side: 'spec' | 'live'): unknown {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const first = (...keys: string[]) => {
    for (const k of keys) if (has(k) && o[k] !== undefined) return o[k] ?? null;
    return undefined;
  };
  switch (f) {
    case 'format':
      return side === 'live' ? first('fileFormat', 'format') : first('format');
    case 'zip':
      return side === 'live' ? first('fileZipped', 'zip') : first('zip');
    case EMAIL:
      return first(EMAIL, EMAIL_WIRE);
    default:
      return first(f);
  }
}

function dayList(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  const days = [...new Set(v.map((d) => upper(d)).filter((d): d is string => d !== undefined))];
  const rank = (d: string) => ((DAYS as readonly string[]).indexOf(d) + 8) % 8; // unknown names last
  return days.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** reportScheduleDetails with every field present (null when unset), names upper case, days in week order. */
function fullDetails(v: unknown): Obj | null {
  if (!isObj(v)) return null;
  const ord = optInt(v.ordinalDayOfWeek);
  return {
    recurrenceType: upper(v.recurrenceType) ?? null,
    selectedDayOfWeeks: dayList(v.selectedDayOfWeeks),
    monthlyType: upper(v.monthlyType) ?? null,
    ordinalDayOfMonth: optInt(v.ordinalDayOfMonth) ?? null,
    dayOfWeek: upper(v.dayOfWeek) ?? null,
    ordinalDayOfWeek: ord ?? upper(v.ordinalDayOfWeek) ?? null,
  };
}

/** The comparable details: only the fields that apply to the recurrence (a DAILY schedule's ordinalDayOfMonth,
 * sent as 1 in the sample, means nothing and is not compared). */
function canonicalDetails(v: unknown): Obj | null {
  const d = fullDetails(v);
  if (!d) return null;
  if (d.recurrenceType === 'DAILY') return { recurrenceType: 'DAILY' };
  if (d.recurrenceType === 'WEEKLY') return { recurrenceType: 'WEEKLY', selectedDayOfWeeks: d.selectedDayOfWeeks ?? [] };
  if (d.recurrenceType === 'MONTHLY') {
    const { selectedDayOfWeeks: _unused, ...monthly } = d;
    return monthly;
  }
  return d;
}

/** A top-level field in its normalized form (what is compared, and what is written). */
function norm(f: Field, v: unknown): unknown {
  switch (f) {
    case 'description':
      return optString(v) ?? '';
    case 'templateName':
      return upper(v) ?? null;
    case 'filter':
    case 'secondFilter':
      return optString(v) ?? null;
    case 'format':
      return optString(v)?.trim().toLowerCase() ?? 'csv';
    case 'displayColumns':
      // null: every column of the template; []: its default columns only (1.3x notes) — not the same
      return Array.isArray(v) ? v.map((c) => (typeof c === 'string' ? c.trim() : c)) : null;
    case 'expireAfter':
      return optInt(v) ?? null;
    case 'zip':
    case EMAIL:
    case 'sendAsAttachment':
      return bool(v, false);
    case 'recipient':
    case 'emailSubject':
    case 'customMessage':
      return optString(v)?.trim() ?? '';
    case 'reportScheduleDetails':
      return canonicalDetails(v);
    case 'eventTime':
    case 'eventEndTime':
      return canonicalDate(v) ?? null;
  }
}

export function canonicalOf(o: Obj, side: 'spec' | 'live'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const v = raw(o, f, side);
    if (v !== undefined || side === 'live') out[f] = norm(f, v);
  }
  return out;
}

/** ISO-8601 on the wire, as in the sample (`2025-03-17T10:20:00Z`); an unreadable value is sent as given. */
export function wireDate(v: unknown): string | null {
  if (isBlank(v)) return null;
  const ms = parseDate(v);
  if (ms === undefined) return String(v);
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** A field's value in the body. */
function wireValue(f: Field, v: unknown): unknown {
  switch (f) {
    case 'zip':
    case EMAIL:
    case 'sendAsAttachment':
      return bool(v, false) ? 1 : 0;
    case 'reportScheduleDetails':
      return fullDetails(v);
    case 'eventTime':
    case 'eventEndTime':
      return wireDate(v);
    case 'secondFilter':
      return optString(v) ?? '';
    default:
      return norm(f, v);
  }
}

/** The body's key of a field: the request samples' spelling ("e-mail notification", `format`, `zip`). */
const wireKey = (f: Field): string => (f === EMAIL ? EMAIL_WIRE : f);

/** The create/update body, in the sample's key order, from the canonical `desired` (see engine/desired.ts), with
 * `"action": "CREATE"` as both samples print it. A create: the declared fields only (`desired` holds just those;
 * a DAILY schedule's meaningless `ordinalDayOfMonth` is sent as 1, as the documented body prints it). An update:
 * the live details — every field, keys no kind knows included, server-managed ones left out, read names under the
 * request's names — with each field whose desired value differs replaced; a field whose value is the live one is
 * sent exactly as read (so nothing the comparison ignores, such as a DAILY `ordinalDayOfMonth`, changes). */
export function body(name: string, desired: Obj, live?: Obj): Obj {
  const out: Obj = { name };
  const have = live ? canonicalOf(live, 'live') : undefined;
  for (const f of FIELDS) {
    const liveRaw = live ? raw(live, f, 'live') : undefined;
    const unchanged = have !== undefined && isDeepStrictEqual(have[f], desired[f]);
    if (f === 'eventTime') out.action = 'CREATE'; // as both samples print it, between eventEndTime and eventTime
    if (unchanged ? liveRaw === undefined : desired[f] === undefined) continue;
    const key = wireKey(f);
    if (unchanged) {
      out[key] = f === 'zip' || f === EMAIL || f === 'sendAsAttachment' || f === 'eventTime' || f === 'eventEndTime' ? wireValue(f, liveRaw) : liveRaw;
      continue;
    }
    if (f === 'reportScheduleDetails') {
      const d = fullDetails(desired[f]);
      if (d && d.recurrenceType === 'DAILY' && d.ordinalDayOfMonth === null) d.ordinalDayOfMonth = 1;
      out[key] = d;
      continue;
    }
    out[key] = wireValue(f, desired[f]);
  }
  if (live) {
    const known = new Set<string>([...FIELDS, ...Object.values(READ_NAMES).flat(), ...SERVER_FIELDS, 'name', 'reportName', 'scheduleName', 'action']);
    for (const [k, v] of Object.entries(live)) if (!known.has(k) && v !== undefined && !(k in out)) out[k] = v;
  }
  return out;
}
