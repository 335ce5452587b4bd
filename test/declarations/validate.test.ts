import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { loadAndValidate, loadDeclarations, validateText } from '../../src/declarations/validate.js';
import { stableStringify as canonicalJson } from '../../src/json.js';
import { declarationsHash } from '../../src/engine/planfile.js';

const secret = (name: string, spec = 'status: Active') => `apiVersion: qcs-gitops/v1\nkind: SecretRule\nmetadata:\n  name: ${name}\nspec:\n  ${spec}\n`;

describe('across documents and files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qcs-validate-'));
    writeFileSync(join(dir, 'a.yaml'), secret('One') + '---\n' + secret('Two'));
    writeFileSync(join(dir, 'b.yaml'), '# b\n' + secret('One', 'severity: LOW'));
    writeFileSync(join(dir, 'c.yaml'), secret('Three', 'ruleUuid: ff34aaee-e4c2-11ed-b5ea-0242ac120002\n  status: Active') + '---\n' + secret('Four', 'ruleUuid: FF34AAEE-E4C2-11ED-B5EA-0242AC120002\n  status: Active'));
    writeFileSync(join(dir, 'ok.yaml'), secret('Five'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a kind and name declared twice is reported at the second, naming the first; neither copy is returned', async () => {
    const { diagnostics, declarations } = await loadAndValidate([dir]);
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    const c = join(dir, 'c.yaml');
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.path}: ${d.message}`)).toEqual([
      `${b}:5:9: metadata.name: SecretRule 'One' is declared twice: first at ${a}:4:9; keep one`,
      `${c}:14:13: spec.ruleUuid: SecretRule ruleUuid 'FF34AAEE-E4C2-11ED-B5EA-0242AC120002' is declared twice: first at ${c}:6:13; keep one`,
    ]);
    expect(declarations.map((d) => d.name).sort()).toEqual(['Five', 'Two']);
  });

  test('declarations carry their source and a positionOf for later diagnostics', async () => {
    const { declarations } = await loadAndValidate([join(dir, 'a.yaml')]);
    const two = declarations.find((d) => d.name === 'Two')!;
    expect(two.source).toEqual({ file: join(dir, 'a.yaml'), line: 8, column: 1 });
    expect(two.positionOf(['spec', 'status'])).toEqual({ file: join(dir, 'a.yaml'), line: 13, column: 11 });
  });

  test('loadDeclarations throws a ValidationError holding every diagnostic', async () => {
    await expect(loadDeclarations([dir])).rejects.toBeInstanceOf(ValidationError);
    const err = (await loadDeclarations([dir]).catch((e: unknown) => e)) as ValidationError;
    expect(err.diagnostics).toHaveLength(2);
    expect(err.code).toBe('E_VALIDATION');
    await expect(loadDeclarations([join(dir, 'ok.yaml')])).resolves.toHaveLength(1);
  });

  test('warnings alone do not make the declarations invalid', () => {
    const r = validateText('w.yaml', secret('Six', 'status: !custom Active'));
    expect(r.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', line: 6, column: 11 })]);
    expect(r.declarations).toHaveLength(1);
  });

  test('diagnostics are sorted by file, line and column', async () => {
    const { diagnostics } = await loadAndValidate(['test/fixtures/invalid']);
    const keys = diagnostics.map((d) => [d.file, d.line, d.column] as const);
    const sorted = [...keys].sort((x, y) => (x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] - y[1] || x[2] - y[2]));
    expect(keys).toEqual(sorted);
  });
});

describe('declarationsHash', () => {
  const decl = (kind: any, name: string, spec: Record<string, unknown>) => ({ kind, name, spec });

  test('independent of declaration order and key order; sensitive to any change', () => {
    const x = decl('SecretRule', 'A', { status: 'Active', severity: 'HIGH' });
    const y = decl('Exception', 'B', { scope: 'IMAGE', qids: [1, 2] });
    const h = declarationsHash([x, y]);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(declarationsHash([y, x])).toBe(h);
    expect(declarationsHash([decl('SecretRule', 'A', { severity: 'HIGH', status: 'Active' }), y])).toBe(h);
    expect(declarationsHash([x, decl('Exception', 'B', { scope: 'IMAGE', qids: [2, 1] })])).not.toBe(h);
    expect(declarationsHash([x, decl('Exception', 'C', y.spec)])).not.toBe(h);
    expect(declarationsHash([x])).not.toBe(h);
  });

  test('same files, same hash; the hash ignores file layout', async () => {
    const a = await loadDeclarations(['examples/policies']);
    const b = await loadDeclarations(['examples/policies']);
    expect(declarationsHash(a)).toBe(declarationsHash(b));
    const r = validateText('all-in-one.yaml', secret('Five'));
    const s = validateText('elsewhere/other.yaml', '# moved\n\n' + secret('Five'));
    expect(declarationsHash(r.declarations)).toBe(declarationsHash(s.declarations));
  });

  test('canonicalJson sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });
});
