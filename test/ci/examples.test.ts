// The Jenkins and Azure DevOps examples: this version's release tarball, and credentials from the CI's secret store
// for every step that calls the Qualys API (never a literal), apply only behind an approval.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const read = (f: string) => readFileSync(join(ROOT, 'examples', 'ci', f), 'utf8');

/** Every step of an Azure pipeline (stages → jobs → steps, deployment strategies included). */
function azureSteps(doc: any): Array<{ stage: string; step: any; job: any; stageVars: any }> {
  const out: Array<{ stage: string; step: any; job: any; stageVars: any }> = [];
  for (const stage of doc.stages) {
    for (const job of stage.jobs) {
      const steps = job.steps ?? job.strategy?.runOnce?.deploy?.steps ?? [];
      for (const step of steps) out.push({ stage: stage.stage, step, job, stageVars: stage.variables });
    }
  }
  return out;
}

describe('examples/ci', () => {
  it('azure-pipelines.yml: the tarball of this version; the API steps get the variable group secrets through env; apply behind an environment', () => {
    const doc = parse(read('azure-pipelines.yml'));
    expect(doc.variables.QCS_GITOPS_VERSION).toBe(version);
    const steps = azureSteps(doc);
    const api = steps.filter(({ step }) => typeof step.script === 'string' && /^qcs-gitops (plan|apply)\b/.test(step.script));
    expect(api.map(({ stage }) => stage)).toEqual(['plan', 'apply']);
    for (const { step, stageVars } of api) {
      expect(step.env).toEqual({ QUALYS_PLATFORM: '$(QUALYS_PLATFORM)', QUALYS_USERNAME: '$(QUALYS_USERNAME)', QUALYS_PASSWORD: '$(QUALYS_PASSWORD)' });
      expect(stageVars[0].group).toMatch(/^qualys-(readonly|writer)$/);
    }
    const apply = doc.stages.find((s: any) => s.stage === 'apply');
    expect(apply.jobs[0].environment).toBe('qualys-production');
    expect(apply.variables[0].group).toBe('qualys-writer');
    for (const { step } of steps.filter(({ step }) => String(step.script ?? '').startsWith('npm install'))) {
      expect(step.script).toContain('releases/download/v$(QCS_GITOPS_VERSION)/qcs-gitops-$(QCS_GITOPS_VERSION).tgz');
    }
    expect(read('azure-pipelines.yml')).not.toMatch(/\bnpx\b/);
  });

  it('Jenkinsfile: the tarball of this version; every qcs-gitops call that reads or writes the account inside withCredentials; apply after input', () => {
    const text = read('Jenkinsfile');
    expect(text).toContain(`QCS_GITOPS_VERSION = '${version}'`);
    const lines = text.split('\n');
    let depth = 0;
    const calls: Array<{ line: string; inCredentials: boolean }> = [];
    for (const line of lines) {
      if (/withCredentials\(/.test(line)) depth++;
      if (/sh '.*qcs-gitops (plan|apply)/.test(line)) calls.push({ line: line.trim(), inCredentials: depth > 0 });
      if (depth > 0 && /^\s*}\s*$/.test(line)) depth--;
    }
    expect(calls.length).toBe(3);
    expect(calls.every((c) => c.inCredentials)).toBe(true);
    expect(text.indexOf("input message")).toBeLessThan(text.indexOf('apply --plan plan.json'));
    expect(text).not.toMatch(/\bnpx\b|QUALYS_PASSWORD\s*=\s*'/);
  });
});
