// Contract: the wire guard. For every kind and every write the client makes (create, update, bulk update), the
// top-level keys of the body it sends are a subset of (the keys a documented request sample of that call shows)
// ∪ (the keys the declaration set, its name included) ∪ (the keys the live object held). Nothing invented: no
// default the notes never show, no field the user did not declare and the account did not hold.
// Runs the real engine (plan, then apply) against a recording fake API whose live objects are the documented
// read samples plus a field no kind knows (`futureField`), which every update must carry back.
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/engine/apply.js';
import { makePlan } from '../../src/engine/plan.js';
import { KINDS } from '../../src/kinds/index.js';
import type { Declaration, KindName } from '../../src/types.js';
import { FakeApi, type Call } from '../kinds/helpers.js';
import { camelRule, RULE_SAMPLES, sample } from './helpers.js';

type Json = Record<string, any>;

const keysOf = (...samples: string[]): string[] => [...new Set(samples.flatMap((s) => Object.keys(sample(s))))];

/** The keys a documented request sample of each call shows (none for the v1.3 runtime-policy bodies: no note prints one). */
const DOCUMENTED: Record<KindName, { create: string[]; update: string[]; bulk?: string[] }> = {
  CentralizedPolicy: { create: keysOf('centralized-policy/create.request.json'), update: keysOf('centralized-policy/update.request.json') },
  RuntimePolicy: { create: [], update: [] },
  // 004: "Create or Update an Exception … Operator POST, PUT": the one sample is the create's
  Exception: { create: keysOf('exception/create.request.json'), update: keysOf('exception/create.request.json') },
  SensorProfile: { create: keysOf('sensor-profile/create.request.json'), update: keysOf('sensor-profile/update.request.json') },
  SecretRule: { create: [], update: keysOf('secret-rule/update.request.json'), bulk: keysOf('secret-rule/bulkUpdate.request.json') },
  ReportSchedule: { create: keysOf('report-schedule/create.request.json'), update: keysOf('report-schedule/update.request.json') },
};

const NAME_KEY: Record<KindName, string | undefined> = {
  CentralizedPolicy: 'policyName',
  RuntimePolicy: 'name',
  Exception: 'name',
  SensorProfile: 'profileName',
  SecretRule: undefined,
  ReportSchedule: 'name',
};

interface Scenario {
  kind: KindName;
  path: string;
  idKey: string;
  /** The live object: a list item and its details (merged as the engine reads it). */
  item: Json;
  details: Json;
  /** An update's declaration (one field changed) and a create's. */
  update: Json;
  create?: { name: string; spec: Json };
  createAnswer?: Json;
}

const CP = sample('centralized-policy/get.response.json');
const EX = sample('exception/get.response.json');
const SP_LIST = sample('sensor-profile/list.response.json').data[1];
const SP_CREATE = sample('sensor-profile/create.request.json');
const SR = sample('secret-rule/list.response.json').data[1];
const RS_CREATE = sample('report-schedule/create.request.json');
const RT_ITEM = sample('runtime-policy/list.v1.3.response.json')[0];
const RT_RULES = RULE_SAMPLES.map((f) => camelRule(sample(f), true));

function summaryOf(o: Json, keys: string[]): Json {
  return Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
}

const scenarios: Scenario[] = [
  {
    kind: 'CentralizedPolicy',
    path: '/v1.3/centralizedPolicy',
    idKey: 'uuid',
    item: summaryOf(CP, ['uuid', 'policyName', 'policyType', 'policyMode', 'description', 'createdBy', 'created', 'updatedBy', 'updated', 'version', 'isDefault']),
    details: { ...CP, futureField: 'kept' },
    update: { description: 'reviewed' },
    create: { name: 'Testing 123', spec: { policyType: 'K8S_ADMISSION_CONTROLLER', policyMode: 'ACTIVE', centralizedPolicyRules: [{ name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', metaData: { value: 180 } }] } },
    createAnswer: { uuid: 'abe4ed1b-fa12-4118-a3aa-aa944d593e73' },
  },
  {
    kind: 'RuntimePolicy',
    path: '/v1.3/runtime/policies',
    idKey: 'id',
    item: RT_ITEM,
    details: { ...RT_ITEM, rules: RT_RULES, futureField: 'kept' },
    update: { description: 'static website files stay as deployed' },
    // the 1.7 rules as a user writes them: lower-case ruleType and action, no default actions
    create: { name: 'My First Policy', spec: { description: 'first policy', policyMode: 'ACTIVE', rules: RULE_SAMPLES.map((f) => camelRule(sample(f))) } },
    createAnswer: { id: '5fa97a53243aec0001ef98ee' },
  },
  {
    kind: 'Exception',
    path: '/v1.3/exception',
    idKey: 'exceptionId',
    item: EX,
    details: { ...EX, futureField: 'kept' },
    update: { endDate: '2024-01-01' },
    create: { name: 'testapi', spec: { reason: 'RISK_ACCEPTED', scope: 'IMAGE', startDate: '1695635855000', endDate: '1700906255000' } },
    createAnswer: { exceptionId: '2c64f53c-360d-4975-a38c-905f99d0fed4' },
  },
  {
    kind: 'SensorProfile',
    path: '/v1.3/sensorProfile',
    idKey: 'profileId',
    item: SP_LIST,
    details: { ...SP_LIST, description: 'ecprofile desc', associatedRegistries: SP_CREATE.associatedRegistryIds, associatedSensors: SP_CREATE.associatedSensorIds, associatedRegistriesCount: 2, futureField: 'kept' },
    update: { description: 'north registries' },
    create: { name: 'ecprofile', spec: { associatedRegistryIds: ['11111111-23be-40fc-8cde-8b4bd916d5fa'], associatedSensorIds: SP_CREATE.associatedSensorIds } },
    createAnswer: { profileUuid: 'ed37bef6-5ed3-4464-b6c0-9e2251e567c0' },
  },
  {
    kind: 'SecretRule',
    path: '/v1.3/secretrule',
    idKey: 'ruleUuid',
    item: SR,
    details: { ...SR, futureField: 'kept' },
    update: { severity: 'CRITICAL' },
  },
  {
    kind: 'ReportSchedule',
    path: '/v1.3/reports/schedule',
    idKey: 'scheduleUuid',
    item: { scheduleUuid: '310ab890-0318-11f0-9274-53256e39b1ae', name: 'SCHEDTESTAPI', description: '', templateName: 'CS_CONTAINER_VULNERABILITY', fileFormat: 'csv', eventTime: '2025-03-17T10:20:00.000Z' },
    details: {
      scheduleUuid: '310ab890-0318-11f0-9274-53256e39b1ae',
      createdAt: '2025-03-17T09:45:00.000Z',
      name: 'SCHEDTESTAPI',
      description: '',
      templateName: 'CS_CONTAINER_VULNERABILITY',
      filter: null,
      fileFormat: 'csv',
      reportScheduleDetails: RS_CREATE.reportScheduleDetails,
      expireAfter: 7,
      secondFilter: '',
      displayColumns: RS_CREATE.displayColumns,
      fileZipped: 0,
      emailNotification: 1,
      recipient: 'achandanshive@qualys.com',
      emailSubject: 'Qualys: SCHEDTESTAPI',
      customMessage: 'test',
      sendAsAttachment: 0,
      eventTime: '2025-03-17T10:20:00.000Z',
      eventEndTime: '2025-03-18T16:34:00.000Z',
      futureField: 'kept',
    },
    update: { description: 'daily' },
    create: { name: 'SCHEDTESTAPI', spec: { templateName: 'CS_CONTAINER_VULNERABILITY', reportScheduleDetails: { recurrenceType: 'DAILY' }, eventTime: '2025-03-17T10:20:00Z' } },
    createAnswer: { scheduleUuid: '310ab890-0318-11f0-9274-53256e39b1ae' },
  },
];

function decl(kind: KindName, name: string, spec: Json): Declaration {
  const pos = { file: 'guard.yaml', line: 1, column: 1 };
  return { apiVersion: 'qcs-gitops/v1', kind, name, spec, source: pos, positionOf: () => pos };
}

function apiFor(s: Scenario, withLive: boolean): FakeApi {
  const id = s.item[s.idKey] as string;
  return new FakeApi(
    {
      [`GET ${s.path}/${encodeURIComponent(id)}`]: s.details,
      [`PUT ${s.path}/${encodeURIComponent(id)}`]: { ok: true },
      [`PUT ${s.path}/bulkUpdate`]: { ok: true },
      [`POST ${s.path}`]: s.createAnswer ?? {},
    },
    { [s.path]: withLive ? [s.item] : [] },
  );
}

const nameOf = (s: Scenario): string => (s.kind === 'SecretRule' ? (s.item.secretDetector as string) : (s.item[NAME_KEY[s.kind]!] as string));

/** Runs plan + apply of `decls`; returns the write calls. */
async function writes(api: FakeApi, kind: KindName, decls: Declaration[]): Promise<Call[]> {
  const kinds = KINDS.filter((k) => k.kind === kind);
  const { plan, live } = await makePlan(api, kinds, decls);
  const r = await applyPlan(api, kinds, plan, { live, skipVerify: true, sleep: async () => {} });
  expect(r.summary.failed, JSON.stringify(r.results)).toBe(0);
  return api.writes();
}

function allowed(s: Scenario, call: 'create' | 'update' | 'bulk', spec: Json, live?: Json): Set<string> {
  const nameKey = NAME_KEY[s.kind];
  return new Set([...(DOCUMENTED[s.kind][call] ?? []), ...Object.keys(spec), ...(nameKey ? [nameKey] : []), ...Object.keys(live ?? {})]);
}

function outside(body: unknown, ok: Set<string>): string[] {
  return Object.keys((body ?? {}) as Json).filter((k) => !ok.has(k));
}

describe('contract: the wire guard (body keys ⊆ documented ∪ declared ∪ live)', () => {
  for (const s of scenarios) {
    describe(s.kind, () => {
      if (s.create) {
        const c = s.create;
        it('create', async () => {
          const api = apiFor(s, false);
          const sent = await writes(api, s.kind, [decl(s.kind, c.name, c.spec)]);
          const post = sent.find((w) => w.method === 'POST');
          expect(post, 'a POST was sent').toBeDefined();
          expect(outside(post!.body, allowed(s, 'create', c.spec))).toEqual([]);
        });
      }

      it('update', async () => {
        const api = apiFor(s, true);
        const live = { ...s.item, ...s.details };
        const spec = s.kind === 'SecretRule' ? { ruleUuid: s.item.ruleUuid, ...s.update } : s.update;
        const sent = await writes(api, s.kind, [decl(s.kind, nameOf(s), spec)]);
        expect(sent.length, 'one write').toBe(1);
        const call = sent[0]!.path.endsWith('/bulkUpdate') ? 'bulk' : 'update';
        expect(outside(sent[0]!.body, allowed(s, call, spec, live))).toEqual([]);
        // the whole live object is carried back, keys no kind knows included (the secret-rule PUT is the documented pair)
        if (s.kind !== 'SecretRule') expect((sent[0]!.body as Json).futureField).toBe('kept');
      });

      if (s.kind === 'SecretRule') {
        it('bulk update', async () => {
          const api = apiFor(s, true);
          const spec = { ruleUuid: s.item.ruleUuid, status: 'Inactive' };
          const sent = await writes(api, s.kind, [decl(s.kind, nameOf(s), spec)]);
          expect(sent.map((w) => w.path)).toEqual([`${s.path}/bulkUpdate`]);
          expect(outside(sent[0]!.body, allowed(s, 'bulk', spec, { ...s.item, ...s.details }))).toEqual([]);
        });
      }
    });
  }
});
