import { describe, expect, test } from 'vitest';
import { checkPlanDeclarations, checkPlanEnvironment, checkPlanGateway, declarationsHash, savedPlanOf } from '../../src/engine/planfile.js';
import { applySucceeded } from '../../src/engine/apply.js';
import type { ApplyResult, Plan } from '../../src/engine/model.js';
import type { Declaration } from '../../src/types.js';

const decl = (name: string, spec: Record<string, unknown>) => ({ kind: 'Exception', name, spec }) as unknown as Declaration;
const plan = { formatVersion: 1, changes: [] } as unknown as Plan;

describe('saved plan metadata and checks', () => {
  test('savedPlanOf records gateway, declarations hash, paths, prune, environment and time', () => {
    const saved = savedPlanOf(plan, { gateway: 'https://g', declarations: [decl('a', { x: 1 })], paths: ['p'], prune: true, environment: 'prod', now: new Date(0) });
    expect(saved).toMatchObject({ gateway: 'https://g', paths: ['p'], prune: true, environment: 'prod', createdAt: '1970-01-01T00:00:00.000Z' });
    expect(saved.declarationsHash).toBe(declarationsHash([decl('a', { x: 1 })]));
    expect(savedPlanOf(plan, { gateway: 'g', declarations: [], paths: [], prune: false }).environment).toBeUndefined();
  });

  test('each check refuses what moved and passes what did not', () => {
    const saved = savedPlanOf(plan, { gateway: 'https://g', declarations: [decl('a', { x: 1 })], paths: ['p'], prune: false, environment: 'prod' });
    expect(() => checkPlanEnvironment(saved, 'f.json', 'prod')).not.toThrow();
    expect(() => checkPlanEnvironment(saved, 'f.json', undefined)).toThrow(expect.objectContaining({ code: 'E_PLAN_ENVIRONMENT' }));
    expect(() => checkPlanDeclarations(saved, [decl('a', { x: 1 })], ['p'])).not.toThrow();
    expect(() => checkPlanDeclarations(saved, [decl('a', { x: 2 })], ['p'])).toThrow(expect.objectContaining({ code: 'E_STALE_PLAN' }));
    expect(() => checkPlanGateway(saved, 'https://g')).not.toThrow();
    expect(() => checkPlanGateway(saved, 'https://other')).toThrow(/made against https:\/\/g/);
  });

  test('an apply succeeds only with nothing failed or skipped and a verified re-read', () => {
    const r = (failed: number, skipped: number, verified: boolean) => ({ results: [], notConverged: [], verified, summary: { created: 0, updated: 0, deleted: 0, failed, skipped } }) as ApplyResult;
    expect(applySucceeded(r(0, 0, true))).toBe(true);
    expect(applySucceeded(r(1, 0, true))).toBe(false);
    expect(applySucceeded(r(0, 1, true))).toBe(false);
    expect(applySucceeded(r(0, 0, false))).toBe(false);
  });
});
