// Issue 26: ids are validated before they go into a path. A list item without a valid id is E_BAD_RESPONSE naming
// the item, never a planned change; an id in a path is a single percent-encoded segment.
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/api/types.js';
import { makePlan } from '../../src/engine/plan.js';
import type { Declaration } from '../../src/types.js';
import { QcsError } from '../../src/errors.js';
import { KINDS, exception } from '../../src/kinds/index.js';
import { badId, seg } from '../../src/kinds/requests.js';

function fakeApi(items: unknown[]): ApiClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    gateway: 'http://127.0.0.1:9',
    calls,
    request: async (method: string, path: string) => {
      calls.push(`${method} ${path}`);
      return undefined;
    },
    list: async (path: string) => {
      calls.push(`LIST ${path}`);
      return (path.includes('exception') ? items : []) as never;
    },
    resolvePath: async (c: string[]) => c[0]!,
  } as unknown as ApiClient & { calls: string[] };
}

const declared = [
  {
    apiVersion: 'qcs-gitops/v1',
    kind: 'Exception',
    name: 'declared',
    spec: { scope: 'IMAGE', exceptionType: 'VULNERABILITY', reason: 'RISK_ACCEPTED', startDate: '2026-01-01', endDate: '2027-01-01', qids: [5] },
    source: { file: 'x.yaml', line: 1, column: 1 },
    positionOf: () => ({ file: 'x.yaml', line: 1, column: 1 }),
  },
] as unknown as Declaration[];
const good = { exceptionId: 'e-1', name: 'fine', reason: 'RISK_ACCEPTED', scope: 'IMAGE', startDate: '1', endDate: '2', qids: [5] };

describe('ids (issue 26)', () => {
  it('an id is a non-empty single segment, not . or .., percent-encoded', () => {
    for (const id of ['', ' ', '.', '..', 'a/b', '../x', 'a\\b', 'a\nb', undefined, 7]) expect(badId(id), String(id)).toBeDefined();
    for (const id of ['e-1', 'a b', '%2e%2e', '...', 'é', '1234']) expect(badId(id)).toBeUndefined();
    expect(seg('a b?#%')).toBe('a%20b%3F%23%25');
    expect(seg('%2e%2e')).toBe('%252e%252e');
    expect(() => seg('..')).toThrow(QcsError);
    expect(() => seg('')).toThrow(/E_BAD_RESPONSE|path/);
  });

  for (const [label, bad] of [
    ['"."', { ...good, exceptionId: '.', name: 'dot' }],
    ['".."', { ...good, exceptionId: '..', name: 'dotdot' }],
    ['""', { ...good, exceptionId: '', name: 'empty' }],
    ['none', { ...good, exceptionId: undefined, name: 'noid' }],
    ['a slash', { ...good, exceptionId: 'a/../../', name: 'slash' }],
  ] as const) {
    it(`a list item with id ${label} is E_BAD_RESPONSE naming it, not a planned delete`, async () => {
      const api = fakeApi([good, bad]);
      const e = await makePlan(api, KINDS, declared, { prune: true, maxDeletes: 100 }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(QcsError);
      expect((e as QcsError).code).toBe('E_BAD_RESPONSE');
      expect((e as QcsError).message).toContain(`"${bad.name}"`);
      expect((e as QcsError).message).toContain('Exception');
      expect(api.calls.filter((c) => !c.startsWith('LIST') && !c.startsWith('GET'))).toEqual([]);
    });
  }

  it('a valid list plans as before', async () => {
    const items = await exception.list(fakeApi([good]));
    expect(items).toHaveLength(1);
  });
});
