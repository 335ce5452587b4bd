// The project file's prune scope (`prune: { match, kinds, always }`) and --prune-kind in any case, as plan options.
import { describe, expect, it } from 'vitest';
import { parseProject, type Project } from '../../src/project/load.js';
import { planOptionsFrom, type PlanFlags } from '../../src/cli/plan.js';

const project = (prune: string): Project => {
  const { project: p, diagnostics } = parseProject('qcs-gitops.yaml', `apiVersion: qcs-gitops/v1\nkind: Project\nprune: ${prune}\n`);
  expect(diagnostics).toEqual([]);
  return p!;
};
const flags = (over: Partial<PlanFlags> = {}): PlanFlags => ({ format: 'text', maxDeletes: '10', ...over });

describe('project prune scope', () => {
  it('always: true prunes on every plan within match and kinds (kinds in any case); without always nothing changes', () => {
    const always = project("{ match: ['platform-*'], kinds: [exception], always: true }");
    expect(always.prune).toEqual({ match: ['platform-*'], kinds: ['Exception'], always: true });
    expect(planOptionsFrom(flags(), always)).toMatchObject({ prune: true, pruneMatch: ['platform-*'], pruneKinds: ['Exception'] });
    const scoped = project("{ match: ['platform-*'], kinds: [Exception] }");
    expect(planOptionsFrom(flags(), scoped).prune).toBe(false);
    expect(planOptionsFrom(flags({ prune: true }), scoped)).toMatchObject({ prune: true, pruneMatch: ['platform-*'], pruneKinds: ['Exception'] });
  });

  it('an unknown kind in prune.kinds is an error at its line, with did-you-mean', () => {
    const { project: p, diagnostics } = parseProject('qcs-gitops.yaml', 'apiVersion: qcs-gitops/v1\nkind: Project\nprune:\n  kinds: [Exceptoin]\n');
    expect(p).toBeUndefined();
    expect(diagnostics).toEqual([expect.objectContaining({ line: 4, path: 'prune.kinds[0]', message: expect.stringContaining("unknown kind 'Exceptoin' — did you mean 'Exception'?") })]);
  });

  it('--prune-kind takes a kind in any case; an unknown one is a usage error', () => {
    expect(planOptionsFrom(flags({ prune: true, pruneKind: ['sensorprofile', 'EXCEPTION'] })).pruneKinds).toEqual(['SensorProfile', 'Exception']);
    expect(() => planOptionsFrom(flags({ prune: true, pruneKind: ['sensorprofil'] }))).toThrow(/unknown kind — did you mean 'SensorProfile'/);
  });
});
