// Each rule of the schemas (and the messages they produce), on in-memory documents.
import { stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { validateText } from '../../src/declarations/validate.js';

type Doc = Record<string, any>;
const env = (kind: string, spec: Doc): Doc => ({ apiVersion: 'qcs-gitops/v1', kind, metadata: { name: `a-${kind}` }, spec });

const BASE: Record<string, () => Doc> = {
  CentralizedPolicy: () =>
    env('CentralizedPolicy', {
      policyType: 'K8S_ADMISSION_CONTROLLER',
      policyMode: 'ACTIVE',
      description: 'd',
      centralizedPolicyRules: [
        { name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', isEnabled: true, stopProcessing: false, sortOrder: 0, kind: 'IMAGE_SECURITY', metaData: { value: 180 } },
      ],
      exclusionPolicyRules: [],
      tagIds: [1, '2'],
      k8sFilters: [{ cluster: { clusterUid: 'c1', clusterName: 'n' } }, { namespace: { namespaceValue: 'ns', clusterUid: 'c1' } }],
    }),
  RuntimePolicy: () =>
    env('RuntimePolicy', {
      policyMode: 'ACTIVE',
      defaultNetworkAction: 'ALLOW',
      defaultExecuteAction: 'DENY',
      defaultFileAction: 'ALLOW',
      ignoredSyscalls: ['futex'],
      rules: [{ name: 'r', ruleType: 'NETWORK_OUTBOUND', action: 'DENY', program: '*', ipAddress: '1.1.1.1', port: 22, inactive: false }],
    }),
  Exception: () =>
    env('Exception', {
      scope: 'IMAGE',
      exceptionType: 'VULNERABILITY',
      reason: 'RISK_ACCEPTED',
      explanation: 'x',
      listId: '9b157637-8132-4899-bfae-effd1ea39a75',
      startDate: '2026-01-01',
      endDate: '2026-06-30',
      entityAssignmentType: 'DYNAMIC',
      dynamicFilter: 'repo.tag:rails',
      qids: [376157],
    }),
  SensorProfile: () =>
    env('SensorProfile', { description: 'd', profileType: 'Registry', associatedRegistryIds: ['1ec46398-23be-40fc-8cde-8b4bd916d5fa'], associatedSensorIds: ['3a00f41d-8bb8-41d2-b2c2-54ed50131082'] }),
  SecretRule: () => env('SecretRule', { status: 'Active', severity: 'HIGH', ruleUuid: 'c6c4165e-c960-11ed-afa1-0242ac120002' }),
};

function run(doc: Doc) {
  return validateText('t.yaml', stringify(doc));
}

describe('valid documents', () => {
  test.each(Object.keys(BASE))('%s base document is valid', (kind) => {
    const r = run(BASE[kind]!());
    expect(r.diagnostics).toEqual([]);
    expect(r.declarations).toHaveLength(1);
    expect(r.declarations[0]).toMatchObject({ kind, name: `a-${kind}`, apiVersion: 'qcs-gitops/v1' });
  });

  test.each([
    ['a date', '2026-01-01'],
    ['a date-time with Z', '2026-01-01T00:00:00Z'],
    ['a date-time with an offset and fraction', '2026-01-01T01:00:00.5+01:00'],
    ['epoch ms', 1767225600000],
    ['epoch ms as a string', '1767225600000'],
  ])('Exception dates: %s', (_l, value) => {
    const d = BASE.Exception!();
    d.spec.startDate = value;
    d.spec.endDate = '2027-01-01';
    expect(run(d).diagnostics).toEqual([]);
  });

  test('an unquoted YAML date stays the string it was written as', () => {
    const r = validateText('t.yaml', stringify(BASE.Exception!()).replace(/startDate: .*/, 'startDate: 2026-01-01'));
    expect(r.diagnostics).toEqual([]);
    expect(r.declarations[0]!.spec.startDate).toBe('2026-01-01');
  });

  test.each(['active', 'INACTIVE', 'Inactive'])('SecretRule status %s (any case)', (status) => {
    const d = BASE.SecretRule!();
    d.spec = { status };
    expect(run(d).diagnostics).toEqual([]);
  });

  test.each(['low', 'Medium', 'CRITICAL'])('SecretRule severity %s (any case)', (severity) => {
    const d = BASE.SecretRule!();
    d.spec = { severity };
    expect(run(d).diagnostics).toEqual([]);
  });

  test('metadata may carry string labels and annotations', () => {
    const d = BASE.SecretRule!();
    d.metadata.labels = { team: 'sec' };
    d.metadata.annotations = { note: 'x' };
    expect(run(d).diagnostics).toEqual([]);
  });

  test('a RuntimePolicy may leave policyMode to Qualys', () => {
    const d = BASE.RuntimePolicy!();
    delete d.spec.policyMode;
    expect(run(d).diagnostics).toEqual([]);
  });

  test('an exception without entityAssignmentType needs no dynamicFilter', () => {
    const d = BASE.Exception!();
    delete d.spec.dynamicFilter;
    delete d.spec.entityAssignmentType;
    expect(run(d).diagnostics).toEqual([]);
  });
});

// [kind, what, mutation, expected path, expected message]
const INVALID: Array<[string, string, (d: Doc) => void, string, RegExp]> = [
  ['SecretRule', 'unknown top-level field', (d) => (d.extra = 1), 'extra', /^unknown field 'extra' \(allowed: apiVersion, kind, metadata, spec\)$/],
  ['SecretRule', 'missing spec', (d) => delete d.spec, '', /^missing required field 'spec'$/],
  ['SecretRule', 'missing apiVersion', (d) => delete d.apiVersion, '', /^missing required field 'apiVersion'$/],
  ['SecretRule', 'wrong apiVersion', (d) => (d.apiVersion = 'v1'), 'apiVersion', /^must be 'qcs-gitops\/v1' \(got 'v1'\)$/],
  ['SecretRule', 'unknown kind', (d) => (d.kind = 'Secretrule'), 'kind', /^must be one of: CentralizedPolicy, (\w+, )*SecretRule(, \w+)* \(got 'Secretrule'\) — did you mean 'SecretRule'\?$/],
  ['SecretRule', 'metadata not a mapping', (d) => (d.metadata = 'x'), 'metadata', /^must be a mapping \(got string\)$/],
  ['SecretRule', 'empty name', (d) => (d.metadata.name = ''), 'metadata.name', /^must not be empty$/],
  ['SecretRule', 'name not a string', (d) => (d.metadata.name = 12), 'metadata.name', /^must be a string \(got integer\)$/],
  ['SecretRule', 'label not a string', (d) => (d.metadata.labels = { a: 1 }), 'metadata.labels.a', /^must be a string/],
  ['SecretRule', 'spec a list', (d) => (d.spec = []), 'spec', /^must be a mapping \(got list\)$/],
  ['CentralizedPolicy', 'policyType known set', (d) => ((d.spec.policyType = 'CI'), delete d.spec.centralizedPolicyRules), 'spec.policyType', /^policyType "CI" is not a known value .*known: K8S_ADMISSION_CONTROLLER, CICD.*acceptValues: \{ "CentralizedPolicy.policyType": \[CI\] \}/],
  ['CentralizedPolicy', 'policyMode known set', (d) => (d.spec.policyMode = 'PERMISSIVE'), 'spec.policyMode', /^policyMode "PERMISSIVE" is not a known value \(known: ACTIVE, INACTIVE\)/],
  ['CentralizedPolicy', 'Block Older Images only in admission-controller policies', (d) => (d.spec.policyType = 'CICD'), 'spec.centralizedPolicyRules[0].type', /"is applicable only to the 'Admission Controller' policies".*type is CICD/],
  ['CentralizedPolicy', 'Block Older Images needs metaData', (d) => delete d.spec.centralizedPolicyRules[0].metaData, 'spec.centralizedPolicyRules[0]', /^missing required field 'metaData'/],
  ['CentralizedPolicy', 'rule name required', (d) => delete d.spec.centralizedPolicyRules[0].name, 'spec.centralizedPolicyRules[0]', /^missing required field 'name'$/],
  ['CentralizedPolicy', 'rule type required', (d) => delete d.spec.centralizedPolicyRules[0].type, 'spec.centralizedPolicyRules[0]', /^missing required field 'type'$/],
  ['CentralizedPolicy', 'rule type UPPER_SNAKE', (d) => (d.spec.centralizedPolicyRules[0].type = 'older-images'), 'spec.centralizedPolicyRules[0].type', /UPPER_SNAKE_CASE/],
  ['CentralizedPolicy', 'rule action UPPER_SNAKE', (d) => (d.spec.centralizedPolicyRules[0].action = 'fail'), 'spec.centralizedPolicyRules[0].action', /UPPER_SNAKE_CASE .*got 'fail'/],
  ['CentralizedPolicy', 'isEnabled boolean', (d) => (d.spec.centralizedPolicyRules[0].isEnabled = 'true'), 'spec.centralizedPolicyRules[0].isEnabled', /^must be a boolean/],
  ['CentralizedPolicy', 'sortOrder integer', (d) => (d.spec.centralizedPolicyRules[0].sortOrder = 1.5), 'spec.centralizedPolicyRules[0].sortOrder', /^must be an integer \(got number\)$/],
  ['CentralizedPolicy', 'metaData mapping, JSON string or integer', (d) => (d.spec.centralizedPolicyRules[0].metaData = true), 'spec.centralizedPolicyRules[0].metaData', /^must be a mapping/],
  ['CentralizedPolicy', 'metaData string is JSON', (d) => (d.spec.centralizedPolicyRules[0].metaData = 'value=1'), 'spec.centralizedPolicyRules[0].metaData', /is not JSON/],
  ['CentralizedPolicy', 'isDefault only false', (d) => (d.spec.isDefault = true), 'spec.isDefault', /must be 'false' \(got true\)/],
  ['CentralizedPolicy', 'exclusion rule shape', (d) => (d.spec.exclusionPolicyRules = [{ name: 'x', type: 'T', action: 'FAIL', position: 1 }]), 'spec.exclusionPolicyRules[0].position', /unknown field 'position'/],
  ['CentralizedPolicy', 'order and sortOrder disagree', (d) => (d.spec.centralizedPolicyRules[0].order = 3), 'spec.centralizedPolicyRules[0].order', /disagree/],
  ['CentralizedPolicy', 'tag id negative', (d) => (d.spec.tagIds = [-1]), 'spec.tagIds[0]', /^must be a tag id/],
  ['CentralizedPolicy', 'tag ids repeated', (d) => (d.spec.tagIds = [7, 7]), 'spec.tagIds[1]', /item 1 repeats item 0/],
  ['CentralizedPolicy', 'k8s filter empty', (d) => (d.spec.k8sFilters = [{}]), 'spec.k8sFilters[0]', /exactly one of 'cluster' or 'namespace'/],
  ['CentralizedPolicy', 'k8s filter cluster uid', (d) => (d.spec.k8sFilters = [{ cluster: { clusterName: 'x' } }]), 'spec.k8sFilters[0].cluster', /missing required field 'clusterUid'/],
  ['CentralizedPolicy', 'k8s filter namespace value', (d) => (d.spec.k8sFilters = [{ namespace: { clusterUid: 'c' } }]), 'spec.k8sFilters[0].namespace', /missing required field 'namespaceValue'/],
  ['CentralizedPolicy', 'policyName in spec equals metadata.name', (d) => (d.spec.policyName = 'x'), 'spec.policyName', /differs from metadata.name/],
  ['RuntimePolicy', 'policyMode known set', (d) => (d.spec.policyMode = 'activ'), 'spec.policyMode', /policyMode "activ" is not a known value — did you mean 'ACTIVE'\?/],
  ['RuntimePolicy', 'default action known set', (d) => (d.spec.defaultNetworkAction = 'BLOCK'), 'spec.defaultNetworkAction', /defaultNetworkAction "BLOCK" is not a known value \(known: ALLOW, DENY\)/],
  ['RuntimePolicy', 'ignoredSyscalls names', (d) => (d.spec.ignoredSyscalls = ['Open At']), 'spec.ignoredSyscalls[0]', /system call name/],
  ['RuntimePolicy', 'ignoredSyscalls repeated', (d) => (d.spec.ignoredSyscalls = ['futex', 'futex']), 'spec.ignoredSyscalls[1]', /repeats/],
  ['RuntimePolicy', 'ruleType enum', (d) => (d.spec.rules[0].ruleType = 'network'), 'spec.rules[0].ruleType', /must be one of: READ, WRITE, NETWORK_OUTBOUND, NETWORK_INBOUND, SYSCALL/],
  ['RuntimePolicy', 'rule action required', (d) => delete d.spec.rules[0].action, 'spec.rules[0]', /missing required field 'action'/],
  ['RuntimePolicy', 'port integer', (d) => (d.spec.rules[0].port = '22'), 'spec.rules[0].port', /must be an integer \(got string\)/],
  ['RuntimePolicy', 'port range', (d) => (d.spec.rules[0].port = -1), 'spec.rules[0].port', /must be at least 0/],
  ['RuntimePolicy', 'PascalCase and camelCase of one field', (d) => (d.spec.rules[0].IpAddress = '1.1.1.1'), 'spec.rules[0].IpAddress', /"IpAddress" and "ipAddress" are two spellings of one field/],
  ['RuntimePolicy', 'rule name required', (d) => delete d.spec.rules[0].name, 'spec.rules[0]', /^missing required field 'name'$/],
  ['RuntimePolicy', 'inactive boolean', (d) => (d.spec.rules[0].inactive = 0), 'spec.rules[0].inactive', /must be a boolean/],
  ['Exception', 'scope known set', (d) => (d.spec.scope = 'POD'), 'spec.scope', /scope "POD" is not a known value \(known: IMAGE, CONTAINER\)/],
  ['Exception', 'exceptionType known set', (d) => (d.spec.exceptionType = 'MALWARE'), 'spec.exceptionType', /exceptionType "MALWARE" is not a known value \(known: VULNERABILITY\)/],
  ['Exception', 'reason known set', (d) => (d.spec.reason = 'BECAUSE_I_SAID_SO'), 'spec.reason', /reason "BECAUSE_I_SAID_SO" is not a known value .*acceptValues: \{ "Exception.reason": \[BECAUSE_I_SAID_SO\] \}/],
  ['Exception', 'reason required', (d) => delete d.spec.reason, 'spec', /missing required field 'reason'/],
  ['Exception', 'startDate required', (d) => delete d.spec.startDate, 'spec', /missing required field 'startDate'/],
  ['Exception', 'date without zone', (d) => (d.spec.endDate = '2026-06-30T00:00:00'), 'spec.endDate', /must be an ISO 8601 date-time with a time zone/],
  ['Exception', 'date impossible', (d) => (d.spec.endDate = '2026-02-30'), 'spec.endDate', /must be an ISO 8601/],
  ['Exception', 'date negative', (d) => (d.spec.endDate = -5), 'spec.endDate', /epoch milliseconds/],
  ['Exception', 'entityAssignmentType is a token', (d) => (d.spec.entityAssignmentType = 'dyn amic'), 'spec.entityAssignmentType', /must be an upper-case token such as DYNAMIC/],
  ['Exception', 'dynamic needs a filter', (d) => delete d.spec.dynamicFilter, 'spec', /missing required field 'dynamicFilter'/],
  ['Exception', 'qids positive', (d) => (d.spec.qids = [0]), 'spec.qids[0]', /must be at least 1/],
  ['Exception', 'qids integers', (d) => (d.spec.qids = ['376157']), 'spec.qids[0]', /must be an integer \(got string\)/],
  ['Exception', 'listId uuid', (d) => (d.spec.listId = 'my-list'), 'spec.listId', /must be a UUID/],
  ['SensorProfile', 'profileType enum', (d) => (d.spec.profileType = 'registry'), 'spec.profileType', /must be one of: Registry.* \(got 'registry'\)/],
  ['SensorProfile', 'registries required', (d) => delete d.spec.associatedRegistryIds, 'spec', /missing required field 'associatedRegistryIds'/],
  ['SensorProfile', 'sensors non-empty', (d) => (d.spec.associatedSensorIds = []), 'spec.associatedSensorIds', /associatedSensorIds is empty/],
  ['SensorProfile', 'registry ids uuid', (d) => (d.spec.associatedRegistryIds = ['x']), 'spec.associatedRegistryIds[0]', /must be a UUID/],
  ['SensorProfile', 'sensor ids repeated', (d) => (d.spec.associatedSensorIds = ['3a00f41d-8bb8-41d2-b2c2-54ed50131082', '3a00f41d-8bb8-41d2-b2c2-54ed50131082']), 'spec.associatedSensorIds[1]', /repeats/],
  ['SensorProfile', 'one list under two names', (d) => (d.spec.associatedRegistries = []), 'spec.associatedRegistries', /two names of one list/],
  ['SecretRule', 'status', (d) => (d.spec = { status: 'enabled' }), 'spec.status', /must be one of: Active, Inactive \(any case\)/],
  ['SecretRule', 'severity', (d) => (d.spec = { severity: 'urgent' }), 'spec.severity', /must be one of: LOW, MEDIUM, HIGH, CRITICAL/],
  ['SecretRule', 'ruleUuid', (d) => (d.spec.ruleUuid = 'abc'), 'spec.ruleUuid', /must be a UUID/],
  ['SecretRule', 'only ruleUuid', (d) => (d.spec = { ruleUuid: 'c6c4165e-c960-11ed-afa1-0242ac120002' }), 'spec', /must declare 'status', 'severity' or both/],
  ['SecretRule', 'other fields', (d) => (d.spec.category = 'x'), 'spec.category', /unknown field 'category' \(allowed: status, severity, ruleUuid, secretRuleStatus\)/],
];

describe('invalid documents: one diagnostic each, naming the field and what is valid', () => {
  test.each(INVALID)('%s: %s', (kind, _what, mutate, path, message) => {
    const d = BASE[kind]!();
    mutate(d);
    const r = run(d);
    expect(r.declarations).toEqual([]);
    expect(r.diagnostics.map((x) => `${x.path} | ${x.message}`)).toEqual([expect.stringMatching(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')} \\| ${message.source.startsWith('^') ? message.source.slice(1) : `.*${message.source}`}`))]);
  });
});

describe('several problems in one document are all reported, in position order', () => {
  test('every problem, not just the first', () => {
    const d = BASE.RuntimePolicy!();
    d.spec.policyMode = 'X';
    d.spec.rules[0].action = 'Y';
    d.spec.rules[0].port = 1e6;
    d.spec.typo = 1;
    const r = run(d);
    // the schema's problems and the known-set value errors, reported together
    expect(r.diagnostics.map((x) => x.path)).toEqual(['spec.policyMode', 'spec.rules[0].action', 'spec.rules[0].port', 'spec.typo']);
    const lines = r.diagnostics.map((x) => x.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  test('a misspelt required field is one problem, not two', () => {
    const d = BASE.CentralizedPolicy!();
    d.spec.polcyMode = d.spec.policyMode;
    delete d.spec.policyMode;
    const r = run(d);
    expect(r.diagnostics.map((x) => x.message)).toEqual([expect.stringMatching(/^unknown field 'polcyMode' — did you mean 'policyMode'\? \(allowed: policyType, policyMode, /)]);
  });
});
