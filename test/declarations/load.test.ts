import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_FILE_BYTES, collectFiles, loadDocuments, parseText } from '../../src/declarations/load.js';

const MULTI = `# leading comment
apiVersion: qcs-gitops/v1
kind: RuntimePolicy
metadata:
  name: web
spec:
  policyMode: ACTIVE
  rules:
    - name: a
      ruleType: READ
    - name: b
      port: 22
      empty:
---
---
apiVersion: qcs-gitops/v1
kind: SecretRule
metadata: { name: "Shopify Token" }
spec:
  status: Active
`;

describe('parseText', () => {
  test('multi-document files: positions, empty documents skipped, indexes kept', () => {
    const { documents, diagnostics } = parseText('f.yaml', MULTI);
    expect(diagnostics).toEqual([]);
    expect(documents.map((d) => d.index)).toEqual([0, 2]);
    const [web, secret] = documents;
    expect(web!.source).toEqual({ file: 'f.yaml', line: 2, column: 1 });
    expect(web!.positionOf(['spec', 'rules', 1, 'port'])).toEqual({ file: 'f.yaml', line: 12, column: 13 });
    expect(web!.keyPositionOf(['spec', 'rules', 1, 'port'])).toEqual({ file: 'f.yaml', line: 12, column: 7 });
    expect(web!.positionOf(['spec', 'rules', 1])).toEqual({ file: 'f.yaml', line: 11, column: 7 });
    // a key without a value points at the key
    expect(web!.positionOf(['spec', 'rules', 1, 'empty'])).toEqual({ file: 'f.yaml', line: 13, column: 7 });
    // a missing field falls back to the nearest existing parent
    expect(web!.positionOf(['spec', 'rules', 0, 'file'])).toEqual({ file: 'f.yaml', line: 9, column: 7 });
    expect(web!.positionOf(['spec', 'rules', 7])).toEqual({ file: 'f.yaml', line: 9, column: 5 });
    expect(secret!.source).toEqual({ file: 'f.yaml', line: 16, column: 1 });
    expect(secret!.positionOf(['metadata', 'name'])).toEqual({ file: 'f.yaml', line: 18, column: 19 });
    expect(secret!.value).toEqual({ apiVersion: 'qcs-gitops/v1', kind: 'SecretRule', metadata: { name: 'Shopify Token' }, spec: { status: 'Active' } });
  });

  test('YAML 1.2 core schema: dates stay strings, yes/no stay strings, even under %YAML 1.1; no merge keys', () => {
    for (const prefix of ['', '%YAML 1.1\n---\n']) {
      const { documents, diagnostics } = parseText('f.yaml', `${prefix}a: 2026-01-01\nb: yes\nc: 2026-01-01T00:00:00Z\n"<<": {x: 1}\n`);
      expect(diagnostics).toEqual([]);
      expect(documents[0]!.value).toEqual({ a: '2026-01-01', b: 'yes', c: '2026-01-01T00:00:00Z', '<<': { x: 1 } });
    }
  });

  test('an empty file and a comment-only file are a warning (they declare nothing), not an error', () => {
    for (const text of ['', '# nothing here\n', '---\n---\n']) {
      const { documents, diagnostics } = parseText('e.yaml', text);
      expect(documents).toEqual([]);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ file: 'e.yaml', line: 1, column: 1, severity: 'warning' });
      expect(diagnostics[0]!.message).toMatch(/empty file/);
    }
  });

  test('an over-indented key is reported at its own line, with the fix', () => {
    const head = 'apiVersion: qcs-gitops/v1\nkind: Exception\nmetadata:\n  name: x\nspec:\n';
    const { diagnostics } = parseText('o.yaml', `${head}  scope: IMAGE\n    reason: RISK_ACCEPTED\n  explanation: y\n`);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 7, column: 5 });
    expect(diagnostics[0]!.message).toMatch(/'reason' is indented 4 spaces, more than 'scope' on the line above \(2\).*indent it 2 spaces/);
    const inList = parseText('l.yaml', 'apiVersion: qcs-gitops/v1\nkind: RuntimePolicy\nmetadata:\n  name: x\nspec:\n  rules:\n    - name: a\n        ruleType: READ\n');
    expect(inList.diagnostics[0]).toMatchObject({ line: 8, column: 9 });
    expect(inList.diagnostics[0]!.message).toMatch(/'ruleType' is indented 8 spaces, more than 'name' on the line above \(6\)/);
  });

  test('a document that is not a mapping', () => {
    const { diagnostics } = parseText('s.yaml', 'a: 1\n---\njust a string\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 3, column: 1 });
    expect(diagnostics[0]!.message).toMatch(/must be a mapping .*got a string/);
  });

  test('duplicate keys: each one is reported at the repeated key', () => {
    const { documents, diagnostics } = parseText('d.yaml', 'a: 1\nb: 2\na: 3\nc:\n  x: 1\n  x: 2\n');
    expect(documents).toEqual([]);
    expect(diagnostics.map((d) => [d.line, d.column])).toEqual([
      [3, 1],
      [6, 3],
    ]);
    expect(diagnostics[0]!.message).toMatch(/duplicate key: 'a'/);
  });

  test('syntax errors: one diagnostic a document, with a position, no stack', () => {
    const { diagnostics } = parseText('x.yaml', 'a: [1, 2\nb: 1\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toMatch(/^YAML syntax error: /);
    expect(diagnostics[0]!.message).not.toMatch(/\n|at .*\.js/);
  });

  test('deeply nested or unclosed brackets are refused before parsing (the parser would exhaust the heap)', () => {
    const { documents, diagnostics } = parseText('deep.yaml', 'a: 1\nb: ' + '['.repeat(100_000));
    expect(documents).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 2, column: 4 + 64 });
    expect(diagnostics[0]!.message).toMatch(/nested or left open more than 64 levels/);
    // closed nesting within the limit is fine
    expect(parseText('ok.yaml', 'a: ' + '['.repeat(30) + ']'.repeat(30) + '\n').diagnostics).toEqual([]);
  });

  test('alias bombs are stopped by the alias limit; ordinary aliases work', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 6; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const bomb = parseText('bomb.yaml', levels.join('\n') + '\n');
    expect(bomb.documents).toEqual([]);
    expect(bomb.diagnostics[0]!.message).toMatch(/too many alias expansions/);

    const ok = parseText('ok.yaml', 'base: &b {x: 1}\nuse: *b\n');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.documents[0]!.value).toEqual({ base: { x: 1 }, use: { x: 1 } });
  });

  test('an alias to an undefined anchor is reported at the alias', () => {
    const { diagnostics } = parseText('u.yaml', 'a: 1\nb: *nope\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 2, column: 4 });
  });

  test.each(['__proto__', 'constructor', 'prototype'])('the key %s is refused wherever it is', (key) => {
    const { documents, diagnostics } = parseText('p.yaml', `spec:\n  rules:\n    - ${key}: {polluted: true}\n`);
    expect(documents).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 3, column: 7 });
    expect(diagnostics[0]!.message).toContain(`'${key}' is not allowed`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('collection keys are refused', () => {
    const { diagnostics } = parseText('k.yaml', '? [a, b]\n: 1\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toMatch(/keys must be plain scalars/);
  });
});

describe('files and folders', () => {
  let root: string;
  let outside: string;
  const rel = (p: string) => relative(process.cwd(), p);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'qcs-load-'));
    outside = mkdtempSync(join(tmpdir(), 'qcs-outside-'));
    const doc = (name: string) => `apiVersion: qcs-gitops/v1\nkind: SecretRule\nmetadata:\n  name: ${name}\nspec:\n  status: Active\n`;
    mkdirSync(join(root, 'b-dir', 'nested'), { recursive: true });
    mkdirSync(join(root, '.hidden'));
    writeFileSync(join(root, 'z.yml'), doc('z'));
    writeFileSync(join(root, 'a.yaml'), doc('a'));
    writeFileSync(join(root, 'README.md'), '# not yaml');
    writeFileSync(join(root, 'b-dir', 'nested', 'deep.YAML'), doc('deep'));
    writeFileSync(join(root, '.hidden', 'skip.yaml'), doc('hidden'));
    writeFileSync(join(outside, 'secret.yaml'), doc('outside'));
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'link-out.yaml'));
    symlinkSync(outside, join(root, 'dir-out'));
    symlinkSync(root, join(root, 'b-dir', 'loop'));
    symlinkSync(join(root, 'a.yaml'), join(root, 'b-dir', 'same-as-a.yaml'));
    writeFileSync(join(root, 'binary.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0x00, 0x01]));
    writeFileSync(join(root, 'latin1.yaml'), Buffer.from('name: caf\xe9\n', 'latin1'));
    writeFileSync(join(root, 'bom.yaml'), '\ufeff' + doc('bom'));
    writeFileSync(join(root, 'huge.yaml'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test('folders are walked for *.yaml/*.yml in sorted order; hidden entries and other files are skipped', async () => {
    const { files } = await collectFiles([root]);
    expect(files.map((f) => relative(rel(root), f))).toEqual([
      'a.yaml',
      join('b-dir', 'nested', 'deep.YAML'),
      'binary.yaml',
      'bom.yaml',
      'huge.yaml',
      'latin1.yaml',
      'z.yml',
    ]);
  });

  test('symlinks: loops and links leaving the root are diagnostics; a second path to the same file is read once', async () => {
    const { diagnostics } = await collectFiles([root]);
    const msgs = diagnostics.map((d) => `${relative(rel(root), d.file)}: ${d.message}`);
    expect(msgs).toEqual([
      expect.stringMatching(/^b-dir\/loop: symbolic link loop/),
      expect.stringMatching(/^dir-out: symbolic link points outside/),
      expect.stringMatching(/^link-out.yaml: symbolic link points outside/),
    ]);
  });

  test('binary, non-UTF-8 and oversized files are diagnostics; a BOM is fine', async () => {
    const { documents, diagnostics } = await loadDocuments([root]);
    const byFile = (name: string) => diagnostics.filter((d) => d.file.endsWith(name)).map((d) => d.message);
    expect(byFile('binary.yaml')).toEqual([expect.stringMatching(/^binary file \(NUL byte at offset 3\)/)]);
    expect(byFile('latin1.yaml')).toEqual([expect.stringMatching(/not valid UTF-8/)]);
    expect(byFile('huge.yaml')).toEqual([expect.stringMatching(/too large .*32 MiB/)]);
    expect(byFile('bom.yaml')).toEqual([]);
    expect(documents.map((d) => (d.value as any).metadata.name).sort()).toEqual(['a', 'bom', 'deep', 'z']);
  });

  test('a missing path is a diagnostic; a file named explicitly is read whatever its extension', async () => {
    writeFileSync(join(root, 'decl.txt'), 'apiVersion: qcs-gitops/v1\n');
    const { files, diagnostics } = await collectFiles([join(root, 'nope.yaml'), join(root, 'decl.txt')]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toBe('no such file or directory');
    expect(files).toEqual([join(root, 'decl.txt')]); // outside the working directory: shown absolute
  });

  test('a folder without YAML files is an error (a wrong folder must not pass)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'qcs-empty-'));
    try {
      const { files, diagnostics } = await collectFiles([empty]);
      expect(files).toEqual([]);
      expect(diagnostics).toEqual([expect.objectContaining({ message: expect.stringMatching(/no \*\.yaml or \*\.yml files/) })]);
      expect(diagnostics[0]!.severity).not.toBe('warning');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
