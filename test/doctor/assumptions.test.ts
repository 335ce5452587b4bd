// The assumptions registry (src/api/assumptions.ts) and docs/api-assumptions.md hold the same assumed rows: a row
// marked *(assumed)* (alone or beside *(notes …)*) has an id `<section>/<topic>` in the registry, and every id of
// the registry names such a row. Adding an assumption to either alone fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSUMPTIONS, LIST_SHAPES } from '../../src/api/assumptions.js';
import { KIND_NAMES } from '../../src/kinds/index.js';
import { ROOT } from '../helpers/cli.js';

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const slug = (s: string) => s.toLowerCase().replace(/`/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The ids of the document's assumed rows, in order. */
function assumedIds(markdown: string): string[] {
  const ids: string[] = [];
  let section = '';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) section = kebab(line.slice(3).trim().split(/\s/)[0]!);
    if (!section || !line.startsWith('| ') || line.startsWith('| ---') || line.startsWith('| topic')) continue;
    const cells = line.slice(2).split(/(?<!\\)\|/);
    const decision = cells.slice(1).join('|');
    if (/\*\([^)]*assumed/.test(decision)) ids.push(`${section}/${slug(cells[0]!)}`);
  }
  return ids;
}

/** What differs between the document's ids and the registry's. */
function drift(docIds: readonly string[], codeIds: readonly string[]): { onlyInDocs: string[]; onlyInCode: string[] } {
  return { onlyInDocs: docIds.filter((id) => !codeIds.includes(id)), onlyInCode: codeIds.filter((id) => !docIds.includes(id)) };
}

const DOC = readFileSync(join(ROOT, 'docs/api-assumptions.md'), 'utf8');
const CODE_IDS = ASSUMPTIONS.map((a) => a.id);

describe('the assumptions registry', () => {
  it('holds exactly the assumed rows of docs/api-assumptions.md', () => {
    expect(drift(assumedIds(DOC), CODE_IDS)).toEqual({ onlyInDocs: [], onlyInCode: [] });
  });

  it('ids are unique, and each has a statement and a probe or a reason why none can check it', () => {
    expect(new Set(CODE_IDS).size).toBe(CODE_IDS.length);
    for (const a of ASSUMPTIONS) {
      expect(a.statement.length, a.id).toBeGreaterThan(10);
      expect(!!a.probe !== !!a.unchecked, a.id).toBe(true);
    }
  });

  it('fails when an assumed row is added to the document alone, or an id to the registry alone', () => {
    const added = DOC.replace('## Common\n| topic | decision |\n| --- | --- |\n', '## Common\n| topic | decision |\n| --- | --- |\n| brand new | something new *(assumed)* |\n');
    expect(added).not.toBe(DOC);
    expect(drift(assumedIds(added), CODE_IDS).onlyInDocs).toEqual(['common/brand-new']);
    expect(drift(assumedIds(DOC), [...CODE_IDS, 'exception/imaginary']).onlyInCode).toEqual(['exception/imaginary']);
  });

  it('names only kinds of the registry, and knows every kind\'s list shape', () => {
    for (const a of ASSUMPTIONS) {
      const kind = a.probe && 'kind' in a.probe ? a.probe.kind : undefined;
      if (kind) expect(KIND_NAMES, a.id).toContain(kind);
    }
    expect(Object.keys(LIST_SHAPES).sort()).toEqual([...KIND_NAMES].sort());
  });
});
