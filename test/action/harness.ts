// Runs the committed bundle (dist/index.js) as the runner would: an async child process with INPUT_* inputs,
// an event file, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and RUNNER_TEMP.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = join(ROOT, 'dist/index.js');

async function newestMtime(path: string): Promise<number> {
  const st = await stat(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, e)));
  return newest;
}

/** Builds the bundles (scripts/build.mjs) unless dist/index.js is newer than every source it is made of.
 * `npm test` has just built; rewriting the bundles again while other test files run them would race. */
export async function ensureBuilt(): Promise<void> {
  const built = await stat(DIST).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(
    ...(await Promise.all(['src', 'schemas', 'scripts/build.mjs', 'package-lock.json'].map((p) => newestMtime(join(ROOT, p)).catch(() => 0)))),
  );
  if (built > sources) return;
  await new Promise<void>((res, rej) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: ROOT }, (err, _out, stderr) => (err ? rej(new Error(`build failed: ${stderr}`)) : res())),
  );
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  outputFile: string;
  summary: string;
  /** The plan file named by the plan-file output, when there is one. */
  planFile?: string;
}

/** Parses GITHUB_OUTPUT: `name<<delimiter\nvalue\ndelimiter` blocks; a later value wins, as on the runner. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<([^\n]+)\n([\s\S]*?)\n?\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]!] = m[3]!;
  return out;
}

export interface RunOptions {
  event: string;
  payload: Record<string, unknown>;
  ref?: string;
  repository: string;
  githubApiUrl: string;
  inputs: Record<string, string>;
  cwd?: string;
  workspace?: string;
  /** GITHUB_SHA (default a fixed sha). */
  sha?: string;
  /** More environment (HTTP_PROXY, RUNNER_DEBUG, ...). */
  env?: Record<string, string>;
  /** Told the child process once it runs (a test may signal it, as a cancelled job is). */
  onStart?: (child: import('node:child_process').ChildProcess) => void;
}

export const DEFAULT_SHA = '0123456789abcdef0123456789abcdef01234567';

const made: string[] = [];

/** Removes the temporary folders of every run. */
export async function cleanupRuns(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function runAction(o: RunOptions): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'qcs-action-'));
  made.push(dir);
  const eventPath = join(dir, 'event.json');
  const outputFile = join(dir, 'github_output');
  const summaryFile = join(dir, 'step_summary');
  const runnerTemp = join(dir, 'runner_temp');
  await writeFile(eventPath, JSON.stringify(o.payload));
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  await mkdir(runnerTemp);
  // Nothing inherited but PATH/HOME: no QUALYS_*, GITHUB_* or INPUT_* from the test's own environment.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: o.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: o.repository,
    GITHUB_API_URL: o.githubApiUrl,
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: o.sha ?? DEFAULT_SHA,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: o.workspace ?? o.cwd ?? ROOT,
    ...(o.ref ? { GITHUB_REF: o.ref } : {}),
    ...o.env,
  };
  for (const [k, v] of Object.entries(o.inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    const child = execFile(process.execPath, [DIST], { cwd: o.cwd ?? ROOT, env, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      res({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    o.onStart?.(child);
  });
  const outputText = await readFile(outputFile, 'utf8');
  const outputs = parseOutputs(outputText);
  const summary = await readFile(summaryFile, 'utf8');
  const planFile = outputs['plan-file'] ? await readFile(outputs['plan-file'], 'utf8') : undefined;
  return { code, stdout, stderr, outputs, outputFile: outputText, summary, planFile };
}
