// Issue 26: SECURITY.md states the limits the code enforces, equal to the code's constants.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LIST_ITEMS, MAX_PAGES } from '../../src/api/paginate.js';
import { DEFAULTS } from '../../src/api/wire.js';
import { MAX_FILE_BYTES } from '../../src/declarations/load.js';
import { MAX_PROBLEMS } from '../../src/declarations/validate.js';
import { MAX_ALIAS_COUNT, MAX_COLLECTION_ITEMS, MAX_FLOW_DEPTH } from '../../src/declarations/yaml.js';
import { ROOT } from '../helpers/cli.js';

const MiB = 1024 * 1024;

/** The Limits table of SECURITY.md: limit → value in the unit written (MiB → bytes, s → ms). */
function documented(): Record<string, number> {
  const text = readFileSync(join(ROOT, 'SECURITY.md'), 'utf8');
  const table = text.slice(text.indexOf('## Limits'));
  const out: Record<string, number> = {};
  for (const m of table.matchAll(/^\| (.+?) \| ([\d,]+)( MiB| s)? \|$/gm)) {
    const n = Number(m[2]!.replace(/,/g, ''));
    out[m[1]!] = m[3] === ' MiB' ? n * MiB : m[3] === ' s' ? n * 1000 : n;
  }
  return out;
}

describe('SECURITY.md states the limits the code enforces', () => {
  it('every row equals the constant the code uses', () => {
    expect(documented()).toEqual({
      'declaration file size': MAX_FILE_BYTES,
      'alias expansions per document': MAX_ALIAS_COUNT,
      'flow nesting (`[`/`{`)': MAX_FLOW_DEPTH,
      'items per list or mapping in a declaration': MAX_COLLECTION_ITEMS,
      'problems reported per run': MAX_PROBLEMS,
      "one API answer's body": DEFAULTS.maxResponseBytes,
      "one list's items": MAX_LIST_ITEMS,
      "one list's pages, in all": DEFAULTS.maxListBytes,
      "one list's pages": MAX_PAGES,
      'one exchange (`--request-timeout`, default)': DEFAULTS.requestTimeoutMs,
      'tries of one call (`--retries`, default)': DEFAULTS.retries,
      'waiting between tries of one call (`--max-retry-wait`, default)': DEFAULTS.maxRetryWaitMs,
    });
  });
});
