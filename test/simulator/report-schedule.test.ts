// ReportSchedule contract row: create and update as documented (CS 1.38); list, details and delete as assumed
// (docs/api-assumptions.md); the body checks the client shares.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, startApi, type Api } from './helpers.js';

const BASE = '/v1.3/reports/schedule';
let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const body = (name: string, extra: Record<string, unknown> = {}) => ({ ...sample('report-schedule/create.request.json'), name, ...extra });

describe('ReportSchedule', () => {
  it('creates from the documented body → {scheduleUuid}; reads back in the report list names (fileFormat, fileZipped, emailNotification)', async () => {
    const c = await api.post(BASE, body('daily-container'));
    expect(c.status).toBe(200);
    expect(Object.keys(c.json)).toEqual(Object.keys(sample('report-schedule/create.response.json')));
    const d = (await api.get(`${BASE}/${c.json.scheduleUuid}`)).json;
    expect(d).toMatchObject({
      scheduleUuid: c.json.scheduleUuid,
      name: 'daily-container',
      fileFormat: 'csv',
      fileZipped: 0,
      emailNotification: 0,
      templateName: 'CS_CONTAINER_VULNERABILITY',
      displayColumns: ['name', 'containerId', 'firstDetected', 'qid'],
      eventTime: '2025-03-17T10:20:00.000Z',
      eventEndTime: '2025-03-18T16:34:00.000Z',
      reportScheduleDetails: { recurrenceType: 'DAILY', selectedDayOfWeeks: null, ordinalDayOfMonth: 1 },
    });
    expect(d).not.toHaveProperty('e-mail notification');
    expect(d).not.toHaveProperty('action');
  });

  it('updates with the documented body → the {"message"} sentence; lists {data, count}; deletes', async () => {
    const c = await api.post(BASE, body('to-update'));
    const id = c.json.scheduleUuid as string;
    const u = await api.put(`${BASE}/${id}`, { ...sample<Record<string, unknown>>('report-schedule/update.request.json'), name: 'to-update' });
    expect(u.status).toBe(200);
    expect(u.json).toEqual({ message: `Details updated successfully for reportScheduleId ${id}` });
    expect((await api.get(`${BASE}/${id}`)).json.displayColumns).toContain('hostArchitecture');
    const l = (await api.get(`${BASE}?pageNumber=1&pageSize=50`)).json;
    expect(l.count).toBe(l.data.length);
    expect(l.data.map((x: any) => x.name)).toContain('to-update');
    expect((await api.del(`${BASE}/${id}`)).status).toBe(200);
    expect((await api.get(`${BASE}/${id}`)).status).toBe(404);
  });

  it('a PUT replaces the schedule with its body: what it omits is cleared, nothing is filled in', async () => {
    const c = await api.post(BASE, body('replaced', { filter: 'containerId:edc01607bc33', expireAfter: 30, zip: 1 }));
    const id = c.json.scheduleUuid as string;
    const before = api.sim.raw('reportSchedules', id)!;
    expect(before).toMatchObject({ filter: 'containerId:edc01607bc33', expireAfter: 30, fileZipped: 1, fileFormat: 'csv', secondFilter: '' });
    const { filter: _f, expireAfter: _e, zip: _z, format: _fmt, secondFilter: _s, ...rest } = body('replaced');
    expect((await api.put(`${BASE}/${id}`, rest)).status).toBe(200);
    const after = api.sim.raw('reportSchedules', id)!;
    for (const k of ['filter', 'expireAfter', 'fileZipped', 'fileFormat', 'secondFilter']) expect(after, k).not.toHaveProperty(k);
    expect(after).toMatchObject({ name: 'replaced', templateName: 'CS_CONTAINER_VULNERABILITY', displayColumns: ['name', 'containerId', 'firstDetected', 'qid'], status: 'ACTIVE' });
    expect(api.sim.raw('ReportSchedule', id)).toEqual(after);
  });

  it('refuses bad bodies with a 400 naming the field', async () => {
    const weekly = { recurrenceType: 'WEEKLY', selectedDayOfWeeks: null };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ reportScheduleDetails: weekly }, /selectedDayOfWeeks is required for a WEEKLY schedule/],
      [{ reportScheduleDetails: { recurrenceType: 'WEEKLY', selectedDayOfWeeks: ['Funday'] } }, /selectedDayOfWeeks\[0\] must be one of MONDAY/],
      [{ reportScheduleDetails: { recurrenceType: 'MONTHLY' } }, /MONTHLY schedule needs ordinalDayOfMonth/],
      [{ templateName: 'CS_IMAGE_SECRETS', displayColumns: ['imageId', 'secretSeverty'] }, /displayColumns secretSeverty not available for CS_IMAGE_SECRETS/],
      [{ templateName: 'CS_NOPE' }, /templateName must be one of/],
      [{ eventTime: '17/03/2025' }, /eventTime must be an ISO-8601 date-time/],
      [{ eventEndTime: '2025-03-01T00:00:00Z' }, /eventEndTime must not be before eventTime/],
      [{ action: 'UPDATE' }, /action must be "CREATE"/],
      [{ 'e-mail notification': 'yes' }, /e-mail notification must be 0 or 1/],
    ];
    for (const [extra, message] of cases) {
      const r = await api.post(BASE, body('bad', extra));
      expect(r.status, JSON.stringify(extra)).toBe(400);
      expect(r.json.message).toMatch(message);
    }
    const c = await api.post(BASE, body('dup'));
    expect(c.status).toBe(200);
    expect((await api.post(BASE, body('dup'))).json.message).toMatch(/already exists/);
  });

  it('seeds from the documented body or the read form, and dumps the read form', async () => {
    api.sim.reset({ reportSchedules: [body('seeded'), { ...body('read-form'), format: undefined, fileFormat: 'csv', zip: undefined, fileZipped: 1, 'e-mail notification': undefined, emailNotification: 1 }] });
    const dump = api.sim.dump().reportSchedules as Array<Record<string, unknown>>;
    expect(dump.map((s) => s['name'])).toEqual(['seeded', 'read-form']);
    expect(dump[1]).toMatchObject({ fileZipped: 1, emailNotification: 1 });
    api.sim.reset(api.sim.dump());
    expect(api.sim.dump().reportSchedules).toEqual(dump);
    expect(() => api.sim.reset({ reportSchedules: [body('x'), body('x')] })).toThrow(/seed.reportSchedules: two objects are named "x"/);
    api.sim.reset();
  });
});
