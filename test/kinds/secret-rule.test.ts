import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { secretRule as kind, type SecretRuleSpec } from '../../src/kinds/secret-rule.js';
import { ApiError } from '../../src/errors.js';
import { FakeApi, patch, sample, desired, liveSide as compared } from './helpers.js';

const P = '/v1.3/secretrule';
const liveSide = (live: Record<string, unknown>, spec: SecretRuleSpec) => compared(kind, live, spec as Record<string, unknown>);
const upd = (live: Record<string, unknown>, name: string, spec: SecretRuleSpec) => ({ live, name, desired: desired(kind, spec as Record<string, unknown>, live) });

describe('SecretRule canonical forms', () => {
  it('Active/HIGH read back match any-case declarations', () => {
    const live = sample('secret-rule/get.response.json');
    expect(kind.canonicalLive(live)).toEqual(kind.canonical({ status: 'active', severity: 'high' }));
    expect(kind.nameOf(live)).toBe('Shopify Token');
    expect(kind.idOf(live)).toBe('c6c4165e-c960-11ed-afa1-0242ac120002');
    expect(kind.declaredId!({ ruleUuid: 'abc' })).toBe('abc');
  });

  it('only the declared fields are owned and compared', () => {
    const live = sample('secret-rule/get.response.json');
    expect(kind.canonical({ status: 'Inactive' })).toEqual({ status: 'Inactive' });
    expect(liveSide(live, { status: 'Inactive' })).toEqual({ status: 'Active' });
    expect(patch(liveSide(live, { status: 'Inactive' }), kind.canonical({ status: 'Inactive' }))).toEqual([{ op: 'replace', path: '/status', value: 'Inactive' }]);
    expect(patch(liveSide(live, { severity: 'critical' }), kind.canonical({ severity: 'critical' }))).toEqual([{ op: 'replace', path: '/severity', value: 'CRITICAL' }]);
    expect(patch(liveSide(live, { severity: 'HIGH' }), kind.canonical({ severity: 'HIGH' }))).toEqual([]);
  });

  it('toSpec round-trips', () => {
    for (const live of sample('secret-rule/list.response.json').data) {
      const spec = kind.toSpec(live);
      expect(kind.canonical(spec)).toEqual(liveSide(live, spec));
      expect(kind.canonical(spec)).toEqual(kind.canonicalLive(live));
    }
  });

  it('cannot be created, deleted or renamed; nothing is protected', async () => {
    expect(kind.can).toEqual({ create: false, update: true, delete: false, rename: false });
    await expect(kind.create(new FakeApi(), 'x', {})).rejects.toThrow(/cannot be created/);
    await expect(kind.remove(new FakeApi(), {})).rejects.toThrow(/cannot be deleted/);
    expect(kind.isProtected(sample('secret-rule/get.response.json'))).toBe(false);
  });
});

describe('SecretRule calls', () => {
  it('lists the resolved path (secretrule, or secretDetector when that is what the gateway serves)', async () => {
    const data = sample('secret-rule/list.response.json').data;
    const api = new FakeApi({}, { [P]: data });
    expect((await kind.list(api)).map(kind.nameOf)).toEqual(['Linear API Token', 'Shopify Token']);
    const old = new FakeApi({ 'GET /v1.3/secretDetector/x': data[0] }, { '/v1.3/secretDetector': data }, ['/v1.3/secretDetector']);
    expect(await kind.list(old)).toHaveLength(2);
    expect(old.calls[0]).toEqual({ method: 'LIST', path: '/v1.3/secretDetector' });
    expect(kind.idOf((await kind.get(old, 'x'))!)).toBe('0da96274-c969-11ed-afa1-0242ac120002');
    expect(await kind.get(old, 'nope')).toBeUndefined();
  });

  it('update PUTs both fields, severity lower case, the undeclared one from live', async () => {
    const live = { ...sample('secret-rule/get.response.json'), ruleUuid: 'ff34aaee-e4c2-11ed-b5ea-0242ac120002' };
    const api = new FakeApi({ [`PUT ${P}/ff34aaee-e4c2-11ed-b5ea-0242ac120002`]: sample('secret-rule/update.response.json') });
    await kind.update(api, live, 'Shopify Token', desired(kind, { severity: 'CRITICAL' }, live));
    expect(api.writes()).toEqual([{ method: 'PUT', path: `${P}/ff34aaee-e4c2-11ed-b5ea-0242ac120002`, body: sample('secret-rule/update.request.json') }]);
  });

  it('updateMany groups status-only changes into bulkUpdate calls of at most 100 ids; severity changes go one by one', async () => {
    const rule = (i: number, status: string, severity = 'HIGH') => ({ ruleUuid: `r${i}`, secretDetector: `d${i}`, status, severity });
    const items = [
      ...Array.from({ length: 150 }, (_, i) => upd(rule(i, 'Inactive'), `d${i}`, { status: 'Active' })),
      upd(rule(200, 'Active'), 'd200', { status: 'inactive', severity: 'high' }),
      upd(rule(201, 'Active'), 'd201', { severity: 'low' }),
      upd(rule(202, 'Active', 'LOW'), 'd202', { secretRuleStatus: 'Inactive', severity: 'medium' }),
    ];
    const api = new FakeApi({
      [`PUT ${P}/bulkUpdate`]: (c: { body: { ruleIds: string[] } }) => ({ 'Updating status for secret rules: ': [...c.body.ruleIds].reverse() }),
      [`PUT ${P}/r201`]: { 'updated secret rule: ': 'r201' },
      [`PUT ${P}/r202`]: { 'updated secret rule: ': 'r202' },
    });
    const outcomes = await kind.updateMany!(api, items);
    expect(outcomes).toHaveLength(items.length);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const writes = api.writes();
    const bulk = writes.filter((w) => w.path.endsWith('/bulkUpdate'));
    expect(bulk.map((b) => [(b.body as any).secretRuleStatus, (b.body as any).ruleIds.length])).toEqual([
      ['Active', 100],
      ['Active', 50],
      ['Inactive', 1],
    ]);
    expect((bulk[0]!.body as any).ruleIds.slice(0, 2)).toEqual(['r0', 'r1']);
    expect((bulk[2]!.body as any).ruleIds).toEqual(['r200']);
    const single = writes.filter((w) => !w.path.endsWith('/bulkUpdate'));
    expect(single).toEqual([
      { method: 'PUT', path: `${P}/r201`, body: { secretRuleStatus: 'Active', severity: 'low' } },
      { method: 'PUT', path: `${P}/r202`, body: { secretRuleStatus: 'Inactive', severity: 'medium' } },
    ]);
  });

  it('a failed bulk call fails all its items, and only those', async () => {
    const items = [
      upd({ ruleUuid: 'a', status: 'Active', severity: 'LOW' }, 'a', { status: 'Inactive' }),
      upd({ ruleUuid: 'b', status: 'Inactive', severity: 'LOW' }, 'b', { status: 'Active' }),
      upd({ ruleUuid: 'c', status: 'Active', severity: 'LOW' }, 'c', { status: 'Inactive' }),
    ];
    const boom = new ApiError({ status: 500, method: 'PUT', path: `${P}/bulkUpdate`, serverMessage: 'boom' });
    const api = new FakeApi({
      [`PUT ${P}/bulkUpdate`]: (c: { body: { secretRuleStatus: string } }) => {
        if (c.body.secretRuleStatus === 'Inactive') throw boom;
        return {};
      },
    });
    const outcomes = await kind.updateMany!(api, items);
    expect(outcomes).toEqual([{ ok: false, error: boom }, { ok: true }, { ok: false, error: boom }]);
  });
});

describe('SecretRule check', () => {
  it('only status, severity and ruleUuid; at least one of status/severity; valid values', () => {
    expect(kind.check!({ status: 'active' }, 'x')).toEqual([]);
    expect(kind.check!({ severity: 'low', ruleUuid: 'u' }, 'x')).toEqual([]);
    expect(kind.check!({ ruleUuid: 'u' }, 'x').map((i) => i.path)).toEqual([[]]);
    const extra = kind.check!({ status: 'Active', regex: 'x' } as SecretRuleSpec, 'x');
    expect(extra.map((i) => i.path)).toEqual([['regex']]);
    expect(kind.check!({ status: 'on', severity: 'urgent' }, 'x').map((i) => i.path)).toEqual([['status'], ['severity']]);
    // The documented PUT body, as a declaration.
    expect(kind.check!(sample('secret-rule/update.request.json'), 'x')).toEqual([]);
    expect(kind.canonical(sample('secret-rule/update.request.json'))).toEqual({ status: 'Active', severity: 'CRITICAL' });
  });
});

describe('SecretRule properties', () => {
  it('any declared subset, in any case, matches the API rendering and round-trips', () => {
    const arb = fc.record(
      {
        status: fc.constantFrom('Active', 'active', 'INACTIVE', 'Inactive'),
        severity: fc.constantFrom('low', 'MEDIUM', 'High', 'critical'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(arb, (spec) => {
        const live = {
          ruleUuid: 'u',
          secretDetector: 'd',
          status: spec.status ? (spec.status.toLowerCase() === 'active' ? 'Active' : 'Inactive') : 'Active',
          severity: (spec.severity ?? 'medium').toUpperCase(),
        };
        expect(liveSide(live, spec)).toEqual(kind.canonical(spec));
        expect(kind.canonical(kind.toSpec(live))).toEqual(kind.canonicalLive(live));
      }),
    );
  });
});
