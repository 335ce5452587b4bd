// Contract: against objects seeded exactly as the documented responses show them, applying a one-field change
// changes that field and nothing else in the simulator's stored object (compared field by field, before and
// after: qids, rule ids, syscallGroup, isDefault, tagIds, metaData included). The simulator replaces an object
// with the PUT body, so a client that drops or rewrites what it was not asked to change fails here.
// Two declarations a kind: the exported one with the field edited, and one written from the documented request
// sample (what a user copies from the notes), which leaves out fields the live object has.
import { describe, expect, it } from 'vitest';
import type { SeedAccount } from '../../src/simulator/index.js';
import type { KindName } from '../../src/types.js';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { useSimulator } from '../helpers/suite.js';
import {
  apply,
  camelRule,
  changedFields,
  changesOf,
  cliEnvFor,
  declarationFrom,
  editDeclaration,
  exportAccount,
  MOVING_FIELDS,
  plan,
  removeDir,
  RULE_SAMPLES,
  sample,
  writeDeclarations,
  yamlFiles,
  type Declaration,
} from './helpers.js';

type Json = Record<string, any>;

const CP = sample('centralized-policy/get.response.json');
const EX = sample('exception/get.response.json');
// A runtime policy in the v1.3 form: the first item of the v1.3 list, the v1.3 policy fields, the four
// documented rules with their ids, and a SYSCALL rule (not in the notes) whose syscallGroup is set, so that
// losing it shows (the documented rules all carry "").
const RT_ID = '5e171bef853047000151408e';
const RT: Json = {
  ...sample('runtime-policy/list.v1.3.response.json')[0],
  defaultNetworkAction: 'ALLOW',
  defaultExecuteAction: 'ALLOW',
  defaultFileAction: 'DENY',
  ignoredSyscalls: ['ptrace'],
  rules: [
    ...RULE_SAMPLES.map((f) => camelRule(sample(f), true)),
    { ...camelRule(sample(RULE_SAMPLES[0]!), true), id: '5fa25442e677eb00012916c1', name: 'No ptrace', ruleType: 'syscall', port: 0, ipAddress: '', syscall: 'ptrace', syscallGroup: 'process' },
  ],
};
// The North profile of the documented list, with the registries and sensors of the documented create.
const SP_CREATE = sample('sensor-profile/create.request.json');
const SP: Json = {
  ...sample('sensor-profile/list.response.json').data[1],
  description: SP_CREATE.description,
  associatedRegistries: SP_CREATE.associatedRegistryIds,
  associatedSensors: SP_CREATE.associatedSensorIds,
};
const SR = sample('secret-rule/get.response.json');
// A report schedule seeded from the documented create body (no read form is documented), with its id.
const RS_ID = '310ab890-0318-11f0-9274-53256e39b1ae'; // the documented create answer's scheduleUuid
// The e-mail settings are those the 1.38 report list prints (set in the UI: no request sample carries them).
const RS: Json = {
  scheduleUuid: RS_ID,
  ...sample('report-schedule/create.request.json'),
  filter: 'containerId:edc01607bc33',
  zip: 1,
  'e-mail notification': 1,
  recipient: 'achandanshive@qualys.com,surkadam@qualys.com',
  emailSubject: 'Qualys: RunNow_FirstDetected',
  customMessage: 'test1',
  sendAsAttachment: 0,
};

interface Case {
  kind: KindName;
  collection: 'centralizedPolicies' | 'runtimePolicies' | 'exceptions' | 'sensorProfiles' | 'secretRules' | 'reportSchedules';
  id: string;
  name: string;
  seed: SeedAccount;
  /** The field changed and its new value (as stored by the simulator). */
  field: string;
  stored: unknown;
  /** The edit, on a declaration's spec. */
  edit: (spec: Json) => Json;
  /** A declaration written from the documented request sample, with the same edit. */
  fromRequest: Declaration;
  /** Fields a request sets that the documented read form does not return (`exceptionType`): absent from a seed built from the read form, they may appear, never change. */
  writeOnly?: string[];
}

const cases: Case[] = [
  {
    kind: 'CentralizedPolicy',
    collection: 'centralizedPolicies',
    id: CP.uuid,
    name: CP.policyName,
    seed: { centralizedPolicies: [CP] },
    field: 'description',
    stored: 'CPM Block older image demo (reviewed)',
    edit: (s) => ({ ...s, description: 'CPM Block older image demo (reviewed)' }),
    // the documented GET itself, as a user copies it from the account: metaData a JSON string, tagIds null, namespaceUuid null
    fromRequest: declarationFrom('CentralizedPolicy', { ...CP, description: 'CPM Block older image demo (reviewed)' }),
  },
  {
    kind: 'Exception',
    collection: 'exceptions',
    id: EX.exceptionId,
    name: EX.name,
    seed: { exceptions: [EX] },
    field: 'explanation',
    stored: 'risk accepted until the rebuild',
    edit: (s) => ({ ...s, explanation: 'risk accepted until the rebuild' }),
    // the documented create: a listId and no qids (the case: the QIDs must survive)
    fromRequest: declarationFrom('Exception', { ...sample('exception/create.request.json'), explanation: 'risk accepted until the rebuild' }),
    writeOnly: ['exceptionType'],
  },
  {
    kind: 'RuntimePolicy',
    collection: 'runtimePolicies',
    id: RT_ID,
    name: RT['name'],
    seed: { runtimePolicies: [RT] },
    field: 'description',
    stored: 'static website files stay as deployed',
    edit: (s) => ({ ...s, description: 'static website files stay as deployed' }),
    // the v1.3 list item (name, description, policyMode): no rules declared, so the rules are not managed
    fromRequest: declarationFrom('RuntimePolicy', { ...sample('runtime-policy/list.v1.3.response.json')[0], description: 'static website files stay as deployed' }, undefined, true),
  },
  {
    kind: 'SensorProfile',
    collection: 'sensorProfiles',
    id: SP['profileId'],
    name: SP['profileName'],
    seed: { sensorProfiles: [SP] },
    field: 'description',
    stored: 'north registries',
    edit: (s) => ({ ...s, description: 'north registries' }),
    fromRequest: declarationFrom('SensorProfile', { ...SP_CREATE, description: 'north registries' }, SP['profileName']),
  },
  {
    kind: 'SecretRule',
    collection: 'secretRules',
    id: SR.ruleUuid,
    name: SR.secretDetector,
    seed: { secretRules: [SR] },
    field: 'severity',
    stored: 'CRITICAL',
    edit: (s) => ({ ...s, severity: 'CRITICAL' }),
    // the documented PUT body, aimed at this rule
    fromRequest: declarationFrom('SecretRule', { ruleUuid: SR.ruleUuid, ...sample('secret-rule/update.request.json') }, SR.secretDetector),
  },
  {
    kind: 'ReportSchedule',
    collection: 'reportSchedules',
    id: RS_ID,
    name: RS['name'],
    seed: { reportSchedules: [RS] },
    field: 'displayColumns',
    stored: ['name', 'containerId', 'firstDetected', 'qid', 'hostArchitecture'],
    edit: (s) => ({ ...s, displayColumns: ['name', 'containerId', 'firstDetected', 'qid', 'hostArchitecture'] }),
    // a declaration that names only the template, the columns, the recurrence and the start (the live filter, zip and end time must survive)
    fromRequest: declarationFrom('ReportSchedule', {
      name: RS['name'],
      templateName: 'CS_CONTAINER_VULNERABILITY',
      displayColumns: ['name', 'containerId', 'firstDetected', 'qid', 'hostArchitecture'],
      reportScheduleDetails: { recurrenceType: 'DAILY' },
      eventTime: '2025-03-17T10:20:00Z',
    }),
  },
];

describe('contract: a one-field change leaves every other live field as it was', () => {
  const sim = useSimulator();

  /** The write-only fields the seeded object lacks: they may appear (the seed could not know them). */
  function writeOnlyOf(c: Case): string[] {
    const before = sim.raw(c.collection, c.id) ?? {};
    return (c.writeOnly ?? []).filter((f) => !(f in before));
  }

  /** Applies the declarations in `dir` (one update of the case's object) and compares the stored object. */
  async function applyAndCompare(c: Case, dir: string, allowed: string[]): Promise<void> {
    const before = sim.raw(c.collection, c.id);
    expect(before, `${c.kind} ${c.id} seeded`).toBeDefined();
    const { plan: p, result } = await plan(sim, dir, ['--target', `${c.kind}/${c.name}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(changesOf(p)).toEqual([`update ${c.kind}/${c.name}`]);
    const a = await apply(sim, dir);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    const after = sim.raw(c.collection, c.id)!;
    expect(after[c.field], `${c.field} changed`).toEqual(c.stored);
    expect(changedFields(before!, after, [c.field, ...MOVING_FIELDS, ...allowed])).toEqual([]);
    const again = await plan(sim, dir);
    expect(changesOf(again.plan)).toEqual([]);
  }

  // Each case twice: against full list items, and with --list-summary (list items without the fields the notes show
  // only in details: the client must read the details, never take an absent field for an unset one).
  for (const [mode, listSummary] of [['', false], [' (--list-summary)', true]] as const) for (const c of cases) {
    describe(`${c.kind}${mode}`, () => {
      it(`exported declaration with ${c.field} edited`, async () => {
        sim.setFaults({ listSummary });
        sim.reset(c.seed);
        const { dir, result } = await exportAccount(sim, ['--kind', c.kind]);
        try {
          expect(result.code, result.stdout + result.stderr).toBe(0);
          editDeclaration(dir, c.kind, c.name, c.edit);
          await applyAndCompare(c, dir, writeOnlyOf(c));
        } finally {
          removeDir(dir);
        }
      });

      it(`declaration written from the documented request sample, ${c.field} changed`, async () => {
        sim.setFaults({ listSummary });
        sim.reset(c.seed);
        const dir = writeDeclarations([c.fromRequest]);
        try {
          await applyAndCompare(c, dir, writeOnlyOf(c));
        } finally {
          removeDir(dir);
        }
      });
    });
  }

  describe('with --list-summary (list items are summaries)', () => {
    it("changing a DYNAMIC exception's endDate keeps its dynamicFilter, entityAssignmentType, listId and qids", async () => {
      sim.setFaults({ listSummary: true });
      sim.reset({ exceptions: [EX] });
      const before = sim.raw('exceptions', EX.exceptionId)!;
      // the summary the list serves lacks them (the case this guards)
      const { reason, scope, startDate } = EX;
      const dir = writeDeclarations([{ apiVersion: 'qcs-gitops/v1', kind: 'Exception', metadata: { name: EX.name }, spec: { reason, scope, startDate, endDate: '2024-01-01' } }]);
      try {
        const { plan: p } = await plan(sim, dir);
        expect(changesOf(p)).toEqual([`update Exception/${EX.name}`]);
        const a = await apply(sim, dir);
        expect(a.code, a.stdout + a.stderr).toBe(0);
        const after = sim.raw('exceptions', EX.exceptionId)!;
        expect(after).toMatchObject({ entityAssignmentType: 'DYNAMIC', dynamicFilter: 'repo.tag:rails', listId: EX.listId, qids: [90984] });
        expect(changedFields(before, after, ['endDate', 'exceptionType', ...MOVING_FIELDS])).toEqual([]);
      } finally {
        removeDir(dir);
        sim.setFaults({ listSummary: false });
      }
    });

    it("changing a report schedule's description keeps its recipient, emailSubject and customMessage", async () => {
      sim.setFaults({ listSummary: true });
      sim.reset({ reportSchedules: [RS] });
      const before = sim.raw('reportSchedules', RS_ID)!;
      expect(before).toMatchObject({ recipient: RS['recipient'], emailSubject: RS['emailSubject'], customMessage: RS['customMessage'] });
      const dir = writeDeclarations([{ apiVersion: 'qcs-gitops/v1', kind: 'ReportSchedule', metadata: { name: RS['name'] }, spec: { templateName: 'CS_CONTAINER_VULNERABILITY', reportScheduleDetails: { recurrenceType: 'DAILY' }, eventTime: '2025-03-17T10:20:00Z', description: 'daily container report' } }]);
      try {
        const a = await apply(sim, dir);
        expect(a.code, a.stdout + a.stderr).toBe(0);
        const after = sim.raw('reportSchedules', RS_ID)!;
        expect(after).toMatchObject({ description: 'daily container report', recipient: RS['recipient'], emailSubject: RS['emailSubject'], customMessage: RS['customMessage'] });
        expect(changedFields(before, after, ['description', ...MOVING_FIELDS])).toEqual([]);
      } finally {
        removeDir(dir);
        sim.setFaults({ listSummary: false });
      }
    });
  });

  it('the runtime Default Policy survives: not exported, never planned (even with --prune), never changed', async () => {
    sim.setFaults({ listSummary: false });
    sim.reset({ runtimePolicies: [RT] });
    const def = Object.values(sim.dump().runtimePolicies!).find((p) => p['name'] === 'Default Policy')!;
    const before = sim.raw('runtimePolicies', def['id'] as string)!;
    const { dir } = await exportAccount(sim, ['--kind', 'RuntimePolicy']);
    try {
      const declaresDefault = (f: string) => /^\s*name: Default Policy\s*$/m.test(readFileSync(join(dir, f), 'utf8'));
      expect.soft(yamlFiles(dir).filter(declaresDefault), 'exported as a user object').toEqual([]);
      for (const f of yamlFiles(dir).filter(declaresDefault)) rmSync(join(dir, f));
      editDeclaration(dir, 'RuntimePolicy', RT['name'], (s) => ({ ...s, description: 'changed' }));
      const { plan: p } = await plan(sim, dir, ['--prune']);
      expect(changesOf(p)).toEqual([`update RuntimePolicy/${RT['name']}`]);
      const a = await runCli(['apply', dir, '--prune', '--auto-approve'], cliEnvFor(sim));
      expect(a.code, a.stdout + a.stderr).toBe(0);
      expect(sim.raw('runtimePolicies', def['id'] as string)).toEqual(before);
    } finally {
      removeDir(dir);
    }
  });
});
