// Set-like lists are diffed as sets (Kind.setFields): the plan names the members added and removed, sorted, and
// never a member that is kept; ordered lists of named items keep positional diffs, shown by the item's name.
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/engine/plan.js';
import { planDigest } from '../../src/engine/digest.js';
import { exception, runtimePolicy, sensorProfile } from '../../src/kinds/index.js';
import { renderPlanText } from '../../src/render/text.js';
import { renderPlanMarkdown } from '../../src/render/markdown.js';
import { planToJson } from '../../src/render/json.js';
import { decl } from '../engine/fake-kind.js';

const base = { scope: 'IMAGE', reason: 'RISK_ACCEPTED', explanation: 'x', startDate: '1767225600000', endDate: '1798761600000' };
const liveException = (qids: number[]) => ({ exceptionId: 'e1', name: 'openssl', ...base, qids });
const declared = (qids: number[]) => decl('Exception', 'openssl', { ...base, startDate: '2026-01-01', endDate: '2027-01-01', qids });

function planOf(live: number[], want: number[]) {
  return buildPlan([exception], [declared(want)], new Map([['Exception', [liveException(live)]]]));
}

describe('set-like lists', () => {
  it('live [90984, 376157, 379210], declared [90984, 379210, 380001]: + 380001 and - 376157, in text, markdown and json', () => {
    const plan = planOf([90984, 376157, 379210], [90984, 379210, 380001]);
    expect(plan.changes).toHaveLength(1);
    const text = renderPlanText(plan);
    expect(text).toContain('      + qids: 380001\n      - qids: 376157\n');
    expect(text).not.toMatch(/qids\[|90984|379210/);
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('+ qids: 380001\n- qids: 376157\n');
    expect(md).not.toMatch(/qids\[|90984|379210/);
    const json = planToJson(plan) as { changes: Array<{ fields: unknown[] }> };
    expect(json.changes[0]!.fields).toEqual([
      { op: '+', path: 'qids', after: 380001 },
      { op: '-', path: 'qids', before: 376157 },
    ]);
  });

  it('members are sorted numerically, and a kept member never shows', () => {
    const plan = planOf([5, 90984, 1000], [90984, 20, 3]);
    const lines = renderPlanText(plan).split('\n').filter((l) => l.includes('qids'));
    expect(lines.map((l) => l.trim())).toEqual(['+ qids: 3', '+ qids: 20', '- qids: 5', '- qids: 1000']);
  });

  it('the same members in another order plan nothing', () => {
    expect(planOf([3, 1, 2], [2, 3, 1]).changes).toEqual([]);
  });

  it('the digest depends on the sets, not on the order they were written in', () => {
    expect(planDigest(planOf([1, 2, 3], [3, 4, 1]))).toBe(planDigest(planOf([3, 2, 1], [4, 1, 3])));
    expect(planDigest(planOf([1, 2, 3], [3, 4, 1]))).not.toBe(planDigest(planOf([1, 2, 3], [3, 5, 1])));
  });

  it('a sensor profile shows registries added and removed by id', () => {
    const live = { profileId: 'p1', profileName: 'eu', description: 'd', profileType: 'Registry', associatedRegistries: [{ registryUuid: 'b' }, { registryUuid: 'a' }], associatedSensors: [] };
    const plan = buildPlan([sensorProfile], [decl('SensorProfile', 'eu', { description: 'd', associatedRegistryIds: ['a', 'c'] })], new Map([['SensorProfile', [live]]]));
    const text = renderPlanText(plan);
    expect(text).toContain('+ associatedRegistryIds: "c"\n      - associatedRegistryIds: "b"\n');
  });
});

describe('ordered lists of named items', () => {
  const rule = (name: string, action: string) => ({ name, ruleType: 'SYSCALL', program: '*', syscall: 'ptrace', action });
  const live = (rules: object[]) => ({ id: 'r1', name: 'web', policyMode: 'ACTIVE', rules });
  const plan = (liveRules: object[], declared: object[]) =>
    buildPlan([runtimePolicy], [decl('RuntimePolicy', 'web', { policyMode: 'ACTIVE', rules: declared })], new Map([['RuntimePolicy', [live(liveRules)]]]));

  it('a changed field of a rule is named by the rule', () => {
    const text = renderPlanText(plan([rule('Deny cat', 'DENY'), rule('No ptrace', 'DENY')], [rule('Deny cat', 'DENY'), rule('No ptrace', 'ALLOW')]));
    expect(text).toContain('~ rules["No ptrace"].action: "DENY" → "ALLOW"');
  });

  it('a renamed rule, or one whose name is not unique, is shown by position', () => {
    const renamed = renderPlanText(plan([rule('Old', 'DENY')], [rule('New', 'ALLOW')]));
    expect(renamed).toContain('~ rules[0].name: "Old" → "New"');
    expect(renamed).toContain('~ rules[0].action: "DENY" → "ALLOW"');
    const twice = renderPlanText(plan([rule('Same', 'DENY'), rule('Same', 'DENY')], [rule('Same', 'DENY'), rule('Same', 'ALLOW')]));
    expect(twice).toContain('~ rules[1].action');
  });

  it('a rule added at the end is shown by its name', () => {
    const text = renderPlanText(plan([rule('A', 'DENY')], [rule('A', 'DENY'), rule('B', 'ALLOW')]));
    expect(text).toContain('+ rules["B"].name: "B"');
  });
});
