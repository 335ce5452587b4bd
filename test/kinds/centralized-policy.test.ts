import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { centralizedPolicy as kind, type CentralizedPolicySpec } from '../../src/kinds/centralized-policy.js';
import { readAll } from '../../src/engine/fetch.js';
import { FakeApi, patch, sample, desired, managed, liveSide, specSide } from './helpers.js';
import { written } from './helpers.js';

const P = '/v1.3/centralizedPolicy';
const ID = '05feab62-10d2-4e2a-8875-c5b0d32160f0';

/** A declaration matching the details sample (centralized-policy/get.response.json). */
const matching: CentralizedPolicySpec = {
  policyType: 'K8S_ADMISSION_CONTROLLER',
  policyMode: 'ACTIVE',
  description: 'CPM Block older image demo',
  centralizedPolicyRules: [
    { name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', kind: 'IMAGE_SECURITY', metaData: { value: 1000 } },
  ],
  k8sFilters: [{ namespace: { namespaceValue: 'block_older_image', clusterUid: 'f8c3de3d-1fea-4d7c-a8b0-29f63c4c3454' } }],
};

describe('CentralizedPolicy canonical forms', () => {
  it('the details sample (metaData string, tagIds null, sortOrder, null namespaceUuid) equals the matching declaration', () => {
    const live = sample('centralized-policy/get.response.json');
    expect(kind.canonicalLive(live)).toEqual(kind.canonical(matching));
    expect(JSON.stringify(kind.canonicalLive(live))).toBe(JSON.stringify(kind.canonical(matching)));
  });

  it('the create request body read back as live equals the declaration it came from', () => {
    const body = sample('centralized-policy/create.request.json');
    const spec: CentralizedPolicySpec = {
      policyType: 'K8S_ADMISSION_CONTROLLER',
      policyMode: 'active',
      centralizedPolicyRules: [
        { name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'fail', kind: 'IMAGE_SECURITY', metaData: { value: 180 }, isEnabled: true, stopProcessing: false },
      ],
      tagIds: [],
      k8sFilters: [{ cluster: { clusterUid: 'a883e610-428d-4355-8a19-7aef2cf4afde', clusterName: 'cluster24' } }],
    };
    expect(kind.canonicalLive(body)).toEqual(kind.canonical(spec));
  });

  it('tags read back as ids, objects or a tags array are the same', () => {
    const base = sample('centralized-policy/get.response.json');
    const spec = { ...matching, tagIds: [12, 3] };
    expect(kind.canonicalLive({ ...base, tagIds: ['3', '12'] })).toEqual(kind.canonical(spec));
    expect(kind.canonicalLive({ ...base, tagIds: [{ id: 12, name: 'a' }, { id: 3, name: 'b' }] })).toEqual(kind.canonical(spec));
    expect(kind.canonicalLive({ ...base, tagIds: null, tags: [{ id: 3 }, { id: 12 }] })).toEqual(kind.canonical(spec));
  });

  it('rules are ordered by sortOrder; omitted sortOrder is the position', () => {
    const live = sample('centralized-policy/get.response.json');
    const r0 = { ...live.centralizedPolicyRules[0], name: 'A', sortOrder: 1 };
    const r1 = { ...live.centralizedPolicyRules[0], name: 'B', sortOrder: 0 };
    live.centralizedPolicyRules = [r0, r1];
    const spec = { ...matching, centralizedPolicyRules: [{ ...matching.centralizedPolicyRules![0]!, name: 'B' }, { ...matching.centralizedPolicyRules![0]!, name: 'A' }] };
    expect(kind.canonicalLive(live)).toEqual(kind.canonical(spec));
  });

  it.each([
    ['description', { description: 'other' }, '/description'],
    ['policyMode', { policyMode: 'INACTIVE' }, '/policyMode'],
    ['tagIds', { tagIds: ['7'] }, '/tagIds/0'],
  ])('changing %s yields one op at that field', (_f, change, path) => {
    const ops = patch(kind.canonicalLive(sample('centralized-policy/get.response.json')), kind.canonical({ ...matching, ...change }));
    expect(ops).toHaveLength(1);
    expect(ops[0]!.path).toBe(path);
  });

  it('changing a rule metaData value yields one op at that value', () => {
    const spec = structuredClone(matching);
    spec.centralizedPolicyRules![0]!.metaData = { value: 30 };
    const ops = patch(kind.canonicalLive(sample('centralized-policy/get.response.json')), kind.canonical(spec));
    expect(ops).toEqual([{ op: 'replace', path: '/centralizedPolicyRules/0/metaData/value', value: 30 }]);
  });

  it('toSpec round-trips', () => {
    const live = sample('centralized-policy/get.response.json');
    const spec = kind.toSpec(live);
    expect(kind.canonical(spec)).toEqual(kind.canonicalLive(live));
    expect(spec).toEqual(matching);
  });

  it('manages policyType/policyMode only when declared', () => {
    const live = sample('centralized-policy/get.response.json');
    expect(managed(kind, live, matching as Record<string, unknown>)).toContain('policyMode');
    expect(managed(kind, live, { ...matching, policyMode: undefined })).not.toContain('policyMode');
  });

  it('documented forms: order, metaData integer or JSON string, null filters and tagIds, isDefault false', () => {
    const live = sample('centralized-policy/get.response.json');
    const pasted = { ...sample('centralized-policy/create.request.json'), policyName: undefined };
    expect(kind.canonical(pasted).centralizedPolicyRules).toEqual(kind.canonical({ centralizedPolicyRules: [{ name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', metaData: 180 }] }).centralizedPolicyRules);
    const spec = { ...live, policyName: undefined, uuid: undefined };
    expect(patch(liveSide(kind, live, spec), specSide(kind, live, spec))).toEqual([]);
    expect(kind.check!(spec, live.policyName)).toEqual([]);
  });
});

describe('CentralizedPolicy calls', () => {
  it('list answers summaries; the engine reads the details a whole object needs', async () => {
    const details = sample('centralized-policy/get.response.json');
    const summary = { uuid: ID, policyName: details.policyName, policyType: details.policyType, isDefault: false };
    const api = new FakeApi({ [`GET ${P}/${ID}`]: details }, { [P]: [summary] });
    const live = (await readAll(api, kind)) as any[];
    expect(live).toHaveLength(1);
    expect(kind.nameOf(live[0])).toBe('CPM Block older image demo');
    expect(kind.idOf(live[0])).toBe(ID);
    expect(kind.canonicalLive(live[0])).toEqual(kind.canonical(matching));
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`LIST ${P}`, `GET ${P}/${ID}`]);
  });

  it('get answers undefined on 404', async () => {
    expect(await kind.get(new FakeApi(), 'nope')).toBeUndefined();
  });

  it('create sends the documented body and returns the uuid', async () => {
    const api = new FakeApi({ [`POST ${P}`]: sample('centralized-policy/create.response.json') });
    const spec: CentralizedPolicySpec = {
      description: '',
      policyType: 'K8S_ADMISSION_CONTROLLER',
      policyMode: 'ACTIVE',
      centralizedPolicyRules: [{ name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', kind: 'IMAGE_SECURITY', isEnabled: true, stopProcessing: false, metaData: { value: 180 } }],
      exclusionPolicyRules: [],
      isDefault: false,
      tagIds: [],
      k8sFilters: [{ cluster: { clusterUid: 'a883e610-428d-4355-8a19-7aef2cf4afde', clusterName: 'cluster24' } }],
    };
    const id = await kind.create(api, 'Testing 123', desired(kind, spec as Record<string, unknown>), written(kind, spec as Record<string, unknown>));
    expect(id).toBe('abe4ed1b-fa12-4118-a3aa-aa944d593e73');
    expect(api.writes()).toEqual([{ method: 'POST', path: P, body: sample('centralized-policy/create.request.json') }]);
    // what the declaration leaves out is not sent: no default description, tags, filters or exclusions
    const bare = { policyType: 'K8S_ADMISSION_CONTROLLER', centralizedPolicyRules: spec.centralizedPolicyRules };
    await kind.create(api, 'bare', desired(kind, bare), written(kind, bare));
    expect(Object.keys(api.writes()[1]!.body as object).sort()).toEqual(['centralizedPolicyRules', 'policyName', 'policyType']);
    // nor inside a rule: a field the declared rule leaves out (kind, isEnabled, stopProcessing) is not invented
    const terse = { policyType: 'K8S_ADMISSION_CONTROLLER', centralizedPolicyRules: [{ name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', metaData: 180 }] };
    await kind.create(api, 'terse', desired(kind, terse), written(kind, terse));
    expect((api.writes()[2]!.body as { centralizedPolicyRules: unknown[] }).centralizedPolicyRules).toEqual([
      { name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', order: 0, metaData: { value: 180 } },
    ]);
  });

  it('create sends tag ids as declared: numbers as numbers, string ids as strings', async () => {
    const api = new FakeApi({ [`POST ${P}`]: sample('centralized-policy/create.response.json') });
    await kind.create(api, 'tags', desired(kind, { policyType: 'CICD', policyMode: 'ACTIVE', centralizedPolicyRules: [], tagIds: [12873457, 'abc-tag', 12873456] }));
    expect((api.writes()[0]!.body as { tagIds: unknown }).tagIds).toEqual([12873456, 12873457, 'abc-tag']);
  });

  it('update PUTs the whole object with the live server-managed fields', async () => {
    const live = { ...sample('centralized-policy/update.request.json') };
    delete live.hasDeprecatedRulesPresent;
    live.centralizedPolicyRules[0].metaData = '{"value":180}';
    live.k8sFilters[0].cluster.clusterName = 'cluster24';
    live.tagIds = null;
    const api = new FakeApi({ [`PUT ${P}/${live.uuid}`]: sample('centralized-policy/update.response.json') });
    const spec: CentralizedPolicySpec = {
      policyType: 'K8S_ADMISSION_CONTROLLER',
      policyMode: 'ACTIVE',
      centralizedPolicyRules: [{ name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', kind: 'IMAGE_SECURITY', metaData: { value: 30 } }],
      k8sFilters: [{ cluster: { clusterUid: 'a883e610-428d-4355-8a19-7aef2cf4afde', clusterName: 'cluster26' } }],
    };
    await kind.update(api, live, 'Testing 123', desired(kind, spec as Record<string, unknown>, live));
    const [call] = api.writes();
    expect(call!.method).toBe('PUT');
    expect(call!.path).toBe(`${P}/abe4ed1b-fa12-4118-a3aa-aa944d593e73`);
    // The documented PUT, except what the live object holds otherwise and the declaration does not change:
    // tagIds stay null as read; hasDeprecatedRulesPresent, which the GET does not return, is not invented.
    const { hasDeprecatedRulesPresent: _h, ...documented } = sample('centralized-policy/update.request.json');
    expect(call!.body).toEqual({ ...documented, tagIds: null });
  });

  it('update carries what the declaration does not mention, as the API holds it', async () => {
    const live = sample('centralized-policy/get.response.json');
    live.tagIds = [12873456];
    live.centralizedPolicyRules[0].id = 'rule-1';
    const api = new FakeApi({ [`PUT ${P}/${ID}`]: sample('centralized-policy/update.response.json') });
    await kind.update(api, live, live.policyName, desired(kind, { description: 'changed' }, live));
    const body = api.writes()[0]!.body as Record<string, any>;
    expect(body).toMatchObject({ description: 'changed', policyMode: 'ACTIVE', policyType: 'K8S_ADMISSION_CONTROLLER', tagIds: [12873456], isDefault: false, version: 3 });
    expect(body.k8sFilters).toEqual(live.k8sFilters);
    expect(body.centralizedPolicyRules).toEqual([{ ...live.centralizedPolicyRules[0], metaData: { value: 1000 } }]);
    // A changed rule keeps its live id.
    await kind.update(api, live, live.policyName, desired(kind, { centralizedPolicyRules: [{ name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', action: 'FAIL', metaData: 90 }] }, live));
    expect((api.writes()[1]!.body as any).centralizedPolicyRules[0]).toMatchObject({ id: 'rule-1', metaData: { value: 90 }, sortOrder: 0 });
  });

  it('remove DELETEs by uuid', async () => {
    const api = new FakeApi({ [`DELETE ${P}/${ID}`]: undefined });
    await kind.remove(api, sample('centralized-policy/get.response.json'));
    expect(api.writes()).toEqual([{ method: 'DELETE', path: `${P}/${ID}` }]);
  });

  it('the default policy is protected', () => {
    expect(kind.isProtected({ ...sample('centralized-policy/get.response.json'), isDefault: true })).toBe(true);
    expect(kind.isProtected(sample('centralized-policy/get.response.json'))).toBe(false);
  });
});

describe('CentralizedPolicy check', () => {
  it('a k8sFilters entry holds exactly one of cluster or namespace', () => {
    const issues = kind.check!({ k8sFilters: [{ cluster: { clusterUid: 'a' }, namespace: { namespaceValue: 'n' } }, {}] }, 'x');
    expect(issues.map((i) => i.path)).toEqual([['k8sFilters', 0], ['k8sFilters', 1]]);
    expect(kind.check!(matching, 'x')).toEqual([]);
  });

  it('duplicate sortOrder is reported', () => {
    const issues = kind.check!({ centralizedPolicyRules: [{ name: 'a', sortOrder: 1 }, { name: 'b', sortOrder: 1 }] }, 'x');
    expect(issues.map((i) => i.path)).toEqual([['centralizedPolicyRules', 0, 'sortOrder'], ['centralizedPolicyRules', 1, 'sortOrder']]);
  });
});

// ---- property: set-like arrays, and the export round trip against the API's rendering ----------------------

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const ruleArb = fc.record(
  {
    name: word,
    type: fc.constantFrom('IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', 'IMAGE_VULN_SEVERITY'),
    action: fc.constantFrom('FAIL', 'PASS', 'fail'),
    kind: fc.constant('IMAGE_SECURITY'),
    isEnabled: fc.boolean(),
    stopProcessing: fc.boolean(),
    metaData: fc.dictionary(word, fc.oneof(fc.integer(), word), { maxKeys: 3 }),
  },
  { requiredKeys: ['name', 'type', 'action'] },
);
const filterArb = fc.oneof(
  fc.record({ cluster: fc.record({ clusterUid: fc.uuid(), clusterName: word }) }),
  fc.record({ namespace: fc.record({ namespaceValue: word, clusterUid: fc.uuid() }) }),
);
const specArb = fc.record(
  {
    policyType: fc.constant('K8S_ADMISSION_CONTROLLER'),
    policyMode: fc.constantFrom('ACTIVE', 'INACTIVE'),
    description: fc.oneof(fc.constant(''), word),
    centralizedPolicyRules: fc.array(ruleArb, { maxLength: 4 }),
    tagIds: fc.uniqueArray(fc.oneof(fc.integer({ min: 1, max: 99999 }).map(String)), { maxLength: 4 }),
    k8sFilters: fc.uniqueArray(filterArb, { maxLength: 3, selector: (f) => JSON.stringify(f) }),
  },
  { requiredKeys: ['policyType', 'policyMode'] },
) as fc.Arbitrary<CentralizedPolicySpec>;

/** The spec as the details GET would return it: metaData strings, sortOrder, null tagIds, both filter keys. */
function liveFrom(spec: CentralizedPolicySpec): Record<string, unknown> {
  return {
    uuid: 'u-1',
    policyName: 'p',
    policyType: spec.policyType,
    policyMode: spec.policyMode?.toUpperCase(),
    description: spec.description ?? '',
    createdBy: 'me',
    created: '1741858693801',
    centralizedPolicyRules: (spec.centralizedPolicyRules ?? []).map((r, i) => ({
      name: r.name,
      type: r.type,
      action: r.action?.toUpperCase(),
      isEnabled: r.isEnabled ?? true,
      stopProcessing: r.stopProcessing ?? false,
      sortOrder: i,
      metaData: r.metaData && Object.keys(r.metaData).length ? JSON.stringify(r.metaData) : null,
      kind: r.kind ?? null,
    })),
    exclusionPolicyRules: [],
    version: 2,
    isDefault: false,
    tagIds: spec.tagIds?.length ? spec.tagIds.map((id) => ({ id: Number(id) })) : null,
    k8sFilters: (spec.k8sFilters ?? []).map((f) => ({
      cluster: f.cluster ?? null,
      namespace: f.namespace ? { namespaceUuid: null, ...f.namespace } : null,
    })),
  };
}

describe('CentralizedPolicy properties', () => {
  it('canonical is stable under reordering of set-like arrays', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const shuffled = { ...spec, tagIds: [...(spec.tagIds ?? [])].reverse(), k8sFilters: [...(spec.k8sFilters ?? [])].reverse() };
        expect(kind.canonical(shuffled)).toEqual(kind.canonical(spec));
      }),
    );
  });

  it('canonical(toSpec(liveFrom(spec))) equals canonical(spec) and canonicalLive', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const live = liveFrom(spec);
        expect(kind.canonicalLive(live)).toEqual(kind.canonical(spec));
        expect(kind.canonical(kind.toSpec(live))).toEqual(kind.canonical(spec));
      }),
    );
  });
});
