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

/** The document's assumed rows, in order: id and statement (a Values row: `<set> (<class>): <members>`). */
function assumedRows(markdown: string): Array<{ id: string; statement: string }> {
  const rows: Array<{ id: string; statement: string }> = [];
  let section = '';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) section = kebab(line.slice(3).trim().split(/\s/)[0]!);
    if (!section || !line.startsWith('| ') || line.startsWith('| ---') || line.startsWith('| topic') || line.startsWith('| set |')) continue;
    const cells = line.trim().slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
    if (!/\*\([^)]*assumed/.test(cells.slice(1).join('|'))) continue;
    const statement = section === 'values' ? `${cells[0]!.replace(/`/g, '')} (${cells[1]}): ${cells[2]}` : cells[1]!;
    rows.push({ id: `${section}/${slug(cells[0]!)}`, statement: statement.replace(/\\\|/g, '|') });
  }
  return rows;
}

const assumedIds = (markdown: string): string[] => assumedRows(markdown).map((r) => r.id);

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

  it("states each assumption as the document's row does, word for word", () => {
    const doc = new Map(assumedRows(DOC).map((r) => [r.id, r.statement]));
    for (const a of ASSUMPTIONS) expect(a.statement, a.id).toBe(doc.get(a.id));
  });

  it('ids are unique, and each has a statement and a probe or a reason why none can check it', () => {
    expect(new Set(CODE_IDS).size).toBe(CODE_IDS.length);
    for (const a of ASSUMPTIONS) {
      expect(a.statement.length, a.id).toBeGreaterThan(10);
      expect(!!a.probe !== !!a.unchecked, a.id).toBe(true);
    }
  });

  it('fails when an assumed row is added to the document alone, or an id to the registry alone', () => {
    const header = '## Common\n| topic | decision | evidence |\n| --- | --- | --- |\n';
    const added = DOC.replace(header, `${header}| brand new | something new | *(assumed)* |\n`);
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
