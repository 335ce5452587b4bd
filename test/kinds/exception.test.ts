import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkFilter, exception as kind, type ExceptionSpec } from '../../src/kinds/exception.js';
import { readAll } from '../../src/engine/fetch.js';
import { FakeApi, patch, sample, liveSide as compared, managed, desired, specSide } from './helpers.js';

const P = '/v1.3/exception';
const ID = '2c64f53c-360d-4975-a38c-905f99d0fed4';

/** Matches exception/get.response.json: dates in three forms, exceptionType (never read back), no qids (DYNAMIC). */
const matching: ExceptionSpec = {
  scope: 'IMAGE',
  exceptionType: 'VULNERABILITY',
  reason: 'RISK_ACCEPTED',
  explanation: 'risk accepted',
  listId: '9b157637-8132-4899-bfae-effd1ea39a75',
  startDate: '2023-09-25T09:57:35Z',
  endDate: 1700906255000,
  entityAssignmentType: 'DYNAMIC',
  dynamicFilter: 'repo.tag:rails',
};

/** What the engine compares: canonicalLive restricted to the fields the spec manages. */
const liveSide = (live: Record<string, unknown>, spec: ExceptionSpec) => compared(kind, live, spec as Record<string, unknown>);

describe('Exception canonical forms', () => {
  it('the details sample (epoch strings, qids the server filled from the list) equals the matching declaration', () => {
    const live = sample('exception/get.response.json');
    const { qids: _q, ...declared } = kind.canonical(matching);
    expect(liveSide(live, matching)).toEqual(declared);
    expect(kind.canonical(matching)).not.toHaveProperty('exceptionType');
    expect(managed(kind, live, matching as Record<string, unknown>)).not.toContain('qids');
    expect(kind.canonicalLive(live).qids).toEqual([90984]);
  });

  it('undeclared qids are carried from live by every write, for every assignment type', () => {
    const live = sample('exception/get.response.json');
    expect(desired(kind, { ...matching, explanation: 'changed' }, live)).toMatchObject({ qids: [90984], explanation: 'changed' });
    expect(desired(kind, { ...matching, qids: [] }, live).qids).toEqual([]);
    const { entityAssignmentType: _e, dynamicFilter: _d, ...plain } = matching;
    const staticLive = { ...live, entityAssignmentType: undefined, dynamicFilter: null, qids: [3, 1] };
    expect(desired(kind, plain, staticLive).qids).toEqual([1, 3]);
  });

  it('dates: ISO date-time, date-only, epoch number and digit string are one form', () => {
    const forms = ['2026-01-01', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00+01:00', 1767225600000, '1767225600000'];
    const canon = forms.map((d) => kind.canonical({ ...matching, startDate: d }).startDate);
    expect(new Set(canon)).toEqual(new Set(['2026-01-01T00:00:00.000Z']));
  });

  it('declared qids of a DYNAMIC exception are owned and compared as a set', () => {
    const live = sample('exception/get.response.json');
    const spec = { ...matching, qids: ['90984'] as Array<number | string> };
    expect(managed(kind, live, spec)).toContain('qids');
    expect(kind.canonicalLive(live)).toEqual(kind.canonical(spec));
    const ops = patch(kind.canonicalLive(live), kind.canonical({ ...spec, qids: [90984, 1] }));
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.every((o) => o.path.startsWith('/qids/'))).toBe(true);
  });

  it('STATIC qids are compared as a set', () => {
    const live = { ...sample('exception/get.response.json'), entityAssignmentType: 'STATIC', dynamicFilter: null, qids: [3, 1, 2] };
    const spec: ExceptionSpec = { ...matching, entityAssignmentType: 'STATIC', dynamicFilter: undefined, qids: [1, 2, 3] };
    expect(liveSide(live, spec)).toEqual(kind.canonical(spec));
    const ops = patch(liveSide(live, spec), kind.canonical({ ...spec, qids: [1, 2, 4] }));
    expect(ops).toEqual([{ op: 'replace', path: '/qids/2', value: 4 }]);
  });

  it.each([
    ['explanation', { explanation: 'x' }, '/explanation'],
    ['endDate', { endDate: '2030-01-01' }, '/endDate'],
    ['dynamicFilter', { dynamicFilter: 'repo.tag:x' }, '/dynamicFilter'],
    ['reason', { reason: 'FALSE_POSITIVE' }, '/reason'],
  ])('changing %s yields one op at that field', (_f, change, path) => {
    const spec = { ...matching, ...change };
    const live = sample('exception/get.response.json');
    const ops = patch(liveSide(live, spec), specSide(kind, live, spec as Record<string, unknown>));
    expect(ops).toHaveLength(1);
    expect(ops[0]!.path).toBe(path);
  });

  it('toSpec round-trips with friendly dates and the qids', () => {
    const live = sample('exception/get.response.json');
    const spec = kind.toSpec(live);
    expect(spec.startDate).toBe('2023-09-25T09:57:35Z');
    expect(spec.qids).toEqual([90984]);
    expect(kind.canonical(spec)).toEqual(liveSide(live, spec));
    const midnight = kind.toSpec({ ...live, startDate: '1767225600000' });
    expect(midnight.startDate).toBe('2026-01-01');
  });
});

describe('Exception calls', () => {
  it('list reads details only for items lacking a needed field', async () => {
    const full = sample('exception/get.response.json');
    const { qids: _q, ...partial } = { ...full, exceptionId: 'e2', name: 'two' };
    const api = new FakeApi({ [`GET ${P}/e2`]: { ...partial, qids: [5] } }, { [P]: [full, partial] });
    const live = (await readAll(api, kind)) as any[];
    expect(live.map((l) => l.qids)).toEqual([[90984], [5]]);
    expect(api.calls.filter((c) => c.method === 'GET')).toEqual([{ method: 'GET', path: `${P}/e2`, query: { includeQids: true } }]);
  });

  it('get asks for qids and answers undefined on 404', async () => {
    const api = new FakeApi({ [`GET ${P}/${ID}`]: sample('exception/get.response.json') });
    expect(kind.idOf((await kind.get(api, ID))!)).toBe(ID);
    expect(api.calls[0]!.query).toEqual({ includeQids: true });
    expect(await kind.get(api, 'nope')).toBeUndefined();
  });

  it('create POSTs the documented body (epoch-ms strings) and returns exceptionId', async () => {
    const api = new FakeApi({ [`POST ${P}`]: sample('exception/create.response.json') });
    const spec: ExceptionSpec = { ...matching, startDate: '1695635855000', endDate: '2023-11-25T09:57:35Z' };
    expect(await kind.create(api, 'testapi', desired(kind, spec as Record<string, unknown>))).toBe(ID);
    expect(api.writes()).toEqual([{ method: 'POST', path: P, body: sample('exception/create.request.json') }]);
  });

  it('update PUTs by exceptionId; remove DELETEs', async () => {
    const live = sample('exception/get.response.json');
    const api = new FakeApi({ [`PUT ${P}/${ID}`]: { exceptionId: ID }, [`DELETE ${P}/${ID}`]: undefined });
    await kind.update(api, live, 'testapi', desired(kind, { explanation: 'changed', qids: [2, 1] }, live));
    await kind.update(api, live, 'testapi', desired(kind, { explanation: 'changed again' }, live));
    await kind.remove(api, live);
    const [put, put2, del] = api.writes();
    expect(put!.path).toBe(`${P}/${ID}`);
    expect(put!.body).toMatchObject({ name: 'testapi', explanation: 'changed', entityAssignmentType: 'DYNAMIC', dynamicFilter: 'repo.tag:rails', qids: [1, 2], startDate: '1695635855000', listId: live.listId });
    // What the declaration does not mention is sent as it is live: the PUT replaces the object.
    expect(put2!.body).toMatchObject({ explanation: 'changed again', qids: [90984], reason: 'RISK_ACCEPTED', scope: 'IMAGE', endDate: '1700906255000' });
    expect(del).toEqual({ method: 'DELETE', path: `${P}/${ID}` });
  });
});

describe('Exception check', () => {
  const paths = (spec: ExceptionSpec) => kind.check!(spec, 'x').map((i) => i.path.join('.'));
  it('endDate before startDate', () => {
    expect(paths({ ...matching, startDate: '2026-02-01', endDate: '2026-01-01' })).toEqual(['endDate']);
    expect(paths(matching)).toEqual([]);
  });
  it('unreadable dates', () => {
    const issues = kind.check!({ ...matching, startDate: 'next tuesday' }, 'x');
    expect(issues.map((i) => i.path)).toEqual([['startDate']]);
    expect(issues[0]!.message).toMatch(/ISO 8601/);
  });
  it('DYNAMIC without dynamicFilter is an error; a filter without DYNAMIC only a warning (the notes require it with DYNAMIC only)', () => {
    expect(paths({ ...matching, dynamicFilter: undefined })).toEqual(['dynamicFilter']);
    const other = kind.check!({ ...matching, entityAssignmentType: 'OTHER' }, 'x');
    expect(other.map((i) => [i.path.join('.'), i.severity])).toEqual([['entityAssignmentType', 'warning'], ['dynamicFilter', 'warning']]);
    const undeclared = kind.check!({ ...matching, entityAssignmentType: undefined }, 'x');
    expect(undeclared.map((i) => [i.message, i.severity])).toEqual([[expect.stringMatching(/entityAssignmentType is not given/), 'warning']]);
  });

  it('entityAssignmentType is open ("A new value"): STATIC validates with a warning naming DYNAMIC, and round-trips through export', () => {
    const { dynamicFilter: _f, ...stat } = { ...matching, entityAssignmentType: 'STATIC' };
    const issues = kind.check!(stat, 'x');
    expect(issues.map((i) => [i.path.join('.'), i.severity])).toEqual([['entityAssignmentType', 'warning']]);
    expect(issues[0]!.message).toMatch(/not one the release notes name \(DYNAMIC\)/);
    const live = { ...sample('exception/get.response.json'), entityAssignmentType: 'STATIC', dynamicFilter: null };
    const spec = kind.toSpec(live) as Record<string, unknown>;
    expect(spec.entityAssignmentType).toBe('STATIC');
    expect(kind.canonical(spec)).toEqual(kind.canonicalLive(live));
    expect(kind.check!(spec, 'x').filter((i) => i.severity !== 'warning')).toEqual([]);
  });

  it('reason is a known set: another value is an error with did-you-mean, marked for acceptValues', () => {
    const [issue] = kind.check!({ ...matching, reason: 'BECAUSE_I_SAID_SO' }, 'x');
    expect(issue).toMatchObject({ path: ['reason'], accept: { key: 'Exception.reason', value: 'BECAUSE_I_SAID_SO' } });
    expect(issue!.severity).toBeUndefined();
    expect(kind.check!({ ...matching, reason: 'RISK_ACCEPTD' }, 'x')[0]!.message).toMatch(/did you mean 'RISK_ACCEPTED'/);
  });

  it('cluster.k8s.pod.namespace is for containers: an error with scope IMAGE', () => {
    const issues = kind.check!({ ...matching, dynamicFilter: 'cluster.k8s.pod.namespace:prod' }, 'x');
    expect(issues.map((i) => i.path.join('.'))).toEqual(['dynamicFilter']);
    expect(issues[0]!.message).toMatch(/for containers.*scope CONTAINER/);
    expect(paths({ ...matching, scope: 'CONTAINER', dynamicFilter: 'cluster.k8s.pod.namespace:prod' })).toEqual([]);
  });

  it('entityAssignmentType is read and sent only as given (no STATIC default)', () => {
    const { entityAssignmentType: _t, ...live } = sample('exception/get.response.json');
    expect(kind.canonicalLive(live)).not.toHaveProperty('entityAssignmentType');
    expect(kind.canonical({ scope: 'IMAGE', reason: 'RISK_ACCEPTED', startDate: 1, endDate: 2 })).not.toHaveProperty('entityAssignmentType');
  });
  it('unknown dynamicFilter tokens are named', () => {
    const issues = kind.check!({ ...matching, dynamicFilter: 'repo.tag:rails and (image.label:x OR NOT repo.registry:docker.io)' }, 'x');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain('"image.label"');
  });
  it('filter grammar', () => {
    expect(checkFilter('repo.repository:legacy/* and cluster.k8s.pod.namespace:prod')).toEqual([]);
    expect(checkFilter('(repo.tag:"a b" or repo.tag: latest) AND NOT repo.registry:docker.io:5000')).toEqual([]);
    expect(checkFilter('repo.tag:a repo.tag:b')[0]).toMatch(/joined with and\/or/);
    expect(checkFilter('(repo.tag:a')[0]).toMatch(/matching "\)"/);
    expect(checkFilter('repo.tag:a and')[0]).toMatch(/ends with an operator/);
    expect(checkFilter('rails')[0]).toMatch(/not a token:value term/);
    expect(checkFilter('repo.tag:')[0]).toMatch(/no value/);
  });
});

// ---- properties --------------------------------------------------------------------------------------------

const dateArb = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 });
const specArb: fc.Arbitrary<ExceptionSpec> = fc
  .record({
    scope: fc.constantFrom('IMAGE', 'CONTAINER'),
    reason: fc.constantFrom('RISK_ACCEPTED', 'FALSE_POSITIVE'),
    explanation: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    listId: fc.option(fc.uuid(), { nil: undefined }),
    start: dateArb,
    days: fc.integer({ min: 0, max: 400 }),
    form: fc.constantFrom('number', 'string', 'iso', 'date'),
    dynamic: fc.boolean(),
    filter: fc.constantFrom('repo.tag:rails', 'repo.repository:legacy/* or repo.registry:x'),
    qids: fc.uniqueArray(fc.integer({ min: 1, max: 999999 }), { maxLength: 5 }),
    declareQids: fc.boolean(),
  })
  .map((r) => {
    const start = r.form === 'date' ? Math.floor(r.start / 86_400_000) * 86_400_000 : r.start;
    const end = start + r.days * 86_400_000;
    const fmt = (ms: number) => (r.form === 'number' ? ms : r.form === 'string' ? String(ms) : r.form === 'iso' ? new Date(ms).toISOString() : new Date(ms).toISOString().slice(0, 10));
    const spec: ExceptionSpec = {
      scope: r.scope,
      exceptionType: 'VULNERABILITY',
      reason: r.reason,
      explanation: r.explanation,
      listId: r.listId,
      startDate: fmt(start),
      endDate: fmt(end),
      entityAssignmentType: r.dynamic ? 'DYNAMIC' : undefined,
      dynamicFilter: r.dynamic ? r.filter : undefined,
      qids: !r.dynamic || r.declareQids ? r.qids : undefined,
    };
    return JSON.parse(JSON.stringify(spec)) as ExceptionSpec;
  });

/** The spec as the API returns it: epoch-ms strings, no exceptionType, qids computed for DYNAMIC ones. */
function liveFrom(spec: ExceptionSpec): Record<string, unknown> {
  const ms = (v: unknown) => String(typeof v === 'number' ? v : /^\d+$/.test(String(v)) ? Number(v) : Date.parse(String(v)));
  return {
    exceptionId: ID,
    name: 'x',
    createdBy: 'me',
    created: '1695290971599',
    updated: '1695290971599',
    explanation: spec.explanation ?? '',
    reason: spec.reason,
    scope: spec.scope,
    entityAssignmentType: spec.entityAssignmentType,
    listId: spec.listId ?? null,
    startDate: ms(spec.startDate),
    endDate: ms(spec.endDate),
    dynamicFilter: spec.dynamicFilter ?? null,
    qids: spec.qids ? [...spec.qids].reverse() : spec.entityAssignmentType === 'DYNAMIC' ? [90984, 12] : [],
  };
}

describe('Exception properties', () => {
  it('qids order does not matter', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        expect(kind.canonical({ ...spec, qids: spec.qids ? [...spec.qids].reverse() : undefined })).toEqual(kind.canonical(spec));
      }),
    );
  });
  it('liveFrom(spec) matches spec; toSpec round-trips; valid specs pass check', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const live = liveFrom(spec);
        expect(liveSide(live, spec)).toEqual(specSide(kind, live, spec as Record<string, unknown>));
        const back = kind.toSpec(live);
        expect(kind.canonical(back)).toEqual(kind.canonicalLive(live));
        expect(kind.check!(spec, 'x')).toEqual([]);
      }),
    );
  });
});
