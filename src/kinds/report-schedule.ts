// ReportSchedule — /v1.3/reports/schedule: scheduled vulnerability and secrets reports (CS 1.38 notes; the
// CS_IMAGE_SECRETS template and its columns from the 1.3x notes).
// Quirks, handled here and in the sibling report-schedule-wire.ts (the field forms: read names, normalized form,
// body): the create/update body spells the e-mail flag "e-mail notification" while reads say
// `emailNotification`; the body sends `zip` and `format`, reads say `fileZipped` and `fileFormat`; both bodies
// carry `"action": "CREATE"` as the notes print them; the update answers a `{"message"}` sentence, not an id;
// the id is `scheduleUuid`. An update receives the whole desired object (engine/desired.ts: the live value of
// every top-level field the declaration does not mention), so a PUT never clears what the user did not touch.
import type { CheckIssue } from './types.js';
import { defineKind } from './defaults.js';
import { suggest } from '../declarations/messages.js';
import { body, canonicalOf, EMAIL, EMAIL_WIRE, FIELDS, READ_NAMES, wireDate } from './report-schedule-wire.js';
import { type Obj, isBlank, isObj, optString, pick, upper } from './coerce.js';
import { parseDate } from './dates.js';
import { collection } from './collection.js';

const PATH = '/v1.3/reports/schedule';

/** The templates the notes name. Others are allowed, with a warning. */
export const TEMPLATES = ['CS_CONTAINER_VULNERABILITY', 'CS_IMAGE_VULNERABILITY', 'CS_IMAGE_SECRETS'] as const;

/** Columns the notes list for a template. `complete`: the notes say these are all there are (an unknown one is an
 * error); otherwise the list is what the samples show (an unknown one is a warning). */
export const TEMPLATE_COLUMNS: Record<string, { columns: readonly string[]; complete: boolean }> = {
  // 1.3x notes, "Create a Report Request": "When the template CS_IMAGE_SECRETS is used, you can include any of these columns"
  CS_IMAGE_SECRETS: {
    complete: true,
    columns: ['repo', 'imageId', 'sha', 'uuid', 'label', 'created', 'updated', 'secretUuid', 'secretSeverity', 'layerSha', 'ruleUuid', 'filePath', 'lastUpdated', 'category', 'secretType', 'matches'],
  },
  // 1.38 notes: every column the report list and the create/update samples show for this template
  CS_CONTAINER_VULNERABILITY: {
    complete: false,
    columns: ['name', 'containerId', 'qid', 'severity', 'firstDetected', 'lastScanned', 'tags', 'clusterName', 'podNameSpace', 'podName', 'nodeName', 'hostArchitecture'],
  },
};

export interface ScheduleDetails {
  recurrenceType?: string;
  selectedDayOfWeeks?: string[] | null;
  monthlyType?: string | null;
  ordinalDayOfMonth?: number | null;
  dayOfWeek?: string | null;
  ordinalDayOfWeek?: number | string | null;
}

export interface ReportScheduleSpec {
  description?: string | null;
  templateName?: string;
  filter?: string | null;
  secondFilter?: string | null;
  format?: string;
  displayColumns?: string[] | null;
  expireAfter?: number | string;
  zip?: boolean | number;
  emailNotification?: boolean | number;
  'e-mail notification'?: boolean | number;
  /** Addresses the report goes to, comma-separated as the 1.38 report list prints them. */
  recipient?: string | null;
  emailSubject?: string | null;
  customMessage?: string | null;
  sendAsAttachment?: boolean | number;
  reportScheduleDetails?: ScheduleDetails | null;
  eventTime?: string | number;
  eventEndTime?: string | number | null;
  /** The body's `"action": "CREATE"`, accepted so a request body reads as a declaration; never compared. */
  action?: string;
}

export type ReportScheduleLive = Obj;

function idOf(live: ReportScheduleLive): string {
  return optString(pick(live, 'scheduleUuid', 'reportingScheduleId', 'uuid', 'id')) ?? '';
}

const rest = collection(PATH, { idOf, createdIdKeys: ['scheduleUuid', 'reportingScheduleId', 'uuid'], what: 'create report schedule' });

function toSpec(live: ReportScheduleLive): ReportScheduleSpec {
  const c = canonicalOf(live, 'live');
  const spec: Obj = {};
  if (c.description !== '') spec.description = c.description;
  spec.templateName = c.templateName;
  if (c.filter !== null) spec.filter = c.filter;
  if (c.secondFilter !== null) spec.secondFilter = c.secondFilter;
  spec.format = c.format;
  if (c.displayColumns !== null) spec.displayColumns = c.displayColumns;
  if (c.expireAfter !== null) spec.expireAfter = c.expireAfter;
  spec.zip = c.zip;
  spec.emailNotification = c[EMAIL];
  if (c.recipient !== '') spec.recipient = c.recipient;
  if (c.emailSubject !== '') spec.emailSubject = c.emailSubject;
  if (c.customMessage !== '') spec.customMessage = c.customMessage;
  if (c.sendAsAttachment === true) spec.sendAsAttachment = true;
  spec.reportScheduleDetails = c.reportScheduleDetails;
  spec.eventTime = wireDate(c.eventTime);
  if (c.eventEndTime !== null) spec.eventEndTime = wireDate(c.eventEndTime);
  return spec as ReportScheduleSpec;
}

function checkColumns(template: string | undefined, columns: unknown, issues: CheckIssue[]): void {
  if (!Array.isArray(columns)) return;
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    if (typeof c !== 'string') return;
    const first = seen.get(c);
    if (first !== undefined) issues.push({ path: ['displayColumns', i], message: `column "${c}" is listed twice (first at displayColumns[${first}]); list it once` });
    else seen.set(c, i);
  });
  const known = template !== undefined ? TEMPLATE_COLUMNS[template] : undefined;
  if (!known) return;
  columns.forEach((c, i) => {
    if (typeof c !== 'string' || known.columns.includes(c)) return;
    const s = suggest(c, known.columns);
    const hint = s !== undefined ? ` — did you mean '${s}'?` : '';
    if (known.complete) {
      issues.push({ path: ['displayColumns', i], message: `column "${c}" is not a ${template} column${hint} (the columns are: ${known.columns.join(', ')})` });
    } else {
      issues.push({ path: ['displayColumns', i], severity: 'warning', message: `column "${c}" is not among the ${template} columns the release notes show${hint} (${known.columns.join(', ')}); Qualys may refuse it` });
    }
  });
}

function checkDetails(v: unknown, issues: CheckIssue[]): void {
  if (!isObj(v)) return;
  const at = (k: string) => ['reportScheduleDetails', k];
  const type = upper(v.recurrenceType);
  const days = Array.isArray(v.selectedDayOfWeeks) ? v.selectedDayOfWeeks : [];
  if (type === 'WEEKLY' && days.length === 0) {
    issues.push({ path: at('selectedDayOfWeeks'), message: 'a WEEKLY schedule names its days in selectedDayOfWeeks, e.g. [MONDAY, THURSDAY]' });
  }
  if (type !== 'WEEKLY' && days.length > 0) {
    issues.push({ path: at('selectedDayOfWeeks'), message: `selectedDayOfWeeks applies to WEEKLY schedules only; this one is ${type ?? 'without recurrenceType'}: remove it or set it to null` });
  }
  if (type === 'MONTHLY') {
    const byDate = !isBlank(v.ordinalDayOfMonth);
    const byWeekday = !isBlank(v.dayOfWeek) || !isBlank(v.ordinalDayOfWeek);
    if (!byDate && !byWeekday) {
      issues.push({ path: ['reportScheduleDetails'], message: 'a MONTHLY schedule names its day: ordinalDayOfMonth (1-31), or dayOfWeek with ordinalDayOfWeek (e.g. MONDAY and 1 for the first Monday)' });
    } else if (byWeekday && (isBlank(v.dayOfWeek) || isBlank(v.ordinalDayOfWeek))) {
      issues.push({ path: at(isBlank(v.dayOfWeek) ? 'dayOfWeek' : 'ordinalDayOfWeek'), message: 'dayOfWeek and ordinalDayOfWeek go together (e.g. MONDAY and 1 for the first Monday of the month)' });
    }
  }
}

function check(spec: ReportScheduleSpec): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const o = spec as Obj;
  const template = upper(spec.templateName);
  if (template !== undefined && !(TEMPLATES as readonly string[]).includes(template)) {
    const s = suggest(template, TEMPLATES);
    issues.push({ path: ['templateName'], severity: 'warning', message: `templateName "${template}" is not one the release notes name (${TEMPLATES.join(', ')})${s ? ` — did you mean '${s}'?` : ''}; Qualys may refuse it` });
  }
  if (o[EMAIL] !== undefined && o[EMAIL_WIRE] !== undefined) {
    issues.push({ path: [EMAIL_WIRE], message: `give the e-mail flag once: "${EMAIL}" or "${EMAIL_WIRE}" (the request's spelling), not both` });
  }
  checkColumns(template, spec.displayColumns, issues);
  checkDetails(spec.reportScheduleDetails, issues);
  for (const f of ['eventTime', 'eventEndTime'] as const) {
    if (!isBlank(spec[f]) && parseDate(spec[f]) === undefined) {
      issues.push({ path: [f], message: `${f} "${String(spec[f])}" is not a date: use an ISO 8601 date-time with a zone (2025-03-17T10:20:00Z), a date (2025-03-17), or epoch milliseconds` });
    }
  }
  const start = parseDate(spec.eventTime);
  const end = parseDate(spec.eventEndTime);
  if (start !== undefined && end !== undefined && end < start) {
    issues.push({ path: ['eventEndTime'], message: `eventEndTime (${wireDate(spec.eventEndTime)}) is before eventTime (${wireDate(spec.eventTime)}); the schedule would never run` });
  }
  return issues;
}

export const reportSchedule = defineKind<ReportScheduleSpec, ReportScheduleLive>({
  kind: 'ReportSchedule',
  schemaFile: 'report-schedule.schema.json',
  folder: 'report-schedules',
  dependsOn: [],
  listIsComplete: true,

  list: rest.list,

  get: rest.get,

  idOf,
  nameOf: (live) => optString(pick(live, 'name', 'reportName', 'scheduleName')) ?? '',

  canonical: (spec) => canonicalOf(spec as Obj, 'spec'),
  canonicalLive: (live) => canonicalOf(live, 'live'),

  fields: FIELDS,
  wire: READ_NAMES,
  aliases: { [EMAIL_WIRE]: EMAIL },

  create: (api, name, desired) => rest.create(api, body(name, desired)),

  // The answer is a sentence ({"message": "Details updated successfully for reportScheduleId …"}): nothing to read.
  update: (api, live, name, desired) => rest.update(api, live, body(name, desired, live)),

  remove: rest.remove,

  isProtected: () => false,
  toSpec,
  check,
});
