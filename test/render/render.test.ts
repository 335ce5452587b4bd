import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { renderPlanText, renderApplyText } from '../../src/render/text.js';
import { renderPlanMarkdown, GITHUB_COMMENT_LIMIT } from '../../src/render/markdown.js';
import { renderPlanJson } from '../../src/render/json.js';
import { planDigest, planDigests } from '../../src/engine/digest.js';
import type { ApplyResult, Plan } from '../../src/engine/model.js';

const plan: Plan = {
  formatVersion: 1,
  changes: [
    {
      kind: 'Exception',
      name: 'log4j-accepted',
      action: 'create',
      patch: [],
      after: { scope: 'IMAGE', reason: 'RISK_ACCEPTED', startDate: 1767225600000, qids: [376157] },
      fingerprint: null,
    },
    {
      kind: 'CentralizedPolicy',
      name: 'Block old images',
      action: 'update',
      id: 'abe4ed1b-fa12-4118-a3aa-aa944d593e73',
      before: { policyMode: 'ACTIVE', centralizedPolicyRules: [{ name: 'r', metaData: { value: 180 } }], tagIds: ['t1', 't2'] },
      after: { policyMode: 'INACTIVE', centralizedPolicyRules: [{ name: 'r', metaData: { value: 90 } }], tagIds: ['t1'] },
      patch: [
        { op: 'replace', path: '/policyMode', value: 'INACTIVE' },
        { op: 'replace', path: '/centralizedPolicyRules/0/metaData/value', value: 90 },
        { op: 'replace', path: '/tagIds', value: ['t1'] }, // a set field (Kind.setFields): one replace, shown member by member
      ],
      fingerprint: 'sha256:abc',
    },
    { kind: 'SensorProfile', name: 'old-profile', action: 'delete', id: 'ed37bef6', before: { description: 'legacy', profileType: 'Registry' }, patch: [], fingerprint: 'sha256:def' },
  ],
  summary: { create: 1, update: 1, delete: 1, unchanged: 4, unmanaged: 2 },
  notes: ['2 live objects are not declared: left alone (use --prune to delete them).'],
};

describe('plan renderings', () => {
  it('text matches the stored expectation', async () => {
    await expect(renderPlanText(plan)).toMatchFileSnapshot('expected/plan.txt');
  });
  it('text colours only when asked', () => {
    expect(renderPlanText(plan)).not.toMatch(/\x1b\[/);
    expect(renderPlanText(plan, { color: true })).toMatch(/\x1b\[32m/);
  });
  it('markdown matches the stored expectation, deletes first', async () => {
    const md = renderPlanMarkdown(plan);
    expect(md.indexOf('old-profile')).toBeLessThan(md.indexOf('log4j-accepted'));
    await expect(md).toMatchFileSnapshot('expected/plan.md');
  });
  it('markdown stays under the GitHub comment limit and says so when truncated', () => {
    const big: Plan = {
      ...plan,
      changes: Array.from({ length: 3000 }, (_, i) => ({ kind: 'Exception' as const, name: `exception-${i}`, action: 'create' as const, patch: [], after: { explanation: 'x'.repeat(100) } })),
    };
    const md = renderPlanMarkdown(big);
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/more changes not shown/);
  });
  it('an empty plan says No changes', () => {
    const empty: Plan = { formatVersion: 1, changes: [], summary: { create: 0, update: 0, delete: 0, unchanged: 3, unmanaged: 0 }, notes: [] };
    expect(renderPlanText(empty)).toMatch(/^No changes\./);
    expect(renderPlanText(empty)).toMatch(/Plan: 0 to create, 0 to update, 0 to delete\./);
  });
  it('json validates against schemas/plan.schema.json', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv2020.default({ strict: false });
    const validate = ajv.compile(schema);
    const doc = JSON.parse(renderPlanJson(plan));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.changes[0]).toEqual({ kind: 'Exception', name: 'log4j-accepted', action: 'create', id: null, patch: [], before: null, after: plan.changes[0]!.after, digest: planDigests(plan).objects['Exception/log4j-accepted'] });
    expect(doc.digest).toBe(planDigest(plan));
    expect(validate({ ...doc, digest: 'abc' })).toBe(false);
    expect(validate({ ...doc, summary: { create: 1 } })).toBe(false);
  });
});

describe('apply renderings', () => {
  it('summarises results and non-converged objects', () => {
    const r: ApplyResult = {
      results: [],
      notConverged: [{ kind: 'Exception', name: 'e', patch: [{ op: 'replace', path: '/scope', value: 'IMAGE' }] }],
      verified: false,
      summary: { created: 3, updated: 2, deleted: 1, failed: 1, skipped: 2 },
    };
    const t = renderApplyText(r);
    expect(t).toMatch(/Apply: 3 created, 2 updated, 1 deleted, 1 failed, 2 skipped\./);
    expect(t).toMatch(/! Exception\/e: replace \/scope/);
  });
});
