// The example workflows run as written: each job has the GITHUB_TOKEN permissions its steps use (a job's
// `permissions:` replace the workflow's), every job that uses secrets names the GitHub environment that holds them,
// every step that calls the Qualys API gets credentials from secrets (for an `environment` of the project file, the
// very variables qcs-gitops.yaml names), and the Action and the release tarball are pinned to this version's tag.
// The checker is tested on broken workflows too (the ones issue 28 found), so it can fail.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './helpers/cli.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const PROJECT = parse(readFileSync(join(ROOT, 'examples', 'environments', 'qcs-gitops.yaml'), 'utf8')) as { environments: Record<string, { usernameEnv: string; passwordEnv: string }> };
const LEVEL = { none: 0, read: 1, write: 2 } as const;

/** The permissions a job has: its own, else the workflow's (a missing scope is none). */
function permissionsOf(workflow: Obj, job: Obj): Record<string, keyof typeof LEVEL> {
  const p = job.permissions ?? workflow.permissions;
  if (p === 'write-all' || p === 'read-all') throw new Error('examples must list their permissions');
  return (isObj(p) ? p : {}) as Record<string, keyof typeof LEVEL>;
}

const triggers = (workflow: Obj): string[] => (isObj(workflow.on) ? Object.keys(workflow.on) : Array.isArray(workflow.on) ? (workflow.on as string[]) : [String(workflow.on)]);

/** Whether the job runs on pull requests (its `if`, else every trigger of the workflow). */
function onPullRequest(workflow: Obj, job: Obj): boolean {
  if (!triggers(workflow).some((t) => t.startsWith('pull_request'))) return false;
  return typeof job.if !== 'string' || job.if.includes('pull_request');
}

/** `secrets.NAME` referenced in a value. */
const secretsIn = (v: unknown): string[] => [...JSON.stringify(v ?? null).matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);

/** The project environments an Action step's `environment` input names (a matrix expression: each matrix value). */
function projectEnvironments(job: Obj, value: string): string[] {
  const m = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(value);
  if (!m) return [value];
  const matrix = isObj(job.strategy) && isObj(job.strategy.matrix) ? job.strategy.matrix : {};
  return (matrix[m[1]!] as string[] | undefined) ?? [];
}

/** What is wrong with a workflow, one line a problem (empty when it runs as written). */
function workflowProblems(text: string): string[] {
  const workflow = parse(text) as Obj;
  const out: string[] = [];
  for (const [id, job] of Object.entries((workflow.jobs ?? {}) as Record<string, Obj>)) {
    const perms = permissionsOf(workflow, job);
    const need = (scope: string, level: 'read' | 'write', why: string) => {
      if (LEVEL[perms[scope] ?? 'none'] < LEVEL[level]) out.push(`${id}: needs permissions ${scope}: ${level} (${why})`);
    };
    const steps = (job.steps ?? []) as Obj[];
    const jobEnv = (isObj(job.env) ? job.env : {}) as Obj;
    if (secretsIn(job).length > 0 && !job.environment) out.push(`${id}: uses secrets (${[...new Set(secretsIn(job))].join(', ')}) but names no environment`);
    for (const step of steps) {
      const uses = typeof step.uses === 'string' ? step.uses : '';
      const w = (isObj(step.with) ? step.with : {}) as Record<string, string>;
      const env = { ...jobEnv, ...(isObj(step.env) ? step.env : {}) } as Record<string, string>;
      if (uses.startsWith('actions/checkout@')) need('contents', 'read', 'actions/checkout');
      if (/\/qcs-gitops@/.test(uses)) {
        if (uses !== `your-org/qcs-gitops@v${VERSION}`) out.push(`${id}: ${uses} is not pinned to this version's tag v${VERSION}`);
        const command = w.command ?? 'auto';
        const planOnPr = onPullRequest(workflow, job) && command !== 'apply';
        if (planOnPr && w.comment !== 'false') need('pull-requests', 'write', 'the sticky plan comment');
        if ((command === 'apply' || (command === 'auto' && !planOnPr)) && w['auto-approve'] !== 'true') need('pull-requests', 'read', 'the reviewed-plan lookup');
        if (w['drift-issue'] === 'true') need('issues', 'write', 'the drift issue');
        if (w.environment) {
          for (const name of projectEnvironments(job, w.environment)) {
            const e = PROJECT.environments[name];
            if (!e) out.push(`${id}: environment '${name}' is not in examples/environments/qcs-gitops.yaml`);
            else for (const v of [e.usernameEnv, e.passwordEnv]) if (secretsIn(env[v]).length === 0) out.push(`${id}: environment '${name}' needs ${v} from a secret in the step's env`);
          }
        } else {
          const user = secretsIn(w.username).length > 0 && secretsIn(w.password).length > 0;
          if (!user && secretsIn(w.token).length === 0) out.push(`${id}: the qcs-gitops step gets no credentials (username and password, or token, from secrets)`);
          if (!w.platform && !w['gateway-url']) out.push(`${id}: the qcs-gitops step names no platform or gateway-url`);
        }
      }
      const run = typeof step.run === 'string' ? step.run : '';
      for (const m of run.matchAll(/https:\/\/github\.com\/[\w-]+\/qcs-gitops\/releases\/download\/v([\w.-]+)\/qcs-gitops-([\w.-]+)\.tgz/g)) {
        if (m[1] !== VERSION || m[2] !== VERSION) out.push(`${id}: installs release ${m[1]}, not v${VERSION}`);
      }
      if (/\bnpx\b(?![^\n]*--no-install)/.test(run)) out.push(`${id}: runs npx without --no-install (resolves a name on the public registry)`);
      if (/\bqcs-gitops\b[^\n|>]*\b(plan|apply|export)\b|\bqcs-gitops\b[^\n|>]*--live\b/.test(run) && !run.includes('--simulator')) {
        const hasUser = secretsIn(env.QUALYS_USERNAME).length > 0 && secretsIn(env.QUALYS_PASSWORD).length > 0;
        if (!hasUser && secretsIn(env.QUALYS_TOKEN).length === 0) out.push(`${id}: a step calls the API without QUALYS_USERNAME/QUALYS_PASSWORD (or QUALYS_TOKEN) from secrets`);
        if (!env.QUALYS_PLATFORM && !env.QUALYS_GATEWAY_URL && !run.includes('--env')) out.push(`${id}: a step calls the API without QUALYS_PLATFORM or QUALYS_GATEWAY_URL`);
      }
    }
  }
  return out;
}

const DIR = join(ROOT, 'examples', 'workflows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));

describe('example workflows', () => {
  it('there are the three', () => expect(files.sort()).toEqual(['exception-report.yml', 'qcs-gitops-environments.yml', 'qcs-gitops.yml']));

  for (const f of files) {
    it(`${f}: every job has the permissions, the environment and the credentials its steps use`, () => {
      expect(workflowProblems(readFileSync(join(DIR, f), 'utf8'))).toEqual([]);
    });
  }

  describe('the checker finds what issue 28 found', () => {
    const env = readFileSync(join(DIR, 'qcs-gitops-environments.yml'), 'utf8');
    const main = readFileSync(join(DIR, 'qcs-gitops.yml'), 'utf8');

    it('an apply job that inherits only contents: read cannot look up the reviewed plan', () => {
      const broken = env.replace(/\n {4}permissions:\n {6}contents: read\n {6}pull-requests: read {12}# find the merged[^\n]*/, '');
      expect(broken).not.toBe(env);
      expect(workflowProblems(broken)).toEqual(['apply-staging: needs permissions pull-requests: read (the reviewed-plan lookup)']);
    });

    it('plan and drift jobs without the environment that holds the secrets', () => {
      const broken = main.replace(/\n {4}environment: qualys-production-read[^\n]*/g, '');
      expect(workflowProblems(broken)).toEqual([
        'plan: uses secrets (QUALYS_USERNAME, QUALYS_PASSWORD) but names no environment',
        'drift: uses secrets (QUALYS_USERNAME, QUALYS_PASSWORD) but names no environment',
      ]);
    });

    it('a missing comment or issue permission, missing credentials, an old tag, a bare npx', () => {
      const broken = main
        .replace('pull-requests: write    # the sticky plan comment', 'pull-requests: read')
        .replace('issues: write                  # the drift issue', 'issues: read')
        .replace(/\n {10}password: \$\{\{ secrets\.QUALYS_PASSWORD \}\}/, '')
        .replace(`qcs-gitops@v${VERSION}`, 'qcs-gitops@v1');
      expect(workflowProblems(broken)).toEqual([
        `plan: your-org/qcs-gitops@v1 is not pinned to this version's tag v${VERSION}`,
        'plan: needs permissions pull-requests: write (the sticky plan comment)',
        'plan: the qcs-gitops step gets no credentials (username and password, or token, from secrets)',
        'drift: needs permissions issues: write (the drift issue)',
      ]);
      const npx = readFileSync(join(DIR, 'exception-report.yml'), 'utf8').replace(/run: qcs-gitops validate/, 'run: npx qcs-gitops validate');
      expect(workflowProblems(npx)).toEqual(['report: runs npx without --no-install (resolves a name on the public registry)']);
    });

    it('an environment of the project file whose variables the step does not pass', () => {
      const broken = env.replace(/\n {10}QUALYS_PROD_PASSWORD: \$\{\{ secrets\.QUALYS_PROD_PASSWORD \}\}/, '');
      expect(workflowProblems(broken)).toEqual(["apply-production: environment 'production' needs QUALYS_PROD_PASSWORD from a secret in the step's env"]);
    });
  });
});
