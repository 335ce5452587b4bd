// The invalid corpus: each file in test/fixtures/invalid holds exactly one problem, and says on its first line
// where it is and part of the message: `# expect: LINE:COLUMN message substring`.
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadAndValidate, validateText } from '../../src/declarations/validate.js';
import { formatDiagnostic } from '../../src/errors.js';
import { INVALID_DIR, corpus } from './helpers.js';
import { KIND_NAMES } from '../../src/kinds/index.js';

describe('invalid corpus', () => {
  const cases = corpus();

  test('holds at least 25 files, each with a different problem', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.text)).size).toBe(cases.length);
  });

  test.each(cases)('$file', async (c) => {
    const { diagnostics, declarations } = await loadAndValidate([c.file]);
    const errors = diagnostics.filter((d) => d.severity !== 'warning');
    expect(errors.map(formatDiagnostic)).toHaveLength(1);
    const [d] = errors;
    expect(`${d!.file}:${d!.line}:${d!.column}`).toBe(`${c.file}:${c.line}:${c.column}`);
    expect(formatDiagnostic(d!)).toContain(c.text);
    // The broken document never becomes a declaration.
    expect(declarations.length).toBeLessThanOrEqual(1);
  });

  test('the whole folder at once reports each file’s problem, and only those', async () => {
    const { diagnostics } = await loadAndValidate([INVALID_DIR]);
    const got = diagnostics.filter((d) => d.severity !== 'warning').map((d) => `${d.file}:${d.line}:${d.column}`);
    expect(got).toEqual(cases.map((c) => `${c.file}:${c.line}:${c.column}`));
  });
});

describe('examples/policies', () => {
  test('every example is valid, and every kind is covered', async () => {
    const { diagnostics, declarations, files } = await loadAndValidate(['examples/policies']);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(new Set(declarations.map((d) => d.kind))).toEqual(new Set(KIND_NAMES));
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  test('the notable fields are covered', async () => {
    const { declarations } = await loadAndValidate(['examples/policies']);
    const specs = (kind: string) => declarations.filter((d) => d.kind === kind).map((d) => d.spec as Record<string, any>);
    expect(new Set(specs('CentralizedPolicy').map((s) => s.policyType))).toEqual(new Set(['K8S_ADMISSION_CONTROLLER', 'CICD']));
    // the one rule type the notes document (Block Older Images), in admission-controller policies only
    expect(new Set(specs('CentralizedPolicy').flatMap((s) => (s.centralizedPolicyRules ?? []).map((r: any) => r.type)))).toEqual(new Set(['IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES']));
    expect(specs('CentralizedPolicy').some((s) => s.k8sFilters?.some((f: any) => f.cluster))).toBe(true);
    expect(specs('CentralizedPolicy').some((s) => s.k8sFilters?.some((f: any) => f.namespace))).toBe(true);
    expect(specs('CentralizedPolicy').some((s) => s.exclusionPolicyRules?.length)).toBe(true);
    expect(new Set(specs('RuntimePolicy').flatMap((s) => s.rules.map((r: any) => r.ruleType)))).toEqual(
      new Set(['READ', 'WRITE', 'NETWORK_OUTBOUND', 'NETWORK_INBOUND', 'SYSCALL']),
    );
    expect(new Set(specs('Exception').map((s) => s.entityAssignmentType))).toEqual(new Set(['DYNAMIC', undefined]));
    expect(specs('SensorProfile').some((s) => s.associatedRegistryIds?.length)).toBe(true);
    expect(specs('SensorProfile').some((s) => s.associatedRegistries?.length)).toBe(true); // by name (issue 27)
    expect(new Set(specs('SecretRule').map((s) => String(s.status ?? '').toLowerCase()))).toContain('inactive');
  });
});

describe('docs/declarations.md', () => {
  test('every complete example in the documentation is valid', () => {
    const md = readFileSync('docs/declarations.md', 'utf8');
    const blocks = [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^spec:/m.test(b) && !b.includes('...'));
    expect(blocks.length).toBeGreaterThanOrEqual(6); // one a kind at least (a new kind's section adds one)
    for (const b of blocks) {
      const r = validateText('docs.yaml', b);
      expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(r.declarations).toHaveLength(1);
    }
  });
});
