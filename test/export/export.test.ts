import { managedView } from '../../src/engine/desired.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { EXPORT_MARKER, exportFiles, slugify, uniqueSlugs } from '../../src/export/export.js';
import { KINDS, kindByName } from '../../src/kinds/index.js';
import { validateText } from '../../src/declarations/validate.js';
import { sample } from '../kinds/helpers.js';
import type { KindName } from '../../src/types.js';

describe('slugs', () => {
  it('are lower-case [a-z0-9-], never empty, never a path', () => {
    expect(slugify('Log4j accepted in Legacy!')).toBe('log4j-accepted-in-legacy');
    expect(slugify('../../etc/passwd')).toBe('etc-passwd');
    expect(slugify('Política de Producción')).toBe('politica-de-produccion');
    expect(slugify('策略')).toBe('unnamed');
    expect(slugify('  --  ')).toBe('unnamed');
    expect(slugify('a'.repeat(200))).toHaveLength(80);
    for (const s of ['..', '.', 'a/b', 'C:\\x', 'a\u0000b']) expect(slugify(s)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('collisions get -2, -3 (also against a name that is already a suffixed slug)', () => {
    expect(uniqueSlugs(['Prod', 'prod', 'PROD!', 'prod-2'])).toEqual(['prod', 'prod-2', 'prod-3', 'prod-2-2']);
  });
});

function liveState(): Map<KindName, unknown[]> {
  const [defaultProfile, north] = sample('sensor-profile/list.response.json').data;
  return new Map<KindName, unknown[]>([
    ['SensorProfile', [{ ...north, description: 'north', associatedRegistries: ['1ec46398-23be-40fc-8cde-8b4bd916d5fa'], associatedSensors: ['3a00f41d-8bb8-41d2-b2c2-54ed50131082'] }, sample<any>('sensor-profile/get.response.json'), { ...defaultProfile }]],
    ['CentralizedPolicy', [sample<any>('centralized-policy/get.response.json'), { ...sample<any>('centralized-policy/get.response.json'), uuid: 'd', policyName: 'Default Policy', isDefault: true }]],
    ['RuntimePolicy', [{ ...sample<any[]>('runtime-policy/list.v1.3.response.json')[1], rules: [{ name: 'deny cat', ruleType: 'READ', action: 'DENY', program: '/bin/cat', file: '/etc/passwd', port: 0 }] }]],
    ['Exception', [sample<any>('exception/get.response.json'), { ...sample<any>('exception/get.response.json'), exceptionId: 'e2', name: 'TestAPI', entityAssignmentType: null, dynamicFilter: null, qids: [3, 1] }]],
    ['SecretRule', [...sample<any>('secret-rule/list.response.json').data, { ...sample<any>('secret-rule/get.response.json'), ruleUuid: 'c6c4165e-c960-11ed-afa1-0242ac120099', status: 'Inactive' }]],
  ]);
}

describe('exportFiles', () => {
  it('writes one file a object, a folder a kind, and secret rules in one file', () => {
    const { files, kinds } = exportFiles(KINDS, liveState());
    expect([...files.keys()]).toEqual([
      'sensor-profiles/north.yaml',
      'centralized-policies/cpm-block-older-image-demo.yaml',
      'runtime-policies/deny-cat-command-access-to-etc-passwd-file.yaml',
      'exceptions/testapi.yaml',
      'exceptions/testapi-2.yaml',
      'secret-rules.yaml',
    ]);
    expect(kinds.find((k) => k.kind === 'SensorProfile')).toEqual({ kind: 'SensorProfile', exported: 1, leftOut: ['Default', 'Default'] });
    expect(kinds.find((k) => k.kind === 'CentralizedPolicy')!.leftOut).toEqual(['Default Policy']);
  });

  it('each file starts with the schema line, validates, and round-trips to the live canonical form', () => {
    const live = liveState();
    const { files } = exportFiles(KINDS, live, { schemaDir: '../node_modules/qcs-gitops/schemas' });
    for (const [path, text] of files) {
      const kind = KINDS.find((k) => path.startsWith(`${k.folder}/`) || (path === 'secret-rules.yaml' && k.kind === 'SecretRule'))!;
      // relative to the file: one folder deeper for the files in a kind's folder
      const up = path.includes('/') ? '../../' : '../';
      expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${up}node_modules/qcs-gitops/schemas/${kind.schemaFile}`);
      expect(text.split('\n')[1]).toBe(EXPORT_MARKER);
      const { declarations, diagnostics } = validateText(path, text);
      expect(diagnostics).toEqual([]);
      for (const d of declarations) {
        const k = kindByName(d.kind)!;
        const obj = live.get(d.kind)!.find((o) => (k.declaredId?.(d.spec) ?? k.idOf(o)) === k.idOf(o) && (k.declaredId?.(d.spec) !== undefined || k.nameOf(o) === d.name))!;
        expect(obj).toBeDefined();
        const { before, after } = managedView(k, d.spec, obj);
        expect(after).toEqual(before);
        expect(k.canonical(d.spec)).toEqual(k.canonicalLive(obj));
      }
    }
  });

  it('uses friendly forms and no server-managed fields', () => {
    const { files } = exportFiles(KINDS, liveState());
    // 'TestAPI' sorts before 'testapi'; both carry their qids (they belong to the exception, whatever its assignment)
    expect(files.get('exceptions/testapi.yaml')!).toMatch(/endDate: .*\n  qids:\n    - 1\n    - 3\n/);
    const exc = files.get('exceptions/testapi-2.yaml')!;
    expect(exc).toContain('startDate: 2023-09-25T09:57:35Z');
    expect(exc).toContain('exceptionType: VULNERABILITY');
    expect(exc).toMatch(/qids:\n    - 90984\n/);
    expect(exc).not.toMatch(/exceptionId|createdBy|created:/);
    const cp = files.get('centralized-policies/cpm-block-older-image-demo.yaml')!;
    expect(cp).toMatch(/metaData:\n\s+value: 1000/);
    expect(cp).not.toMatch(/uuid:|version|isDefault|tagIds/);
    const doc = parseAllDocuments(cp)[0]!.toJS();
    expect(Object.keys(doc)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.keys(doc.spec)).toEqual(['policyType', 'policyMode', 'description', 'centralizedPolicyRules', 'k8sFilters']);
  });

  it('secret rules: every rule, status and severity; a shared detector name pins ruleUuid with a unique name', () => {
    const { files, warnings } = exportFiles(KINDS, liveState());
    const docs = parseAllDocuments(files.get('secret-rules.yaml')!).map((d) => d.toJS());
    expect(docs.map((d) => d.metadata.name)).toEqual([
      'Linear API Token',
      'Shopify Token [c6c4165e-c960-11ed-afa1-0242ac120002]',
      'Shopify Token [c6c4165e-c960-11ed-afa1-0242ac120099]',
    ]);
    expect(docs[0].spec).toEqual({ status: 'Active', severity: 'MEDIUM' });
    expect(docs[2].spec).toEqual({ status: 'Inactive', severity: 'HIGH', ruleUuid: 'c6c4165e-c960-11ed-afa1-0242ac120099' });
    expect(warnings.join('\n')).toMatch(/Shopify Token/);
  });

  it('--include-system adds protected objects; --kind limits the kinds; output is stable', () => {
    const all = exportFiles(KINDS, liveState(), { includeSystem: true });
    expect([...all.files.keys()].filter((p) => p.startsWith('sensor-profiles/'))).toEqual(['sensor-profiles/default.yaml', 'sensor-profiles/default-2.yaml', 'sensor-profiles/north.yaml']);
    expect(all.files.has('centralized-policies/default-policy.yaml')).toBe(true);
    // the Default list summary carries no registries: export says it will not validate as is
    expect(all.warnings.some((w) => /^sensor-profiles\/default-2.yaml: .*a sensor profile needs/.test(w))).toBe(true);
    expect(all.warnings.some((w) => /SensorProfile 'Default' exists 2 times/.test(w))).toBe(true);
    const only = exportFiles([kindByName('Exception')!], liveState());
    expect([...only.files.keys()]).toEqual(['exceptions/testapi.yaml', 'exceptions/testapi-2.yaml']);
    const reversed = new Map([...liveState()].map(([k, v]) => [k, [...v].reverse()]));
    expect([...exportFiles(KINDS, reversed).files]).toEqual([...exportFiles(KINDS, liveState()).files]);
  });
});
