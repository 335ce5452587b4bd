import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runtimePolicy as kind, type RuntimePolicySpec, type RuntimeRuleSpec } from '../../src/kinds/runtime-policy.js';
import { readAll } from '../../src/engine/fetch.js';
import { FakeApi, patch, sample, desired, liveSide, specSide, written } from './helpers.js';

const P = '/v1.3/runtime/policies';

/** A v1.2 policy: the list sample's first item plus the four v1.2 rule samples (PascalCase, "network inbound", Port 0, ""). */
function v12Policy(): Record<string, unknown> {
  const [first] = sample<any[]>('runtime-policy/list.v1.2.response.json');
  return {
    ...first,
    Rules: ['rule-network_inbound', 'rule-network_outbound', 'rule-read', 'rule-write'].map((f) => sample(`runtime-policy/${f}.v1.2.json`)),
  };
}

const matchingV12: RuntimePolicySpec = {
  description: 'first policy',
  policyMode: 'ACTIVE',
  rules: [
    { name: 'Block_sshd_communication', ruleType: 'NETWORK_INBOUND', action: 'DENY', program: '*', ipAddress: '*', port: 22 },
    { name: 'Deny Outbound', ruleType: 'network_outbound', action: 'deny', program: '*', ipAddress: '1.1.1.1', port: 22 },
    { name: 'Deny_Hosts_Write_Attempt', ruleType: 'READ', action: 'DENY', program: '/bin/cat', file: '/etc/hosts' },
    { name: 'Static file modification deny', ruleType: 'WRITE', action: 'DENY', program: '*', file: '/var/www/html/*', inactive: false },
  ],
};

/** A v1.3 details object: the list sample's first item plus details fields. */
function v13Details(): Record<string, unknown> {
  const [first] = sample<any[]>('runtime-policy/list.v1.3.response.json');
  return {
    ...first,
    defaultNetworkAction: 'ALLOW',
    defaultExecuteAction: 'allow',
    defaultFileAction: 'DENY',
    ignoredSyscalls: ['ptrace', 'chmod'],
    rules: [{ id: '5e171bef853047000151408f', name: 'deny writes', ruleType: 'WRITE', action: 'DENY', program: '*', file: '/var/www/*', ipAddress: null, port: 0, syscall: '', inactive: false }],
  };
}

const matchingV13: RuntimePolicySpec = {
  description: 'This sample policy prevents static website files from being altered',
  policyMode: 'ACTIVE',
  defaultNetworkAction: 'ALLOW',
  defaultExecuteAction: 'ALLOW',
  defaultFileAction: 'DENY',
  ignoredSyscalls: ['chmod', 'ptrace'],
  rules: [{ name: 'deny writes', ruleType: 'WRITE', action: 'DENY', program: '*', file: '/var/www/*' }],
};

describe('RuntimePolicy canonical forms', () => {
  it('a v1.2 PascalCase policy (Mode 0, "network inbound", Port 0, "") equals the matching declaration', () => {
    expect(kind.canonicalLive(v12Policy())).toEqual(kind.canonical(matchingV12));
    expect(kind.nameOf(v12Policy())).toBe('My First Policy');
    expect(kind.idOf(v12Policy())).toBe('5fa97a53243aec0001ef98ee');
  });

  it('a v1.3 details object equals the matching declaration (null/0/"" unused fields)', () => {
    expect(JSON.stringify(kind.canonicalLive(v13Details()))).toBe(JSON.stringify(kind.canonical(matchingV13)));
  });

  it('no default action is assumed: an absent one is not ALLOW, and not in the canonical form', () => {
    const { defaultNetworkAction: _n, defaultExecuteAction: _e, defaultFileAction: _f, ...bare } = v13Details();
    const c = kind.canonicalLive(bare);
    expect(c).not.toHaveProperty('defaultNetworkAction');
    expect(c).not.toHaveProperty('defaultExecuteAction');
    expect(c).not.toHaveProperty('defaultFileAction');
    expect(kind.toSpec(bare)).not.toHaveProperty('defaultNetworkAction');
  });

  it('InActive is read as inactive', () => {
    const live = v12Policy();
    (live.Rules as any[])[2].InActive = true;
    const spec = structuredClone(matchingV12);
    spec.rules![2]!.inactive = true;
    expect(kind.canonicalLive(live)).toEqual(kind.canonical(spec));
  });

  it.each([
    ['description', { description: 'x' }, '/description'],
    ['defaultNetworkAction', { defaultNetworkAction: 'DENY' }, '/defaultNetworkAction'],
    ['ignoredSyscalls', { ignoredSyscalls: ['chmod'] }, '/ignoredSyscalls/1'],
  ])('changing %s yields one op at that field', (_f, change, path) => {
    const ops = patch(kind.canonicalLive(v13Details()), kind.canonical({ ...matchingV13, ...change }));
    expect(ops).toHaveLength(1);
    expect(ops[0]!.path).toBe(path);
  });

  it('changing one rule field yields one op at that field', () => {
    const spec = structuredClone(matchingV12);
    spec.rules![1]!.port = 443;
    expect(patch(kind.canonicalLive(v12Policy()), kind.canonical(spec))).toEqual([{ op: 'replace', path: '/rules/1/port', value: 443 }]);
  });

  it('toSpec round-trips (v1.2 and v1.3)', () => {
    for (const live of [v12Policy(), v13Details()]) expect(kind.canonical(kind.toSpec(live))).toEqual(kind.canonicalLive(live));
    expect(kind.toSpec(v13Details())).toEqual(matchingV13);
  });

  it('policyMode is managed only when declared', () => {
    const spec = { ...matchingV13, policyMode: undefined } as Record<string, unknown>;
    expect(liveSide(kind, v13Details(), spec)).not.toHaveProperty('policyMode');
    expect(liveSide(kind, v13Details(), spec)).toEqual(specSide(kind, v13Details(), spec));
  });

  it('the 1.7 rule samples (lower-case enums, "" for unused fields, syscallGroup) as declared rules', () => {
    const rules = ['rule-network_inbound', 'rule-network_outbound', 'rule-read', 'rule-write'].map((f) => sample(`runtime-policy/${f}.v1.2.json`));
    const camel = rules.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k === 'InActive' ? 'inactive' : k.charAt(0).toLowerCase() + k.slice(1), v])));
    for (const spec of [{ rules }, { rules: camel }]) {
      expect(kind.check!(spec as RuntimePolicySpec, 'x')).toEqual([]);
      expect(kind.canonical(spec)).toEqual(kind.canonicalLive({ rules }));
    }
    expect((kind.canonical({ rules: camel }).rules as any[])[0]).toMatchObject({ ruleType: 'NETWORK_INBOUND', action: 'DENY', port: 22 });
    expect((kind.canonical({ rules: [{ ...camel[0], syscallGroup: 'net' }] }).rules as any[])[0].syscallGroup).toBe('net');
  });
});

describe('RuntimePolicy calls', () => {
  it('list reads each policy details; get answers undefined on 404', async () => {
    const summaries = sample<any[]>('runtime-policy/list.v1.3.response.json');
    const api = new FakeApi({ [`GET ${P}/${summaries[0].id}`]: v13Details() }, { [P]: summaries });
    const live = (await readAll(api, kind)) as any[];
    // the second policy vanished between list and details (404): left out
    expect(live.map(kind.nameOf)).toEqual(['Deny Write Static Website Files']);
    expect(api.calls.filter((c) => c.method === 'GET')).toHaveLength(2);
    expect(await kind.get(api, 'nope')).toBeUndefined();
  });

  it('create POSTs the declared fields only, values as written (no default actions, no upper-casing), and returns the id', async () => {
    const api = new FakeApi({ [`POST ${P}`]: { id: '5e171bef853047000151408e' } });
    const spec = { policyMode: 'active', rules: [{ name: 'r', ruleType: 'network inbound', action: 'deny', ipAddress: '*', port: '22' as unknown as number }] };
    const id = await kind.create(api, 'Deny writes', desired(kind, spec), written(kind, spec));
    expect(id).toBe('5e171bef853047000151408e');
    expect(api.writes()).toEqual([
      {
        method: 'POST',
        path: P,
        body: {
          name: 'Deny writes',
          policyMode: 'active',
          rules: [{ name: 'r', ruleType: 'network inbound', action: 'deny', ipAddress: '*', port: 22 }],
        },
      },
    ]);
    for (const k of ['defaultNetworkAction', 'defaultExecuteAction', 'defaultFileAction', 'ignoredSyscalls', 'description']) expect(api.writes()[0]!.body).not.toHaveProperty(k);
  });

  it('a declared value in another case or spelling is no change (compared case- and separator-insensitively)', () => {
    const live = { ...v13Details(), rules: [{ id: 'a', name: 'r', ruleType: 'NETWORK_INBOUND', action: 'DENY', ipAddress: '*', port: 22 }] };
    const spec = { rules: [{ name: 'r', ruleType: 'network inbound', action: 'deny', ipAddress: '*', port: 22 }] };
    expect(patch(liveSide(kind, live, spec), specSide(kind, live, spec))).toEqual([]);
  });

  it('update PUTs by id (keeping the live mode when none is declared); remove DELETEs', async () => {
    const live = v13Details();
    const api = new FakeApi({ [`PUT ${P}/${live.id}`]: { id: live.id }, [`DELETE ${P}/${live.id}`]: undefined });
    await kind.update(api, live, 'n', desired(kind, { description: 'd' }, live), written(kind, { description: 'd' }, live));
    const rules = { rules: [{ name: 'deny writes', ruleType: 'write', action: 'allow', program: '*', file: '/var/www/*' }] };
    await kind.update(api, { ...live, futureField: 1 }, 'n', desired(kind, rules, live), written(kind, rules, live));
    await kind.remove(api, live);
    const [put, put2, del] = api.writes();
    expect(put!.path).toBe(`${P}/5e171bef853047000151408e`);
    expect((put!.body as any).policyMode).toBe('ACTIVE');
    expect((put!.body as any).description).toBe('d');
    // Undeclared fields go out as they are live: the rules unchanged, with their ids; the live order of ignoredSyscalls.
    expect(put!.body).toMatchObject({ defaultFileAction: 'DENY', ignoredSyscalls: ['ptrace', 'chmod'], rules: live.rules });
    // the server-managed id and times are not sent back
    for (const k of ['id', 'created', 'updated']) expect(put!.body).not.toHaveProperty(k);
    // A changed rule keeps its live id, and goes out as written; a key no kind knows is carried.
    expect((put2!.body as any).rules).toEqual([expect.objectContaining({ id: '5e171bef853047000151408f', ruleType: 'write', action: 'allow' })]);
    expect((put2!.body as any).futureField).toBe(1);
    expect((put2!.body as any).description).toBe(live.description);
    expect(del).toEqual({ method: 'DELETE', path: `${P}/5e171bef853047000151408e` });
    expect(kind.isProtected(live)).toBe(false);
    expect(kind.isProtected({ ...live, name: 'Default Policy' })).toBe(true);
  });
});

describe('RuntimePolicy check', () => {
  const check = (rule: RuntimeRuleSpec) => kind.check!({ rules: [rule] }, 'p');
  it('network rules need ipAddress; port only on network rules', () => {
    expect(check({ name: 'a', ruleType: 'NETWORK_OUTBOUND', action: 'DENY', port: 22 }).map((i) => i.path)).toEqual([['rules', 0, 'ipAddress']]);
    expect(check({ name: 'a', ruleType: 'NETWORK_INBOUND', action: 'DENY', ipAddress: '*', port: 22 })).toEqual([]);
    const wrong = check({ name: 'a', ruleType: 'READ', action: 'DENY', file: '/etc/x', port: 22 });
    expect(wrong.map((i) => i.path)).toEqual([['rules', 0, 'port']]);
    expect(wrong[0]!.message).toMatch(/port.*NETWORK_INBOUND/);
  });
  it('read/write rules need file; file does not fit a network rule', () => {
    expect(check({ name: 'a', ruleType: 'WRITE', action: 'DENY' }).map((i) => i.path)).toEqual([['rules', 0, 'file']]);
    expect(check({ name: 'a', ruleType: 'NETWORK_INBOUND', action: 'DENY', ipAddress: '*', file: '/x' }).map((i) => i.path)).toEqual([['rules', 0, 'file']]);
  });
  it('syscall rules need syscall; unknown rule types are reported; a bad port is reported', () => {
    expect(check({ name: 'a', ruleType: 'SYSCALL', action: 'DENY' }).map((i) => i.path)).toEqual([['rules', 0, 'syscall']]);
    expect(check({ name: 'a', ruleType: 'SYSCALL', action: 'DENY', syscall: 'ptrace', arg1: 'x' })).toEqual([]);
    expect(check({ name: 'a', ruleType: 'EXEC', action: 'DENY' })[0]!.message).toMatch(/EXEC.*not one of/);
    expect(check({ name: 'a', ruleType: 'NETWORK_INBOUND', action: 'DENY', ipAddress: '*', port: 70000 }).map((i) => i.path)).toEqual([['rules', 0, 'port']]);
  });
});

// ---- properties --------------------------------------------------------------------------------------------

const word = fc.stringMatching(/^[a-z/*][a-z0-9_/.*]{0,8}$/);
const ruleArb: fc.Arbitrary<RuntimeRuleSpec> = fc.oneof(
  fc.record({ name: word, ruleType: fc.constantFrom('NETWORK_INBOUND', 'network outbound'), action: fc.constantFrom('ALLOW', 'deny'), ipAddress: word, port: fc.integer({ min: 1, max: 65535 }), program: word, inactive: fc.boolean() }, { requiredKeys: ['name', 'ruleType', 'action', 'ipAddress'] }),
  fc.record({ name: word, ruleType: fc.constantFrom('READ', 'write'), action: fc.constantFrom('ALLOW', 'DENY'), file: word, program: word }, { requiredKeys: ['name', 'ruleType', 'action', 'file'] }),
  fc.record({ name: word, ruleType: fc.constant('SYSCALL'), action: fc.constant('DENY'), syscall: word, arg1: word, arg2: word }, { requiredKeys: ['name', 'ruleType', 'action', 'syscall'] }),
);
const specArb: fc.Arbitrary<RuntimePolicySpec> = fc.record(
  {
    description: word,
    policyMode: fc.constantFrom('ACTIVE', 'INACTIVE', 'permissive'),
    defaultNetworkAction: fc.constantFrom('ALLOW', 'DENY'),
    defaultExecuteAction: fc.constantFrom('ALLOW', 'deny'),
    defaultFileAction: fc.constantFrom('ALLOW', 'DENY'),
    ignoredSyscalls: fc.uniqueArray(word, { maxLength: 4 }),
    rules: fc.array(ruleArb, { maxLength: 4 }),
  },
  { requiredKeys: ['policyMode'] },
);

const up = (s: string | undefined) => s?.toUpperCase().replace(/ /g, '_');
/** The spec as the v1.3 details GET renders it: every field present, unused ones null / 0 / "". */
function liveFrom(spec: RuntimePolicySpec): Record<string, unknown> {
  return {
    id: '5e171bef853047000151408e',
    name: 'p',
    created: '2020-01-09T12:26:23.496Z',
    updated: '2020-01-09T12:26:23.496Z',
    description: spec.description ?? null,
    policyMode: up(spec.policyMode),
    // the server holds a default action only where one was sent (none is assumed)
    defaultNetworkAction: up(spec.defaultNetworkAction),
    defaultExecuteAction: up(spec.defaultExecuteAction),
    defaultFileAction: up(spec.defaultFileAction),
    ignoredSyscalls: spec.ignoredSyscalls?.length ? [...spec.ignoredSyscalls].reverse() : null,
    rules: (spec.rules ?? []).map((r, i) => ({
      id: `5e171bef8530470001514${String(i).padStart(3, '0')}`,
      name: r.name,
      ruleType: up(r.ruleType),
      action: up(r.action),
      program: r.program ?? '',
      file: r.file ?? '',
      ipAddress: r.ipAddress ?? null,
      port: r.port ?? 0,
      syscall: r.syscall ?? '',
      arg1: r.arg1 ?? '',
      arg2: r.arg2 ?? null,
      arg3: '',
      inactive: r.inactive ?? false,
    })),
  };
}

describe('RuntimePolicy properties', () => {
  it('canonical is stable under reordering of ignoredSyscalls', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        expect(kind.canonical({ ...spec, ignoredSyscalls: [...(spec.ignoredSyscalls ?? [])].reverse() })).toEqual(kind.canonical(spec));
      }),
    );
  });
  it('liveFrom(spec) matches spec, and toSpec round-trips', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const live = liveFrom(spec);
        expect(kind.canonicalLive(live)).toEqual(kind.canonical(spec));
        expect(kind.canonical(kind.toSpec(live))).toEqual(kind.canonical(spec));
        expect(kind.check!(kind.toSpec(live), 'p')).toEqual([]);
      }),
    );
  });
});
