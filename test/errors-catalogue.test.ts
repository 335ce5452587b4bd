// The error-code catalogue: ERROR_CODES in src/errors.ts, the codes src/ uses and docs/errors.md list the same codes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('every E_ code src/ uses is in the catalogue, and every catalogued code is used', () => {
  const used = new Set<string>();
  for (const file of sources(join(root, 'src'))) {
    if (file.endsWith(join('src', 'errors.ts'))) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`[](E_[A-Z][A-Z0-9_]*)\b/g)) used.add(m[1]!);
  }
  used.delete('E_API_'); // `E_API_${status}`
  used.delete('E_API_404'); // an instance of E_API_<status>
  used.delete('E_UNKNOWN'); // src/api/retry.ts: the transport classification's fallback (beside ECONNRESET, ...), not an error code
  const catalogued = Object.keys(ERROR_CODES);
  const errorsTs = readFileSync(join(root, 'src', 'errors.ts'), 'utf8');
  const usedInErrorsTs = catalogued.filter((c) => errorsTs.split(`'${c}'`).length > 1);
  expect([...used].filter((c) => !catalogued.includes(c)).sort()).toEqual([]);
  expect(catalogued.filter((c) => !used.has(c) && !usedInErrorsTs.includes(c)).sort()).toEqual([]);
});

test('docs/errors.md lists exactly the catalogue, with the same one-line meanings', () => {
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `(E_[A-Z0-9_]+)` \| (.*) \|$/gm)].map((m) => [m[1]!, m[2]!]);
  expect(rows).toEqual(Object.entries(ERROR_CODES));
  expect(doc).toContain('| `E_API_<status>` |');
  for (const meaning of Object.values(ERROR_CODES)) expect(meaning).not.toMatch(/\n/);
});
