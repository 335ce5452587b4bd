import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reportSchedule as kind, type ReportScheduleSpec } from '../../src/kinds/report-schedule.js';
import { validateText } from '../../src/declarations/validate.js';
import { desiredState } from '../../src/engine/desired.js';
import { FakeApi } from './helpers.js';

const P = '/v1.3/reports/schedule';
const ID = '310ab890-0318-11f0-9274-53256e39b1ae';
const SAMPLES = fileURLToPath(new URL('../fixtures/api-samples/report-schedule/', import.meta.url));
const sample = (f: string) => JSON.parse(readFileSync(SAMPLES + f, 'utf8'));

/** A request body as a declaration: metadata.name = name, spec = every other field as printed. */
function asDeclaration(body: Record<string, unknown>): { name: string; spec: ReportScheduleSpec } {
  const { name, ...spec } = body;
  return { name: name as string, spec: spec as ReportScheduleSpec };
}

/** The read form the simulator answers for the create sample (names of the report list). */
function liveOfCreate(): Record<string, unknown> {
  return {
    scheduleUuid: ID,
    name: 'SCHEDTESTAPI',
    description: '',
    fileFormat: 'csv',
    templateName: 'CS_CONTAINER_VULNERABILITY',
    status: 'ACTIVE',
    filter: null,
    secondFilter: '',
    displayColumns: ['name', 'containerId', 'firstDetected', 'qid'],
    expireAfter: 7,
    emailNotification: 0,
    fileZipped: 0,
    reportScheduleDetails: { recurrenceType: 'DAILY', selectedDayOfWeeks: null, monthlyType: null, ordinalDayOfMonth: 1, dayOfWeek: null, ordinalDayOfWeek: null },
    eventTime: '2025-03-17T10:20:00.000Z',
    eventEndTime: '2025-03-18T16:34:00.000Z',
  };
}

const weeklySecrets: ReportScheduleSpec = {
  templateName: 'CS_IMAGE_SECRETS',
  format: 'csv',
  displayColumns: ['imageId', 'secretUuid', 'secretSeverity'],
  emailNotification: true,
  reportScheduleDetails: { recurrenceType: 'WEEKLY', selectedDayOfWeeks: ['THURSDAY', 'MONDAY'] },
  eventTime: '2026-01-05',
};

describe('ReportSchedule canonical forms', () => {
  it('the create sample as a declaration equals its read-back form (e-mail notification/zip/format vs emailNotification/fileZipped/fileFormat)', () => {
    const { spec } = asDeclaration(sample('create.request.json'));
    const live = kind.canonicalLive(liveOfCreate());
    const declared = kind.canonical(spec);
    // the declaration mentions every field of the sample: what it compares is that much of the live form (the
    // e-mail settings, which the sample does not carry, read back empty and are not managed)
    expect(declared).toEqual(Object.fromEntries(Object.keys(declared).map((k) => [k, live[k]])));
    expect(live).toMatchObject({ recipient: '', emailSubject: '', customMessage: '', sendAsAttachment: false });
    expect(declared).not.toHaveProperty('action');
  });

  it('compares only what the declaration mentions; a DAILY schedule ignores ordinalDayOfMonth', () => {
    expect(Object.keys(kind.canonical({ templateName: 'CS_IMAGE_SECRETS', reportScheduleDetails: { recurrenceType: 'DAILY', ordinalDayOfMonth: 9 }, eventTime: '2025-03-17' }))).toEqual([
      'templateName',
      'reportScheduleDetails',
      'eventTime',
    ]);
    expect(kind.canonical({ reportScheduleDetails: { recurrenceType: 'daily', ordinalDayOfMonth: 9 } }).reportScheduleDetails).toEqual({ recurrenceType: 'DAILY' });
    expect(kind.canonical(weeklySecrets).reportScheduleDetails).toEqual({ recurrenceType: 'WEEKLY', selectedDayOfWeeks: ['MONDAY', 'THURSDAY'] });
  });

  it('null columns (all) and [] (the defaults) stay different; flags read 0/1 and booleans alike', () => {
    expect(kind.canonical({ displayColumns: null }).displayColumns).toBeNull();
    expect(kind.canonical({ displayColumns: [] }).displayColumns).toEqual([]);
    expect(kind.canonical({ zip: 1, 'e-mail notification': 0 })).toEqual({ zip: true, emailNotification: false });
    expect(kind.canonicalLive({ fileZipped: 1, emailNotification: 1 })).toMatchObject({ zip: true, emailNotification: true });
  });

  it('export: toSpec of a live schedule plans clean against it and validates', () => {
    const live = liveOfCreate();
    const spec = kind.toSpec(live) as Record<string, unknown>;
    expect(spec).toMatchObject({ eventTime: '2025-03-17T10:20:00Z', eventEndTime: '2025-03-18T16:34:00Z', zip: false, reportScheduleDetails: { recurrenceType: 'DAILY' } });
    const full = kind.canonicalLive(live);
    const c = kind.canonical(spec);
    for (const k of Object.keys(c)) expect(c[k], k).toEqual(full[k]);
    const doc = `apiVersion: qcs-gitops/v1\nkind: ReportSchedule\nmetadata: { name: SCHEDTESTAPI }\nspec: ${JSON.stringify(spec)}\n`;
    expect(validateText('x.yaml', doc).diagnostics).toEqual([]);
  });
});

describe('ReportSchedule calls', () => {
  it('create sends the documented body (same keys, order and values as the sample, but the null filter, which declares nothing) and returns scheduleUuid', async () => {
    const api = new FakeApi({ [`POST ${P}`]: sample('create.response.json') });
    const { name, spec } = asDeclaration(sample('create.request.json'));
    expect(await kind.create(api, name, desiredState(kind, spec as Record<string, unknown>))).toBe(ID);
    const { filter: _null, ...expected } = sample('create.request.json');
    expect(JSON.stringify(api.calls[0]!.body)).toBe(JSON.stringify(expected));
  });

  it('create of a friendly declaration: the declared fields only (no default), ISO times, 0/1 flags, "e-mail notification", action CREATE', async () => {
    const api = new FakeApi({ [`POST ${P}`]: { scheduleUuid: 'n' } });
    await kind.create(api, 'secrets weekly', desiredState(kind, { ...weeklySecrets, displayColumns: undefined, recipient: 'a@example.com,b@example.com', sendAsAttachment: true }));
    const b = api.calls[0]!.body as Record<string, unknown>;
    expect(b).toEqual({
      name: 'secrets weekly',
      templateName: 'CS_IMAGE_SECRETS',
      format: 'csv',
      reportScheduleDetails: { recurrenceType: 'WEEKLY', selectedDayOfWeeks: ['MONDAY', 'THURSDAY'], monthlyType: null, ordinalDayOfMonth: null, dayOfWeek: null, ordinalDayOfWeek: null },
      'e-mail notification': 1,
      recipient: 'a@example.com,b@example.com',
      sendAsAttachment: 1,
      action: 'CREATE',
      eventTime: '2026-01-05T00:00:00Z',
    });
  });

  it('update: the e-mail settings set in the UI (recipient, subject, message, attachment) and keys no kind knows are carried; server-managed fields are not', async () => {
    const api = new FakeApi({ [`PUT ${P}/${ID}`]: sample('update.response.json') });
    const live = { ...liveOfCreate(), emailNotification: 1, recipient: 'a@example.com', emailSubject: 'S', customMessage: 'M', sendAsAttachment: 1, futureField: 'x', createdAt: '2025-03-17T09:45:00.000Z', status: 'ACTIVE' };
    const spec = { description: 'changed' };
    await kind.update(api, live, 'SCHEDTESTAPI', desiredState(kind, spec, live));
    const b = api.calls[0]!.body as Record<string, unknown>;
    expect(b).toMatchObject({ description: 'changed', 'e-mail notification': 1, recipient: 'a@example.com', emailSubject: 'S', customMessage: 'M', sendAsAttachment: 1, futureField: 'x' });
    for (const k of ['scheduleUuid', 'createdAt', 'status', 'emailNotification', 'fileZipped', 'fileFormat']) expect(b).not.toHaveProperty(k);
  });

  it('update: fields the declaration leaves out carry their live value (desiredState), sent as read; the {"message"} answer is fine', async () => {
    const api = new FakeApi({ [`PUT ${P}/${ID}`]: sample('update.response.json') });
    const live = { ...liveOfCreate(), description: 'kept', filter: 'containerId:edc01607bc33', fileZipped: 1, emailNotification: 1, expireAfter: 90 };
    const spec = { templateName: 'CS_CONTAINER_VULNERABILITY', displayColumns: ['name', 'qid'], reportScheduleDetails: { recurrenceType: 'DAILY' }, eventTime: '2025-03-17T10:20:00Z' };
    await kind.update(api, live, 'SCHEDTESTAPI', desiredState(kind, spec, live));
    const b = api.calls[0]!.body as Record<string, unknown>;
    expect(b).toMatchObject({ name: 'SCHEDTESTAPI', description: 'kept', filter: 'containerId:edc01607bc33', zip: 1, 'e-mail notification': 1, expireAfter: 90, displayColumns: ['name', 'qid'], eventEndTime: '2025-03-18T16:34:00Z', action: 'CREATE' });
    expect(Object.keys(b)).toEqual(Object.keys(sample('update.request.json')));
    // the DAILY details compare equal to the live ones, so they are sent exactly as read (ordinalDayOfMonth kept)
    expect(b['reportScheduleDetails']).toEqual(liveOfCreate()['reportScheduleDetails']);
  });

  it('list, get and delete use the assumed paths', async () => {
    const api = new FakeApi({ [`GET ${P}/${ID}`]: liveOfCreate(), [`DELETE ${P}/${ID}`]: undefined }, { [P]: [liveOfCreate()] });
    const [one] = await kind.list(api);
    expect(kind.idOf(one)).toBe(ID);
    expect(kind.nameOf(one)).toBe('SCHEDTESTAPI');
    expect(await kind.get(api, ID)).toMatchObject({ scheduleUuid: ID });
    expect(await kind.get(api, 'missing')).toBeUndefined();
    await kind.remove(api, one);
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`LIST ${P}`, `GET ${P}/${ID}`, `GET ${P}/missing`, `DELETE ${P}/${ID}`]);
    expect(kind.can).toEqual({ create: true, update: true, delete: true });
  });
});

describe('ReportSchedule checks', () => {
  const doc = (spec: Record<string, unknown>) => `apiVersion: qcs-gitops/v1\nkind: ReportSchedule\nmetadata:\n  name: r\nspec: ${JSON.stringify(spec)}\n`;
  const problems = (spec: Record<string, unknown>) => validateText('r.yaml', doc(spec)).diagnostics.map((d) => `${d.severity ?? 'error'} ${d.path}: ${d.message}`);
  const base = { templateName: 'CS_IMAGE_SECRETS', reportScheduleDetails: { recurrenceType: 'DAILY' }, eventTime: '2026-01-05T08:00:00Z' };

  it('the 1.38 create and update bodies validate as declarations', () => {
    for (const f of ['create.request.json', 'update.request.json']) {
      const { spec } = asDeclaration(sample(f));
      expect(problems(spec as Record<string, unknown>), f).toEqual([]);
    }
  });

  it('a secrets column not in the notes is an error with "did you mean"; a container column the samples do not show is a warning', () => {
    expect(problems({ ...base, displayColumns: ['imageId', 'secretSeverty'] })).toEqual([
      "error spec.displayColumns[1]: column \"secretSeverty\" is not a CS_IMAGE_SECRETS column — did you mean 'secretSeverity'? (the columns are: repo, imageId, sha, uuid, label, created, updated, secretUuid, secretSeverity, layerSha, ruleUuid, filePath, lastUpdated, category, secretType, matches)",
    ]);
    const w = validateText('r.yaml', doc({ ...base, templateName: 'CS_CONTAINER_VULNERABILITY', displayColumns: ['containerID'] }));
    expect(w.declarations).toHaveLength(1);
    expect(w.diagnostics.map((d) => [d.severity, d.message])).toEqual([['warning', expect.stringMatching(/^column "containerID" is not among the CS_CONTAINER_VULNERABILITY columns the release notes show — did you mean 'containerId'\?/)]]);
    expect(problems({ ...base, displayColumns: ['imageId', 'imageId'] })).toEqual(['error spec.displayColumns[1]: column "imageId" is listed twice (first at displayColumns[0]); list it once']);
  });

  it('another template is allowed with a warning', () => {
    const r = validateText('r.yaml', doc({ ...base, templateName: 'CS_IMAGE_SECRET' }));
    expect(r.declarations).toHaveLength(1);
    expect(r.diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      "warning templateName \"CS_IMAGE_SECRET\" is not one the release notes name (CS_CONTAINER_VULNERABILITY, CS_IMAGE_VULNERABILITY, CS_IMAGE_SECRETS) — did you mean 'CS_IMAGE_SECRETS'?; Qualys may refuse it",
    ]);
  });

  it('cross-checks the recurrence: WEEKLY names its days, MONTHLY its day, days are upper-case names', () => {
    expect(problems({ ...base, reportScheduleDetails: { recurrenceType: 'WEEKLY', selectedDayOfWeeks: null } })).toEqual([
      'error spec.reportScheduleDetails.selectedDayOfWeeks: a WEEKLY schedule names its days in selectedDayOfWeeks, e.g. [MONDAY, THURSDAY]',
    ]);
    expect(problems({ ...base, reportScheduleDetails: { recurrenceType: 'DAILY', selectedDayOfWeeks: ['MONDAY'] } })[0]).toMatch(/selectedDayOfWeeks applies to WEEKLY schedules only/);
    expect(problems({ ...base, reportScheduleDetails: { recurrenceType: 'MONTHLY' } })).toEqual([
      'error spec.reportScheduleDetails: a MONTHLY schedule names its day: ordinalDayOfMonth (1-31), or dayOfWeek with ordinalDayOfWeek (e.g. MONDAY and 1 for the first Monday)',
    ]);
    expect(problems({ ...base, reportScheduleDetails: { recurrenceType: 'MONTHLY', dayOfWeek: 'MONDAY' } })[0]).toMatch(/^error spec\.reportScheduleDetails\.ordinalDayOfWeek: dayOfWeek and ordinalDayOfWeek go together/);
    expect(problems({ ...base, reportScheduleDetails: { recurrenceType: 'MONTHLY', ordinalDayOfMonth: 15 } })).toEqual([]);
    expect(problems({ ...base, reportScheduleDetails: { recurrenceType: 'WEEKLY', selectedDayOfWeeks: ['Monday'] } })[0]).toMatch(/^error spec\.reportScheduleDetails\.selectedDayOfWeeks\[0\]: must be one of: MONDAY/);
  });

  it('times: eventEndTime not before eventTime; both e-mail spellings at once is refused; action is CREATE only', () => {
    expect(problems({ ...base, eventEndTime: '2026-01-01' })).toEqual(['error spec.eventEndTime: eventEndTime (2026-01-01T00:00:00Z) is before eventTime (2026-01-05T08:00:00Z); the schedule would never run']);
    expect(problems({ ...base, emailNotification: true, 'e-mail notification': 1 })[0]).toMatch(/give the e-mail flag once/);
    expect(problems({ ...base, action: 'UPDATE' })[0]).toMatch(/^error spec\.action: /);
    expect(problems({ ...base, eventTime: 'next monday' })[0]).toMatch(/^error spec\.eventTime: must be an ISO 8601 date-time/);
  });
});
