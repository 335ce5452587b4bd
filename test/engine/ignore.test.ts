// Ignored paths in engine/desired.ts (not compared; every update carries the live value) and their validation
// against each kind's schema (declarations/ignore.ts), with the real kinds.
import { describe, expect, it } from 'vitest';
import { desiredState, managedView, parseFieldPath } from '../../src/engine/desired.js';
import { ignorePathProblem } from '../../src/declarations/ignore.js';
import { kindByName } from '../../src/kinds/index.js';
import { diff } from '../../src/engine/plan.js';

const runtime = kindByName('RuntimePolicy')!;

const rule = (name: string, action: string, file: string) => ({
  name, ruleType: 'write', action, inactive: false, program: '', file, port: 0, ipAddress: '', syscall: '', syscallGroup: '', arg1: '', arg2: '', arg3: '',
});
const live = {
  id: '5e171bef853047000151408e',
  name: 'web',
  description: 'old',
  policyMode: 'ACTIVE',
  defaultNetworkAction: 'ALLOW',
  defaultExecuteAction: 'ALLOW',
  defaultFileAction: 'ALLOW',
  ignoredSyscalls: [],
  rules: [
    { ...rule('a', 'deny', '/a'), id: 'r1' },
    { ...rule('b', 'deny', '/b'), id: 'r2' },
  ],
};
const spec = { description: 'new', rules: [rule('a', 'deny', '/a'), rule('b', 'allow', '/b')] };

describe('parseFieldPath', () => {
  it('reads paths as the plan prints them', () => {
    expect(parseFieldPath('policyMode')).toEqual(['policyMode']);
    expect(parseFieldPath('centralizedPolicyRules[0].isEnabled')).toEqual(['centralizedPolicyRules', 0, 'isEnabled']);
    expect(parseFieldPath('rules[1].action')).toEqual(['rules', 1, 'action']);
    expect(parseFieldPath('metaData["a b"]')).toEqual(['metaData', 'a b']);
    expect(parseFieldPath('rules[1][2]')).toEqual(['rules', 1, 2]);
  });
  it('says what is wrong with a malformed one', () => {
    for (const bad of ['', '[0]', 'rules[x]', 'rules.', 'rules[1]action', '.a']) expect(typeof parseFieldPath(bad), bad).toBe('string');
  });
});

describe('ignored paths in the compared view and the write', () => {
  it('rules[1].action: left out of both sides, counted as an ignored difference', () => {
    const plain = managedView(runtime, spec, live);
    expect(diff(plain.before, plain.after).map((o) => o.path).sort()).toEqual(['/description', '/rules/1/action']);
    const v = managedView(runtime, spec, live, ['rules[1].action']);
    expect(diff(v.before, v.after)).toEqual([{ op: 'replace', path: '/description', value: 'new' }]);
    expect(v.ignoredDiffers).toEqual(['rules[1].action']);
  });

  it('an update carries the live value at the ignored path and the declared value elsewhere', () => {
    const d = desiredState(runtime, spec, live, ['rules[1].action']) as { description: string; rules: Array<{ name: string; action: string }> };
    const canonLive = runtime.canonicalLive(live) as { rules: Array<{ action: string }> };
    expect(d.description).toBe('new');
    expect(d.rules[1]!.action).toBe(canonLive.rules[1]!.action);
    expect(d.rules[1]!.action).not.toBe((runtime.canonical(spec) as { rules: Array<{ action: string }> }).rules[1]!.action);
    // without the ignore, the declared action is written
    expect((desiredState(runtime, spec, live) as typeof d).rules[1]!.action).toBe((runtime.canonical(spec) as typeof d).rules[1]!.action);
  });

  it('a create sends the declared value; a path the live object lacks sends the declared value', () => {
    expect(desiredState(runtime, spec, undefined, ['description']).description).toBe('new');
    // a rule the declaration adds: the live object has no rules[2], so its declared action is sent
    const three = { ...spec, rules: [...spec.rules, rule('c', 'allow', '/c')] };
    const d = desiredState(runtime, three, live, ['rules[2].action']) as { rules: Array<{ name: string; action: string }> };
    expect(d.rules[2]).toMatchObject({ name: 'c', action: (runtime.canonical(three) as typeof d).rules[2]!.action });
    expect(desiredState(runtime, spec, live, ['description']).description).toBe('old');
  });

  it('an ignored field the declaration does not manage is neither counted nor changed', () => {
    const v = managedView(runtime, { description: 'old' }, { ...live, policyMode: 'INACTIVE' }, ['policyMode']);
    expect(v.ignoredDiffers).toEqual([]);
    expect(desiredState(runtime, { description: 'x' }, { ...live, policyMode: 'INACTIVE' }, ['policyMode']).policyMode).toBe('INACTIVE');
  });

  it('rules["b"].action (the plan\'s named form) follows the rule by name, wherever the lists put it', () => {
    // the declaration moves rule b first: by position rules[0] would now be rule a live and rule b declared
    const moved = { description: 'new', rules: [rule('b', 'allow', '/b'), rule('a', 'deny', '/a')] };
    const v = managedView(runtime, moved, live, ['rules["b"].action']);
    expect(v.ignoredDiffers).toEqual(['rules["b"].action']);
    // in place, the named form ignores exactly what rules[1].action does
    const inPlace = managedView(runtime, spec, live, ['rules["b"].action']);
    expect(diff(inPlace.before, inPlace.after)).toEqual([{ op: 'replace', path: '/description', value: 'new' }]);
    const d = desiredState(runtime, moved, live, ['rules["b"].action']) as { rules: Array<{ name: string; action: string }> };
    const canonLive = runtime.canonicalLive(live) as { rules: Array<{ name: string; action: string }> };
    expect(d.rules[0]).toMatchObject({ name: 'b', action: canonLive.rules[1]!.action }); // b's live action, carried by name
    expect(d.rules[1]!.name).toBe('a');
    // a name no rule (or several) bears: nothing is ignored
    expect(managedView(runtime, spec, live, ['rules["zz"].action']).ignoredDiffers).toEqual([]);
  });

  it('an ignored field of a list item the declaration removes goes with the item', () => {
    const d = desiredState(runtime, { rules: [rule('a', 'deny', '/a')] }, live, ['rules[1].action']) as { rules: unknown[] };
    expect(d.rules).toHaveLength(1);
  });
});

describe('ignorePathProblem', () => {
  const ok = (kind: string, path: string) => expect(ignorePathProblem(kindByName(kind)!, path), `${kind} ${path}`).toBeUndefined();
  const bad = (kind: string, path: string, text: string) => expect(ignorePathProblem(kindByName(kind)!, path)).toContain(text);
  it('accepts the fields of each kind, nested, and the canonical spellings the plan prints', () => {
    ok('CentralizedPolicy', 'policyMode');
    ok('CentralizedPolicy', 'centralizedPolicyRules[0].isEnabled');
    ok('CentralizedPolicy', 'centralizedPolicyRules[0].metaData.value');
    ok('CentralizedPolicy', 'k8sFilters[0].namespace.namespaceValue');
    ok('RuntimePolicy', 'rules[1].action');
    ok('RuntimePolicy', 'rules["No ptrace"].action');
    ok('CentralizedPolicy', 'centralizedPolicyRules["Block Older Images"].isEnabled');
    ok('Exception', 'explanation');
    ok('Exception', 'qids[0]');
    ok('SensorProfile', 'associatedRegistryIds');
    ok('SensorProfile', 'associatedSensors');
    ok('SecretRule', 'status');
    ok('SecretRule', 'secretRuleStatus');
  });
  it('refuses a path naming no field, with the likely typo', () => {
    bad('Exception', 'explnation', "did you mean 'explanation'?");
    bad('RuntimePolicy', 'rules[1].acton', "did you mean 'action'?");
    bad('RuntimePolicy', 'rules.action', 'is a list');
    bad('SecretRule', 'severty', "did you mean 'severity'?");
    bad('Exception', 'reason[0]', 'is not a list');
    bad('RuntimePolicy', 'ignoredSyscalls["x"]', 'is a list'); // not a list of named items
    bad('RuntimePolicy', 'rules["No ptrace"].acton', "did you mean 'action'?");
  });
});
