// `${values.NAME}` substitution (in-process) and the project file's parsing into plain data.
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/declarations/load.js';
import { validateText } from '../../src/declarations/validate.js';
import { parseProject } from '../../src/project/load.js';
import { substituteValues } from '../../src/project/values.js';

const ctx = { environment: 'prod', values: { n: 180, b: true, s: 'abc', list: [1, 2], id: '9b157637-8132-4899-bfae-effd1ea39a75' }, environments: ['prod'] };

function sub(yaml: string, c = ctx) {
  const { documents } = parseText('x.yaml', yaml);
  const doc = documents[0]!;
  const diagnostics = substituteValues(doc, c);
  return { value: doc.value as Record<string, unknown>, diagnostics, doc };
}

describe('substituteValues', () => {
  it('a lone reference takes the value type; inside text it is written as text; $${...} is literal', () => {
    const { value, diagnostics } = sub('a: ${values.n}\nb: "${values.b}"\nc: ["${values.list}"]\nd: x-${values.n}-${values.b}\ne: $${values.n}\nf: { g: [ "${values.s}" ] }\n');
    expect(diagnostics).toEqual([]);
    expect(value).toEqual({ a: 180, b: true, c: [[1, 2]], d: 'x-180-true', e: '${values.n}', f: { g: ['abc'] } });
  });
  it('a list inside text, a bad name and an undefined name are errors at the scalar', () => {
    const { diagnostics } = sub('a:\n  b: pre ${values.list}\n  c: ${values.no-such}\n  d:   ${values.nn}\n');
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.path}: ${d.message}`)).toEqual([
      "2:6 a.b: value 'list' of environment 'prod' is a list; a list can only stand alone ('${values.list}' as the whole value), not inside text",
      "3:6 a.c: '${values.no-such}' does not name a value (a name is letters, digits and '_')",
      "4:8 a.d: value 'nn' is not defined for environment 'prod' — did you mean 'n'?; the values defined are: n, b, s, list, id",
    ]);
  });
  it('a substituted value is validated as if written there (the error points at the reference)', () => {
    const text = `apiVersion: qcs-gitops/v1
kind: Exception
metadata: { name: x }
spec:
  scope: IMAGE
  reason: RISK_ACCEPTED
  explanation: e
  startDate: 2026-01-01
  endDate: 2026-02-01
  entityAssignmentType: STATIC
  qids: [1]
  listId: \${values.n}
`;
    const r = validateText('x.yaml', text, { transform: (d) => substituteValues(d, ctx) });
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.path}`)).toEqual(['12:11 spec.listId']);
    expect(r.diagnostics[0]!.message).toMatch(/must be a string/);
  });
});

describe('parseProject', () => {
  it('returns typed plain data: environments, governance defaults, ignore and prune', () => {
    const { project, diagnostics } = parseProject(
      'qcs-gitops.yaml',
      `apiVersion: qcs-gitops/v1
kind: Project
environments:
  eu: { platform: EU2, tokenEnv: EU_TOKEN, paths: [a, b/c] }
governance: { exceptionMaxDays: 180 }
ignore: { Exception: [explanation], CentralizedPolicy: [policyMode] }
prune: { match: ['payments-*'] }
`,
    );
    expect(diagnostics).toEqual([]);
    expect(project!.environments.eu).toMatchObject({ name: 'eu', platform: 'EU2', tokenEnv: 'EU_TOKEN', paths: ['a', 'b/c'], values: {}, source: { line: 4, column: 3 } });
    expect(project!.governance).toEqual({ exceptionExpiryWarningDays: 14, exceptionMaxDays: 180, requireTicket: false });
    expect(project!.ignore).toEqual({ Exception: ['explanation'], CentralizedPolicy: ['policyMode'] });
    expect(project!.prune).toEqual({ match: ['payments-*'] });
    expect(JSON.parse(JSON.stringify(project))).toEqual(project); // plain data
  });
  it('reports each problem at its line: both gateways, an unknown kind to ignore, a value that is a mapping', () => {
    const { project, diagnostics } = parseProject(
      'p.yaml',
      `apiVersion: qcs-gitops/v1
kind: Project
environments:
  eu:
    platform: EU2
    gatewayUrl: https://x.example
    values:
      m: { a: 1 }
ignore: { Exceptoin: [explanation] }
governance: { exceptionExpiryWarningDays: -1 }
`,
    );
    expect(project).toBeUndefined();
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.path}: ${d.message}`)).toEqual([
      '5:5 environments.eu: give exactly one of platform or gatewayUrl',
      '8:10 environments.eu.values.m: must match one of the allowed forms',
      "9:11 ignore.Exceptoin: unknown field 'Exceptoin' — did you mean 'Exception'? (allowed: CentralizedPolicy, RuntimePolicy, Exception, SensorProfile, SecretRule)",
      '10:43 governance.exceptionExpiryWarningDays: must be at least 0 (got -1)',
    ]);
  });
});
