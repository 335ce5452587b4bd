// The first day outside the repository (issue 28), through the built CLI: `show` renders a saved plan again without
// the API, every failure under --format json is one json document, numeric flags and --simulator are checked, a
// project file in a scanned folder is the project file, and an empty file is a warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { BIN, cliEnv, runCli } from '../helpers/cli.js';
import { useSimulator } from '../helpers/suite.js';
import { examplesPlan } from '../helpers/examples.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qcs-first-day-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = 'examples/simulator/seed.json';

describe('show', () => {
  it('prints the very text plan printed (a saved plan), and the same plan as markdown and json, with no API call', async () => {
    const file = join(dir, 'plan.json');
    const plan = await runCli(['plan', 'examples/policies', '--simulator', SEED, '--prune', '--out', file]);
    expect(plan.code, plan.stderr).toBe(0);
    const saved = `Saved the plan to ${file}; apply it with: qcs-gitops apply --plan ${file}\n`;
    expect(plan.stdout.endsWith(saved)).toBe(true);
    // no gateway, no credentials: show never connects
    const shown = await runCli(['show', file], { QUALYS_GATEWAY_URL: 'https://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9' });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toBe(plan.stdout.slice(0, -saved.length));
    expect(shown.stdout).toMatch(/will be DELETED/);

    const md = await runCli(['show', file, '--format', 'markdown']);
    expect(md.stdout).toMatch(/^### qcs-gitops plan/);
    expect(md.stdout).toContain('```diff');
    const json = await runCli(['show', file, '--format', 'json']);
    const doc = JSON.parse(json.stdout) as { digest: string; changes: unknown[] };
    expect(doc.digest).toBe(JSON.parse(readFileSync(file, 'utf8')).digest);
  });

  it('renders a `plan --format json` document as the text plan printed', async () => {
    const args = ['plan', 'examples/policies', '--simulator', SEED, '--prune'];
    // one process: the simulator's ids are made per run, so the text and the json come from the same plan file
    const file = join(dir, 'saved.json');
    await runCli([...args, '--out', file]);
    const asJson = await runCli(['show', file, '--format', 'json']);
    const doc = join(dir, 'doc.json');
    writeFileSync(doc, asJson.stdout);
    const a = await runCli(['show', file]);
    const b = await runCli(['show', doc]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const again = await runCli(['show', doc, '--format', 'json']);
    expect(JSON.parse(again.stdout).digest).toBe(JSON.parse(asJson.stdout).digest);
  });

  it('a file that is not a plan is E_PLAN_FILE (as json too)', async () => {
    const bad = join(dir, 'not-a-plan.json');
    writeFileSync(bad, '{"hello": 1}');
    const r = await runCli(['show', bad, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_PLAN_FILE' });
    expect(r.stderr).toMatch(/Error \[E_PLAN_FILE\]/);
  });
});

describe('--format json failures: one json document with error.code, error.message, error.hint', () => {
  const sim = useSimulator();

  it('bad credentials', async () => {
    const r = await runCli(['plan', 'examples/policies', '--format', 'json'], { QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: 'nobody', QUALYS_PASSWORD: 'wrong' });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string | null } };
    expect(doc.error.code).toBe('E_AUTH');
    expect(doc.error.message).toBeTruthy();
    expect(Object.keys(doc.error)).toEqual(expect.arrayContaining(['code', 'message', 'hint']));
    expect(r.stdout).not.toContain('wrong');
  });

  it('invalid declarations, a usage error, and an unknown flag', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'a.yaml'), 'apiVersion: qcs-gitops/v1\nkind: Firewall\nmetadata: {name: x}\nspec: {}\n');
    const invalid = await runCli(['plan', bad, '--simulator', '--format', 'json']);
    const v = JSON.parse(invalid.stdout).error;
    expect(v.code).toBe('E_VALIDATION');
    expect(v.diagnostics[0]).toMatchObject({ line: 2, path: 'kind' });
    const usage = await runCli(['plan', 'examples/policies', '--simulator', '--parallelism', '0', '--format=json']);
    expect(JSON.parse(usage.stdout).error.code).toBe('E_USAGE');
    const unknown = await runCli(['plan', 'examples/policies', '--bogus', '--format', 'json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).error).toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/unknown option '--bogus'/) });
  });
});

describe('flags', () => {
  it('numeric flags are checked against their ranges (usage error, no API call)', async () => {
    for (const [flag, value] of [['--parallelism', '0'], ['--parallelism', '65'], ['--max-concurrency', '0'], ['--retries', 'x'], ['--request-timeout', '1.5'], ['--max-deletes', '-1']] as const) {
      const cmd = flag === '--parallelism' ? ['apply', 'examples/policies', '--auto-approve'] : ['plan', 'examples/policies'];
      const r = await runCli([...cmd, '--simulator', flag, value]);
      expect(r.code, `${flag} ${value}`).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`Error \\[E_USAGE\\]: ${flag} must be a whole number from \\d+ to \\d+ \\(got '${value.replace('.', '\\.')}'\\)`));
    }
    const ok = await runCli(['apply', 'examples/policies', '--simulator', '--auto-approve', '--parallelism', '64', '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('--simulator with --gateway-url (or --platform) is a usage error', async () => {
    for (const extra of [['--gateway-url', 'https://gateway.qg1.apps.qualys.com'], ['--platform', 'US1']]) {
      const r = await runCli(['plan', 'examples/policies', '--simulator', ...extra]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/E_USAGE\]: --simulator and --(gateway-url|platform) cannot be combined/);
    }
  });

  it('apply without --auto-approve and without a terminal on stdin refuses, saying so, before any call', async () => {
    const r = await runCli(['apply', 'examples/policies', '--simulator'], {}, { input: 'yes\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/apply needs --auto-approve when there is no terminal to confirm on/);
  });
});

/** util-linux `script` gives a command a pseudo-terminal: the only way to test what goes to /dev/tty. */
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
})();

describe('the confirmation prompt', () => {
  it.skipIf(!hasScript)('goes to the terminal (/dev/tty) when stdout and stderr are piped (`apply 2>&1 | tail`) [needs util-linux script]', async () => {
    const out = join(dir, 'piped.txt');
    const cmd = `'${process.execPath}' '${BIN}' apply examples/policies --simulator --quiet 2>&1 | tail -n 3 > '${out}'`;
    const screen = await new Promise<string>((resolve, reject) => {
      const child = execFile('script', ['-qec', cmd, '/dev/null'], { env: cliEnv(), timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(String(stdout))));
      child.stdin?.end('yes\n');
    });
    expect(screen).toContain('Do you want to perform these actions? Only "yes" will be accepted:');
    expect(screen).toContain('The plan above went to stdout, which is not this terminal (a pipe or a file): read it there first.');
    const piped = readFileSync(out, 'utf8');
    expect(piped).not.toContain('Do you want to perform');
    expect(piped).toContain(`Apply: ${(await examplesPlan()).summary.create} created`);
  });
});

describe('scanned folders', () => {
  it('qcs-gitops.yaml in a scanned folder is the project file, not a declaration; an empty file is a warning', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, 'policies'), { recursive: true });
    writeFileSync(join(repo, 'qcs-gitops.yaml'), 'apiVersion: qcs-gitops/v1\nkind: Project\ngovernance:\n  exceptionExpiryWarningDays: 14\n');
    writeFileSync(
      join(repo, 'policies', 'exceptions.yaml'),
      'apiVersion: qcs-gitops/v1\nkind: Exception\nmetadata:\n  name: first\nspec:\n  scope: IMAGE\n  reason: RISK_ACCEPTED\n  startDate: 2026-01-01\n  endDate: 2030-01-01\n  qids: [376157]\n',
    );
    writeFileSync(join(repo, 'policies', 'later.yaml'), '# nothing declared yet\n');
    const v = await runCli(['validate', '.'], {}, { cwd: repo });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^Valid: 1 declaration in 2 files/);
    expect(v.stderr).toMatch(/policies\/later\.yaml:1:1: warning: empty file/);
    const p = await runCli(['plan', '.', '--simulator'], {}, { cwd: repo });
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/Plan: 1 to create/);
  });
});

describe('metadata.ignore in the plan\'s named form', () => {
  it('rules["No ptrace"].action validates; a typo after it gets a did-you-mean at its line', async () => {
    const d = join(dir, 'named-ignore');
    mkdirSync(d, { recursive: true });
    const doc = (path: string) =>
      `apiVersion: qcs-gitops/v1\nkind: RuntimePolicy\nmetadata:\n  name: web\n  ignore: ['${path}']\nspec:\n  policyMode: ACTIVE\n  rules:\n    - { name: No ptrace, ruleType: SYSCALL, program: "*", syscall: ptrace, action: DENY }\n`;
    writeFileSync(join(d, 'ok.yaml'), doc('rules["No ptrace"].action'));
    const ok = await runCli(['validate', join(d, 'ok.yaml')]);
    expect(ok.code, ok.stderr).toBe(0);
    writeFileSync(join(d, 'bad.yaml'), doc('rules["No ptrace"].acton'));
    const bad = await runCli(['validate', join(d, 'bad.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:5:\d+: .*did you mean 'action'\?/);
  });
});

describe('export', () => {
  it("each file's $schema is a relative path that resolves to this installation's schema file (no invented host)", async () => {
    const out = join(dir, 'exported');
    const r = await runCli(['export', '--out', out, '--simulator', SEED]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const first = readFileSync(join(out, f), 'utf8').split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(\.\.\/\S+\.schema\.json)$/.exec(first);
      expect(m, first).not.toBeNull();
      expect(existsSync(resolve(dirname(join(out, f)), m![1]!)), `${f}: ${m![1]}`).toBe(true);
    }
  });
});
