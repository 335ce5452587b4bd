// Shared by the declaration tests: the invalid corpus and the schemas' descriptions.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DECLARATION_SCHEMA_FILES } from '../../src/declarations/schemas.js';

export const INVALID_DIR = join('test', 'fixtures', 'invalid');

export interface Expectation {
  file: string;
  line: number;
  column: number;
  text: string;
}

export function corpus(): Expectation[] {
  return readdirSync(INVALID_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const file = join(INVALID_DIR, f);
      const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
      const m = /^# expect: (\d+):(\d+) (.+)$/.exec(first);
      if (!m) throw new Error(`${file}: the first line must be "# expect: LINE:COLUMN message"`);
      return { file, line: Number(m[1]), column: Number(m[2]), text: m[3]! };
    });
}

/** Every description of at least 40 characters in a schema: text a copy would carry. */
export function longDescriptions(): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'description' && typeof x === 'string' && x.length >= 40) out.push(x);
        else walk(x);
      }
    }
  };
  DECLARATION_SCHEMA_FILES.forEach((f) => walk(JSON.parse(readFileSync(join('schemas', f), 'utf8'))));
  return out;
}

