// ReportSchedule — /csapi/v1.3/reports/schedule: create (POST, documented), update (PUT /{id}, documented; answers
// a {"message"} sentence), and the assumed list ({data, count}), details and delete (docs/api-assumptions.md).
// Bodies use the request's names ("e-mail notification", zip, format, "action": "CREATE"); reads use the report
// list's (emailNotification, fileZipped, fileFormat), with ISO-8601 times in milliseconds like its createdAt.
import type { Account } from '../account.js';
import { badRequest, notFound } from '../errors.js';
import { byMethod, deleted, requireUniqueName } from './crud.js';
import { uuid } from '../ids.js';
import { listPage } from '../pagination.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import { eachSeed, SEED_USER, uniqueName } from '../seeding.js';
import type { Json, SeedAccount } from '../types.js';
import { asObject, oneOf, optArray, optInt, optStringOrNull, reqString, typeOf } from '../validate.js';

const KIND = 'ReportSchedule';
export const REPORT_TEMPLATES = ['CS_CONTAINER_VULNERABILITY', 'CS_IMAGE_VULNERABILITY', 'CS_IMAGE_SECRETS'] as const;
/** The CS_IMAGE_SECRETS columns of the 1.3x notes ("you can include any of these columns"). */
export const SECRETS_COLUMNS = ['repo', 'imageId', 'sha', 'uuid', 'label', 'created', 'updated', 'secretUuid', 'secretSeverity', 'layerSha', 'ruleUuid', 'filePath', 'lastUpdated', 'category', 'secretType', 'matches'];
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A 0/1 flag (booleans accepted) under the first of `keys` that is sent; undefined when none is. */
function flag(o: Json, keys: string[]): number | undefined {
  for (const k of keys) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    if (v === 0 || v === 1) return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw badRequest(`${k} must be 0 or 1, got ${JSON.stringify(v)}`);
  }
  return undefined;
}

/** An ISO-8601 date-time, stored as the reads show it (with milliseconds). */
function isoTime(o: Json, key: string, required: boolean): string | null {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`${key} is required (an ISO-8601 date-time such as 2025-03-17T10:20:00Z)`);
    return null;
  }
  if (typeof v !== 'string' || !ISO.test(v) || Number.isNaN(Date.parse(v))) throw badRequest(`${key} must be an ISO-8601 date-time such as 2025-03-17T10:20:00Z, got ${JSON.stringify(v)}`);
  return new Date(Date.parse(v)).toISOString();
}

function day(v: unknown, where: string): string {
  if (typeof v !== 'string') throw badRequest(`${where} must be a day name (${DAYS.join(', ')}), got ${typeOf(v)}`);
  return oneOf(v, DAYS, where);
}

function details(v: unknown): Json {
  const o = asObject(v, 'reportScheduleDetails');
  const w = 'reportScheduleDetails.';
  const recurrenceType = oneOf(reqString(o, 'recurrenceType', w), ['DAILY', 'WEEKLY', 'MONTHLY'], 'recurrenceType', w);
  const days = o['selectedDayOfWeeks'] === null || o['selectedDayOfWeeks'] === undefined ? null : optArray(o, 'selectedDayOfWeeks', w).map((d, i) => day(d, `${w}selectedDayOfWeeks[${i}]`));
  if (recurrenceType === 'WEEKLY' && (days === null || days.length === 0)) throw badRequest(`${w}selectedDayOfWeeks is required for a WEEKLY schedule (e.g. ["MONDAY", "THURSDAY"])`);
  const ordinalDayOfMonth = o['ordinalDayOfMonth'] === null ? null : optInt(o, 'ordinalDayOfMonth', -1, w, 1, 31);
  const dayOfWeek = o['dayOfWeek'] === null || o['dayOfWeek'] === undefined ? null : day(o['dayOfWeek'], `${w}dayOfWeek`);
  const ordinalDayOfWeek = o['ordinalDayOfWeek'] ?? null;
  if (ordinalDayOfWeek !== null && typeof ordinalDayOfWeek !== 'number' && typeof ordinalDayOfWeek !== 'string') throw badRequest(`${w}ordinalDayOfWeek must be a number or a string, got ${typeOf(ordinalDayOfWeek)}`);
  if (recurrenceType === 'MONTHLY' && (ordinalDayOfMonth === null || ordinalDayOfMonth === -1) && (dayOfWeek === null || ordinalDayOfWeek === null)) {
    throw badRequest(`${w}a MONTHLY schedule needs ordinalDayOfMonth, or dayOfWeek with ordinalDayOfWeek`);
  }
  return {
    recurrenceType,
    selectedDayOfWeeks: days,
    monthlyType: optStringOrNull(o, 'monthlyType', w),
    ordinalDayOfMonth: ordinalDayOfMonth === -1 ? null : ordinalDayOfMonth,
    dayOfWeek,
    ordinalDayOfWeek,
  };
}

function columns(o: Json, template: string): string[] | null {
  if (o['displayColumns'] === undefined || o['displayColumns'] === null) return null;
  const cols = optArray(o, 'displayColumns').map((c, i) => {
    if (typeof c !== 'string' || c.trim() === '') throw badRequest(`displayColumns[${i}] must be a non-empty string, got ${typeOf(c)}`);
    return c.trim();
  });
  const dup = cols.find((c, i) => cols.indexOf(c) !== i);
  if (dup !== undefined) throw badRequest(`displayColumns lists "${dup}" twice`);
  if (template === 'CS_IMAGE_SECRETS') {
    const bad = cols.filter((c) => !SECRETS_COLUMNS.includes(c));
    if (bad.length > 0) throw badRequest(`displayColumns ${bad.join(', ')} not available for CS_IMAGE_SECRETS; use any of ${SECRETS_COLUMNS.join(', ')}`);
  }
  return cols;
}

/**
 * The stored (read) form from a request body, or from a seed entry (`seed`: the read names are accepted too).
 * Only what is sent is stored, nothing filled in (a PUT replaces the object with its body, so a body that omits
 * a field clears it); `null` is stored as sent. `status` is the server's (ACTIVE).
 */
export function normalizeReportSchedule(body: unknown, seed = false): Json {
  const o = asObject(body);
  const action = o['action'];
  if (action !== undefined && action !== 'CREATE') throw badRequest(`action must be "CREATE", got ${JSON.stringify(action)}`);
  const templateName = oneOf(reqString(o, 'templateName'), REPORT_TEMPLATES, 'templateName');
  const format = seed ? (o['format'] ?? o['fileFormat']) : o['format'];
  if (format !== undefined && format !== null && (typeof format !== 'string' || !/^[A-Za-z]+$/.test(format))) throw badRequest(`format must be a format name such as csv, got ${JSON.stringify(format)}`);
  const eventTime = isoTime(o, 'eventTime', true)!;
  const eventEndTime = isoTime(o, 'eventEndTime', false);
  if (eventEndTime !== null && eventEndTime < eventTime) throw badRequest('eventEndTime must not be before eventTime');
  const sent = (k: string) => o[k] !== undefined;
  const out: Json = { name: reqString(o, 'name') };
  const put = (k: string, v: unknown) => {
    if (v !== undefined) out[k] = v;
  };
  if (sent('description')) put('description', optStringOrNull(o, 'description'));
  if (typeof format === 'string') put('fileFormat', format.toLowerCase());
  else if (format === null) put('fileFormat', null);
  put('templateName', templateName);
  put('status', seed && typeof o['status'] === 'string' ? o['status'] : 'ACTIVE');
  if (sent('filter')) put('filter', optStringOrNull(o, 'filter'));
  if (sent('secondFilter')) put('secondFilter', optStringOrNull(o, 'secondFilter'));
  if (sent('displayColumns')) put('displayColumns', columns(o, templateName));
  if (sent('expireAfter')) put('expireAfter', o['expireAfter'] === null ? null : optInt(o, 'expireAfter', 7, '', 1));
  put('emailNotification', flag(o, seed ? ['e-mail notification', 'emailNotification'] : ['e-mail notification']));
  put('fileZipped', flag(o, seed ? ['zip', 'fileZipped'] : ['zip']));
  // the e-mail settings of the 1.38 report list, stored as sent under the list's names
  for (const k of ['recipient', 'emailSubject', 'customMessage'] as const) if (sent(k)) put(k, optStringOrNull(o, k));
  put('sendAsAttachment', flag(o, ['sendAsAttachment']));
  put('reportScheduleDetails', details(o['reportScheduleDetails']));
  put('eventTime', eventTime);
  if (sent('eventEndTime')) put('eventEndTime', eventEndTime);
  if (seed) for (const k of ['scheduleUuid', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt'] as const) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** The read representation (list items and details). */
export function reportScheduleDetails(s: Json): Json {
  const out: Json = {
    scheduleUuid: s['scheduleUuid'],
    name: s['name'],
    description: s['description'],
    fileFormat: s['fileFormat'],
    templateName: s['templateName'],
    status: s['status'],
    filter: s['filter'],
    secondFilter: s['secondFilter'],
    displayColumns: s['displayColumns'],
    expireAfter: s['expireAfter'],
    emailNotification: s['emailNotification'],
    fileZipped: s['fileZipped'],
    recipient: s['recipient'],
    emailSubject: s['emailSubject'],
    customMessage: s['customMessage'],
    sendAsAttachment: s['sendAsAttachment'],
    reportScheduleDetails: s['reportScheduleDetails'],
    eventTime: s['eventTime'],
    eventEndTime: s['eventEndTime'],
    createdBy: s['createdBy'],
    createdAt: s['createdAt'],
    updatedBy: s['updatedBy'],
    updatedAt: s['updatedAt'],
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return structuredClone(out);
}

function handle(ctx: RouteCtx): RouteResult {
  const map = ctx.account.objects(KIND);
  const [id, extra] = ctx.rest;
  if (extra !== undefined) throw notFound('No such path under reports/schedule');
  const now = new Date(ctx.now).toISOString();
  if (id === undefined) {
    return byMethod(ctx, 'reports/schedule', {
      GET: () => {
        const { page, count } = listPage([...map.values()].map(reportScheduleDetails), ctx.query, ctx.pageSizeCap, 'name');
        return { status: 200, body: { data: page, count } };
      },
      POST: () => {
        const s = normalizeReportSchedule(ctx.body);
        requireUniqueName(map, 'name', s, 'A report schedule');
        const rec = { scheduleUuid: uuid(), ...s, createdBy: ctx.user, createdAt: now, updatedBy: ctx.user, updatedAt: now };
        map.set(rec.scheduleUuid, rec);
        return { status: 200, body: { scheduleUuid: rec.scheduleUuid }, created: true, mutated: true };
      },
    });
  }
  const cur = map.get(id);
  if (!cur) throw notFound(`Report schedule ${id} not found`);
  return byMethod(ctx, 'reports/schedule/{reportingScheduleId}', {
    GET: () => ({ status: 200, body: reportScheduleDetails(cur) }),
    PUT: () => {
      const s = normalizeReportSchedule(ctx.body);
      requireUniqueName(map, 'name', s, 'A report schedule', id);
      map.set(id, { scheduleUuid: id, ...s, createdBy: cur['createdBy'], createdAt: cur['createdAt'], updatedBy: ctx.user, updatedAt: now });
      return { status: 200, body: { message: `Details updated successfully for reportScheduleId ${id}` }, mutated: true };
    },
    DELETE: () => deleted(map, id),
  });
}

function seed(account: Account, s: SeedAccount, now: number): void {
  const map = account.objects(KIND);
  const iso = new Date(now).toISOString();
  eachSeed(s, 'reportSchedules', (o) => {
    const rec: Json = { scheduleUuid: uuid(), createdBy: SEED_USER, createdAt: iso, updatedBy: SEED_USER, updatedAt: iso, ...normalizeReportSchedule(o, true) };
    uniqueName(map, 'name', rec, rec['scheduleUuid'] as string, 'reportSchedules');
    map.set(rec['scheduleUuid'] as string, rec);
  });
}

export const reportScheduleRoutes: KindRoutes = {
  // the schedule list is not documented: its e-mail settings are taken to be in the details only (assumed)
  detailOnly: ['recipient', 'emailSubject', 'customMessage', 'sendAsAttachment'],
  kind: KIND,
  permission: 'REPORT',
  bases: [['v1.3', 'reports', 'schedule']],
  handle,
  seedKeys: ['reportSchedules'],
  seed,
  dump: (account) => ({ reportSchedules: [...account.objects(KIND).values()].map(reportScheduleDetails) }),
};
