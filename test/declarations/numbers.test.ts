// Issue 26: NaN, infinities and integers beyond 2^53 are refused at their line, in metaData and every numeric field.
import { describe, expect, it } from 'vitest';
import { validateText } from '../../src/declarations/validate.js';

function exception(extra: string): string {
  return [
    'apiVersion: qcs-gitops/v1',
    'kind: Exception',
    'metadata:',
    '  name: numbers',
    'spec:',
    '  scope: IMAGE',
    '  exceptionType: VULNERABILITY',
    '  reason: RISK_ACCEPTED',
    '  startDate: 2026-01-01',
    '  endDate: 2027-01-01',
    extra,
  ].join('\n');
}

describe('numbers JSON cannot carry (issue 26)', () => {
  for (const [label, text, line] of [
    ['.nan in metaData', exception('  qids: [1]\n  metaData:\n    score: .nan'), 13],
    ['1e400 in metaData', exception('  qids: [1]\n  metaData:\n    big: 1e400'), 13],
    ['.inf in a list', exception('  qids: [1, .inf]'), 11],
    ['an integer beyond 2^53', exception('  qids: [9007199254740993]'), 11],
    ['-.inf', exception('  qids: [1]\n  metaData:\n    neg: -.inf'), 13],
  ] as const) {
    it(`${label}: an error at its line, no declaration`, () => {
      const r = validateText('n.yaml', text);
      expect(r.declarations).toEqual([]);
      const d = r.diagnostics.find((x) => /NaN|infinite|beyond 2\^53/.test(x.message));
      expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
      expect(d!.line).toBe(line);
      expect(d!.severity).toBe('error');
    });
  }

  it('ordinary numbers, 2^53 - 1 included, are accepted', () => {
    const r = validateText('n.yaml', exception('  qids: [1, 9007199254740991]'));
    expect(r.diagnostics.filter((x) => x.severity === 'error'), JSON.stringify(r.diagnostics)).toEqual([]);
  });
});
