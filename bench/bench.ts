// `npm run bench`: plan / apply / validate against the simulator at several account sizes, each figure beside
// its lower bound (bench/bounds.ts). Results: bench/results/latest.json and a table on stdout.
//
//   node build/bench.js [--sizes 100,1000,10000] [--sparse 2010] [--qidless 1000,10000] [--latency 25]
//                       [--concurrency 6] [--repeat 3] [--out bench/results/latest.json] [--keep]
// (--sizes 0, --sparse 0, --qidless 0 skip those workloads; QCS_BENCH_CPU_PROF=DIR writes each worker's CPU profile there)
//
// The simulator runs in its own process (`qcs-gitops simulate`, with --latency and --concurrency); every
// measurement runs in a fresh child process of this script (`--worker`), so its peak RSS is its own.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinSecretRules } from '../src/simulator/secret-rules-builtin.js';
import type { SeedAccount } from '../src/simulator/types.js';
import { applyBound, planBound, type Bound } from './bounds.js';
import type { CallCounts } from './calls.js';
import { startSimProcess, type SimProcess } from './sim.js';
import { renderTable } from './table.js';
import { buildQidlessWorkload, buildSparseWorkload, buildWorkload, type ReadWorkload, type Workload } from './workload.js';
import { runWorker, type WorkerJob, type WorkerResult } from './worker.js';

interface Args {
  sizes: number[];
  /** Issue 21 workloads: the sparse account's objects per kind (0: skip) and the qid-less exception counts. */
  sparse: number;
  qidless: number[];
  latency: number;
  concurrency: number;
  repeat: number;
  out: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { sizes: [100, 1000, 10000], sparse: 2010, qidless: [1000, 10000], latency: 25, concurrency: 6, repeat: 3, out: 'bench/results/latest.json', keep: false };
  const int = (flag: string, v: string | undefined, min: number): number => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < min) throw new Error(`${flag} needs an integer ≥ ${min} (got ${v ?? 'nothing'})`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = argv[i + 1];
    switch (f) {
      case '--sizes':
        a.sizes = v === '0' ? [] : (v ?? '').split(',').map((s) => int('--sizes', s.trim(), 20));
        i++;
        break;
      case '--sparse':
        a.sparse = v === '0' ? 0 : int(f, v, 20);
        i++;
        break;
      case '--qidless':
        a.qidless = v === '0' ? [] : (v ?? '').split(',').map((x) => int('--qidless', x.trim(), 1));
        i++;
        break;
      case '--latency':
        a.latency = int(f, v, 0);
        i++;
        break;
      case '--concurrency':
        a.concurrency = int(f, v, 1);
        i++;
        break;
      case '--repeat':
        a.repeat = int(f, v, 1);
        i++;
        break;
      case '--out':
        if (!v) throw new Error('--out needs a file');
        a.out = v;
        i++;
        break;
      case '--keep':
        a.keep = true;
        break;
      case '-h':
      case '--help':
        process.stdout.write('usage: node build/bench.js [--sizes 100,1000,10000] [--sparse 2010] [--qidless 1000,10000] [--latency 25] [--concurrency 6] [--repeat 3] [--out FILE] [--keep]\n'
          + 'Each figure is the median of --repeat runs, each in a fresh process.\n');
        process.exit(0);
        // (exit does not return: nothing falls through)
      default:
        throw new Error(`unknown flag ${f} (see --help)`);
    }
  }
  return a;
}

const here = dirname(fileURLToPath(import.meta.url));

function runChild(job: WorkerJob): Promise<WorkerResult> {
  return new Promise((resolvePromise, reject) => {
    const profile = process.env.QCS_BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.QCS_BENCH_CPU_PROF}`] : [];
    const child = spawn(process.execPath, [...profile, process.argv[1]!, '--worker', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker ${job.mode} failed (exit ${code}):\n${err}`));
      try {
        resolvePromise(JSON.parse(out.trim().split('\n').pop()!) as WorkerResult);
      } catch {
        reject(new Error(`worker ${job.mode} printed no result:\n${out}\n${err}`));
      }
    });
  });
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`benchmark result is wrong: ${what}`);
}

function median<T>(runs: T[], key: (t: T) => number): T {
  const sorted = [...runs].sort((x, y) => key(x) - key(y));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

export interface Figure {
  wallMs: number;
  boundMs: number;
  wallRatio: number;
  calls: number;
  minCalls: number;
  callsRatio: number;
  peakRssMB?: number;
  detail: Record<string, unknown>;
}

function figure(wallMs: number, calls: number, bound: Bound, detail: Record<string, unknown>, peakRssMB?: number): Figure {
  return {
    wallMs,
    boundMs: bound.wallMs,
    wallRatio: bound.wallMs > 0 ? r2(wallMs / bound.wallMs) : 0,
    calls,
    minCalls: bound.calls,
    callsRatio: r2(calls / bound.calls),
    ...(peakRssMB !== undefined ? { peakRssMB } : {}),
    detail,
  };
}

export interface SizeResult {
  size: number;
  declarations: number;
  mix: Workload['mix'];
  live: Record<string, number>;
  changes: { create: number; update: number; delete: number; secretFlips: Record<string, number> };
  planUnchanged: Figure;
  planChanged: Figure;
  apply: Figure & { verifyCalls: number };
  validate: { wallMs: number; cpuMs: number; perObjectUs: number; peakRssMB: number };
  loadMs: number;
  baseRssMB: number;
}

async function benchSize(root: string, size: number, args: Args, cli: string): Promise<SizeResult> {
  const log = (s: string) => process.stderr.write(`[bench ${size}] ${s}\n`);
  log('writing declarations and seed');
  const w = buildWorkload(root, size);
  log(`starting the simulator (latency ${args.latency} ms, concurrency ${args.concurrency})`);
  const sim = await startSimProcess(cli, w.seedFile, args.latency, args.concurrency);
  try {
    const state = (await sim.admin('GET', 'state')) as SeedAccount;
    const live = liveOf(state, new Set(['SensorProfile', 'CentralizedPolicy', 'RuntimePolicy', 'Exception', 'SecretRule']));
    const job = (mode: WorkerJob['mode'], dir: string): WorkerJob => ({ mode, dir, url: sim.url, username: sim.username, password: sim.password, concurrency: args.concurrency });
    // every policy and profile of the seed is declared and its list item lacks details; the system ones are not declared
    const pBound = planBound(live, w.mix.centralizedPolicies + w.mix.runtimePolicies + w.mix.sensorProfiles, args.concurrency, args.latency);

    const unchangedRuns: WorkerResult[] = [];
    for (let i = 0; i < args.repeat; i++) {
      log(`plan, nothing changed (run ${i + 1}/${args.repeat})`);
      const r = await runChild(job('plan', w.baseDir));
      const s = r.plan!.summary;
      check(s.create + s.update + s.delete === 0, `the unchanged plan of ${size} objects is not empty: ${JSON.stringify(s)}`);
      check(s.unchanged === w.declarations, `the unchanged plan counts ${s.unchanged} unchanged objects, not ${w.declarations}`);
      check(r.plan!.calls.failed === 0 && r.plan!.retries === 0, 'calls failed or were retried during the plan');
      check(r.plan!.clientCalls === r.plan!.calls.total, `the client counted ${r.plan!.clientCalls} calls, the simulator ${r.plan!.calls.total}`);
      unchangedRuns.push(r);
    }

    const applyRuns: WorkerResult[] = [];
    for (let i = 0; i < args.repeat; i++) {
      if (i > 0) await sim.admin('POST', 'reset');
      log(`plan with 5% changed, then apply (run ${i + 1}/${args.repeat})`);
      const r = await runChild(job('apply', w.changedDir));
      const s = r.plan!.summary;
      check(s.create === w.expected.create && s.update === w.expected.update && s.delete === w.expected.delete, `the changed plan holds ${JSON.stringify(s)}, expected ${JSON.stringify(w.expected)}`);
      const a = r.apply!.summary;
      check(a.created === s.create && a.updated === s.update && a.deleted === s.delete && a.failed === 0 && a.skipped === 0, `apply results ${JSON.stringify(a)}`);
      check(r.apply!.verified && r.apply!.notConverged === 0, 'apply did not verify');
      check(r.replanChanges === 0, `a plan after the apply still shows ${r.replanChanges} changes`);
      check(r.apply!.calls.failed === 0 && r.apply!.retries === 0, 'calls failed or were retried during the apply');
      check(r.apply!.clientCalls === r.apply!.calls.total, `the client counted ${r.apply!.clientCalls} apply calls, the simulator ${r.apply!.calls.total}`);
      applyRuns.push(r);
    }

    const validateRuns: WorkerResult[] = [];
    for (let i = 0; i < args.repeat; i++) {
      log(`validate (run ${i + 1}/${args.repeat})`);
      const r = await runChild({ mode: 'validate', dir: w.baseDir });
      check(r.declarations === w.declarations && r.validate!.diagnostics === 0, `validate returned ${r.declarations} declarations and ${r.validate!.diagnostics} diagnostics`);
      validateRuns.push(r);
    }

    const pu = median(unchangedRuns, (r) => r.plan!.wallMs);
    const pc = median(applyRuns, (r) => r.plan!.wallMs);
    const ap = median(applyRuns, (r) => r.apply!.wallMs);
    const va = median(validateRuns, (r) => r.validate!.wallMs);
    const single = w.expected.create + w.expected.delete + w.expected.update - Object.values(w.secretFlips).reduce((x, y) => x + y, 0);
    const aBound = applyBound({ single, secretFlips: w.secretFlips, reads: w.updateReads }, args.concurrency, args.latency);
    const applyFig = figure(ap.apply!.wallMs, ap.apply!.calls.total, aBound, { calls: ap.apply!.calls, cpuMs: ap.apply!.cpuMs, summary: ap.apply!.summary });
    return {
      size,
      declarations: w.declarations,
      mix: w.mix,
      live,
      changes: { ...w.expected, secretFlips: w.secretFlips },
      planUnchanged: figure(pu.plan!.wallMs, pu.plan!.calls.total, pBound, { calls: pu.plan!.calls, cpuMs: pu.plan!.cpuMs, rounds: pBound.rounds, heapAfterPlanMB: pu.heapAfterPlanMB }, pu.peakRssMB),
      planChanged: figure(pc.plan!.wallMs, pc.plan!.calls.total, pBound, { calls: pc.plan!.calls, cpuMs: pc.plan!.cpuMs, summary: pc.plan!.summary, heapAfterPlanMB: pc.heapAfterPlanMB }, pc.peakRssMB),
      apply: { ...applyFig, verifyCalls: ap.apply!.calls.detail + ap.apply!.calls.list },
      validate: { wallMs: va.validate!.wallMs, cpuMs: va.validate!.cpuMs, perObjectUs: Math.round((va.validate!.wallMs * 1000) / w.declarations), peakRssMB: va.peakRssMB },
      loadMs: pu.loadMs,
      baseRssMB: pu.baseRssMB,
    };
  } finally {
    await sim.stop();
  }
}

/** Live objects by kind, as the simulator holds them (system objects included), of the kinds a plan reads: those
 * with declarations (`kindsInPlay` in src/engine/plan.ts; a kind without declarations is neither read nor pruned). */
function liveOf(state: SeedAccount, declared: ReadonlySet<string>): Record<string, number> {
  const all: Record<string, number> = {
    SensorProfile: state.sensorProfiles?.length ?? 0,
    CentralizedPolicy: state.centralizedPolicies?.length ?? 0,
    RuntimePolicy: state.runtimePolicies?.length ?? 0,
    Exception: state.exceptions?.length ?? 0,
    SecretRule: builtinSecretRules().length,
    ReportSchedule: (state.reportSchedules as unknown[] | undefined)?.length ?? 0,
  };
  return Object.fromEntries(Object.entries(all).filter(([k]) => declared.has(k)));
}

/** An issue-21 read workload: a plan's calls against 1 + pages + the detail reads truly needed. */
export interface ReadResult {
  workload: 'sparse' | 'qidless';
  label: string;
  declarations: number;
  live: Record<string, number>;
  /** Detail reads the plan needs (the minimum counts them). */
  neededDetails: number;
  plan: Figure;
  calls: CallCounts;
  /** The target of issue 21 and whether this run met it. */
  target: { what: string; met: boolean; limitMs?: number; maxCallsRatio?: number };
  /** Sparse only: the same plan with --prune (the undeclared objects deleted by id, never read in detail). */
  prunePlan?: { calls: CallCounts; deletes: number; wallMs: number };
}

/** Whether the simulator's exception list answers items without qids (the --list-omit option took effect). */
async function exceptionListLacksQids(sim: SimProcess): Promise<boolean> {
  const auth = await fetch(`${sim.url}/auth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: sim.username, password: sim.password, token: 'true' }) });
  const token = await auth.text();
  const res = await fetch(`${sim.url}/csapi/v1.3/exception?pageNumber=1&pageSize=5`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { data: Array<Record<string, unknown>> };
  return body.data.length > 0 && body.data.every((e) => !('qids' in e));
}

async function benchReads(root: string, kind: 'sparse' | 'qidless', n: number, args: Args, cli: string): Promise<ReadResult> {
  const label = kind === 'sparse' ? `${n.toLocaleString('en-US')} of each policy kind and exceptions, 10 each declared` : `${n.toLocaleString('en-US')} declared exceptions, list without qids`;
  const log = (s: string) => process.stderr.write(`[bench ${kind} ${n}] ${s}\n`);
  log('writing declarations and seed');
  const w: ReadWorkload = kind === 'sparse' ? buildSparseWorkload(root, n, 10) : buildQidlessWorkload(root, n);
  const extra = kind === 'qidless' ? ['--list-omit', 'Exception.qids'] : [];
  const sim = await startSimProcess(cli, w.seedFile, args.latency, args.concurrency, extra);
  try {
    if (kind === 'qidless') check(await exceptionListLacksQids(sim), 'the simulator\'s exception list still carries qids (--list-omit Exception.qids)');
    const live = liveOf((await sim.admin('GET', 'state')) as SeedAccount, new Set(Object.keys(w.seeded)));
    const bound = planBound(live, w.neededDetails, args.concurrency, args.latency);
    const job: WorkerJob = { mode: 'plan', dir: w.dir, url: sim.url, username: sim.username, password: sim.password, concurrency: args.concurrency, prune: false };
    const runs: WorkerResult[] = [];
    for (let i = 0; i < args.repeat; i++) {
      log(`plan (run ${i + 1}/${args.repeat})`);
      const r = await runChild(job);
      const s = r.plan!.summary;
      check(s.create + s.update + s.delete === 0 && s.unchanged === w.declarations, `the ${kind} plan is not ${w.declarations} unchanged objects: ${JSON.stringify(s)}`);
      check(r.plan!.calls.failed === 0 && r.plan!.retries === 0, 'calls failed or were retried during the plan');
      check(r.plan!.clientCalls === r.plan!.calls.total, `the client counted ${r.plan!.clientCalls} calls, the simulator ${r.plan!.calls.total}`);
      runs.push(r);
    }
    const m = median(runs, (r) => r.plan!.wallMs);
    const fig = figure(m.plan!.wallMs, m.plan!.calls.total, bound, { calls: m.plan!.calls, cpuMs: m.plan!.cpuMs, rounds: bound.rounds, loadMs: m.loadMs }, m.peakRssMB);
    const out: ReadResult = { workload: kind, label, declarations: w.declarations, live, neededDetails: w.neededDetails, plan: fig, calls: m.plan!.calls, target: { what: '', met: false } };
    if (kind === 'sparse') {
      out.target = { what: 'calls ≤ 1.1 × (1 + pages + 20 details)', maxCallsRatio: 1.1, met: fig.callsRatio <= 1.1 };
      log('plan with --prune');
      const p = await runChild({ ...job, prune: true });
      const undeclared = Object.values(w.seeded).reduce((a, b) => a + b, 0) - w.declarations;
      check(p.plan!.summary.delete === undeclared, `the pruning plan deletes ${p.plan!.summary.delete}, not the ${undeclared} undeclared objects`);
      out.prunePlan = { calls: p.plan!.calls, deletes: p.plan!.summary.delete, wallMs: p.plan!.wallMs };
    } else {
      const limitMs = Math.round(1.5 * bound.wallMs + 200);
      out.target = { what: 'no detail call; plan ≤ 1.5 × bound + 0.2 s', limitMs, met: m.plan!.calls.detail === 0 && fig.wallMs <= limitMs };
    }
    return out;
  } finally {
    await sim.stop();
  }
}

export interface StartupResult {
  /** `node -e 0`: the lower bound of any CLI run. */
  nodeMs: number;
  /** `qcs-gitops validate examples/policies`, median of the runs. */
  validateExamplesMs: number;
  /** The declarations in examples/policies (as validate counts them). */
  examplesDeclarations: number;
  validateExamplesRatio: number;
  /** `qcs-gitops validate` of one file of 10,000 declarations. */
  validate10k: { wallMs: number; bytes: number; ratio: number; targetMs: number };
  runs: number;
}

/** Median wall time of commands run in turn (interleaved, so a busy moment of the machine weighs on each alike). */
function medianWalls(cmds: string[][], runs: number): number[] {
  const times = cmds.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    cmds.forEach((c, j) => {
      const t = performance.now();
      const r = spawnSync(c[0]!, c.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      times[j]!.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`${c.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
    });
  }
  return times.map((t) => [...t].sort((a, b) => a - b)[Math.floor((t.length - 1) / 2)]!);
}

/** Start-up (validate of the examples against `node -e 0`) and validate of one 10,000-declaration file. */
function benchStartup(root: string, cli: string, runs: number): StartupResult {
  const log = (s: string) => process.stderr.write(`[bench startup] ${s}\n`);
  const examples = join(here, '..', 'examples', 'policies');
  const big = join(root, 'validate-10k.yaml');
  let text = '';
  for (let i = 0; i < 10_000; i++) {
    text += `---\napiVersion: qcs-gitops/v1\nkind: Exception\nmetadata:\n  name: exception-${i}\nspec:\n  scope: IMAGE\n  exceptionType: VULNERABILITY\n  reason: RISK_ACCEPTED\n  explanation: Legacy images are isolated; revisit at the end date (${i}).\n  startDate: 2026-01-01\n  endDate: 2026-06-30\n  entityAssignmentType: DYNAMIC\n  dynamicFilter: repo.repository:legacy/app-${i}/*\n  qids: [376157, ${100000 + i}]\n`;
  }
  writeFileSync(big, text);
  log(`node -e 0 vs validate examples/policies vs validate of 10,000 declarations (${(text.length / 1e6).toFixed(1)} MB), ${runs} runs each`);
  const [nodeMs, examplesMs, bigMs] = medianWalls(
    [
      [process.execPath, '-e', '0'],
      [process.execPath, cli, 'validate', examples],
      [process.execPath, cli, 'validate', big],
    ],
    runs,
  ).map(Math.round) as [number, number, number];
  const counted = /^Valid: (\d+) declarations/.exec(String(spawnSync(process.execPath, [cli, 'validate', examples]).stdout));
  return {
    nodeMs,
    validateExamplesMs: examplesMs,
    examplesDeclarations: counted ? Number(counted[1]) : 0,
    validateExamplesRatio: r2(examplesMs / nodeMs),
    validate10k: { wallMs: bigMs, bytes: text.length, ratio: r2(bigMs / nodeMs), targetMs: 2000 },
    runs,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--worker') {
    const result = await runWorker(JSON.parse(argv[1]!) as WorkerJob);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const args = parseArgs(argv);
  // The workloads' exceptions hold fixed dates (2026); "today" is pinned inside them, so the governance checks
  // (expired, expiring) neither fail nor warn whatever the date of the run. The children inherit it.
  process.env.QCS_GITOPS_NOW ??= '2026-03-01';
  const cli = join(here, '..', 'bin', 'qcs-gitops.js'); // launches build/cli.js
  const root = mkdtempSync(join(tmpdir(), 'qcs-bench-'));
  const started = Date.now();
  const results: SizeResult[] = [];
  const reads: ReadResult[] = [];
  let startup: StartupResult | undefined;
  try {
    startup = benchStartup(root, cli, Math.max(5, args.repeat));
    for (const size of args.sizes) results.push(await benchSize(root, size, args, cli));
    if (args.sparse > 0) reads.push(await benchReads(root, 'sparse', args.sparse, args, cli));
    for (const n of args.qidless) reads.push(await benchReads(root, 'qidless', n, args, cli));
  } finally {
    if (!args.keep) rmSync(root, { recursive: true, force: true });
    else process.stderr.write(`workloads kept in ${root}\n`);
  }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const doc = {
    date: new Date().toISOString(),
    machine,
    settings: { latencyMs: args.latency, concurrency: args.concurrency, clientMaxConcurrency: args.concurrency, applyParallelism: args.concurrency, repeat: args.repeat, pageSize: 250 },
    totalSeconds: Math.round((Date.now() - started) / 100) / 10,
    startup,
    results,
    reads,
  };
  const out = resolve(args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(renderTable(doc));
  process.stdout.write(`\nResults written to ${args.out} (${doc.totalSeconds} s).\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
