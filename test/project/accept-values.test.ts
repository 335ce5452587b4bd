// Values: closed, known or open (issue 30). A value outside a known set is an error with a did-you-mean, unless the
// project file's `acceptValues` names it (checked at its line); an open set warns; a closed set refuses.
import { describe, expect, test } from 'vitest';
import { validateText } from '../../src/declarations/validate.js';
import { loadOptionsFor } from '../../src/project/select.js';
import { parseProject } from '../../src/project/load.js';

const exception = (reason: string) => `apiVersion: qcs-gitops/v1
kind: Exception
metadata: { name: e }
spec:
  scope: IMAGE
  reason: ${reason}
  startDate: 2026-01-01
  endDate: 2026-06-30
`;

const project = (body: string) => `apiVersion: qcs-gitops/v1
kind: Project
${body}`;

describe('acceptValues', () => {
  test('reason: BECAUSE_I_SAID_SO is an error at its line, with the acceptValues hint', () => {
    const r = validateText('e.yaml', exception('BECAUSE_I_SAID_SO'));
    expect(r.declarations).toEqual([]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ line: 6, column: 11, severity: 'error', message: expect.stringMatching(/reason "BECAUSE_I_SAID_SO" is not a known value.*acceptValues: \{ "Exception.reason": \[BECAUSE_I_SAID_SO\] \}/) }),
    ]);
  });

  test('the project file accepts it: valid, no diagnostic', () => {
    const { project: p, diagnostics } = parseProject('qcs-gitops.yaml', project('acceptValues:\n  Exception.reason: [because_i_said_so]\n'));
    expect(diagnostics).toEqual([]);
    expect(p!.acceptValues).toEqual({ 'Exception.reason': ['BECAUSE_I_SAID_SO'] });
    const r = validateText('e.yaml', exception('BECAUSE_I_SAID_SO'), loadOptionsFor(p!, undefined));
    expect(r.diagnostics).toEqual([]);
    expect(r.declarations).toHaveLength(1);
    // another unknown value is still refused
    expect(validateText('e.yaml', exception('NOT_LISTED'), loadOptionsFor(p!, undefined)).declarations).toEqual([]);
  });

  test('an acceptValues key that is no known set, a closed or open one, or a value already known: errors at their lines', () => {
    const { project: p, diagnostics } = parseProject(
      'qcs-gitops.yaml',
      project('acceptValues:\n  Exception.reasons: [X]\n  SecretRule.severity: [URGENT]\n  Exception.entityAssignmentType: [STATIC]\n  Exception.scope: [IMAGE]\n'),
    );
    expect(p).toBeUndefined();
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      expect.stringMatching(/^4:3 'Exception.reasons' is not a field with a known set of values — did you mean 'Exception.reason'\?/),
      expect.stringMatching(/^5:3 SecretRule.severity is closed/),
      expect.stringMatching(/^6:3 Exception.entityAssignmentType is open/),
      expect.stringMatching(/^7:21 IMAGE is already a known Exception.scope value/),
    ]);
  });
});

describe('open and closed sets', () => {
  const policy = (policyType: string, type: string) => `apiVersion: qcs-gitops/v1
kind: CentralizedPolicy
metadata: { name: p }
spec:
  policyType: ${policyType}
  centralizedPolicyRules:
    - name: r
      type: ${type}
      action: FAIL
      metaData: { value: 30 }
`;

  test('an unknown centralized rule type is accepted with a warning and a did-you-mean (exit 0)', () => {
    const r = validateText('p.yaml', policy('K8S_ADMISSION_CONTROLLER', 'IMAGESCAN_VULN_OLDER_IMAGES'));
    expect(r.declarations).toHaveLength(1);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ line: 8, severity: 'warning', message: expect.stringMatching(/"IMAGESCAN_VULN_OLDER_IMAGES" is not one the release notes name.*did you mean 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES'\?/) }),
    ]);
  });

  test('Block Older Images in a non-admission policy is an error at its line', () => {
    const r = validateText('p.yaml', policy('CICD', 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES'));
    expect(r.declarations).toEqual([]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ line: 8, column: 13, severity: 'error', message: expect.stringMatching(/applicable only to the 'Admission Controller' policies/) }),
    ]);
  });

  test('a runtime rule type outside the 1.7 list is refused (closed); its printed spellings are accepted', () => {
    const rt = (ruleType: string) => `apiVersion: qcs-gitops/v1
kind: RuntimePolicy
metadata: { name: r }
spec:
  rules:
    - { name: a, ruleType: ${ruleType}, action: deny, file: /etc/hosts }
`;
    expect(validateText('r.yaml', rt('execution')).declarations).toEqual([]);
    expect(validateText('r.yaml', rt('read')).diagnostics).toEqual([]);
    expect(validateText('r.yaml', rt('READ')).diagnostics).toEqual([]);
  });
});
