// One measurement, run in a fresh child process (`node build/bench.js --worker '<json>'`) so that its peak RSS
// (process.resourceUsage().maxRSS) is its own and the simulator (another process) does not share its CPU.
// It drives the engine through the functions the CLI uses: loadDeclarations → makePlan → applyPlan.
import { performance } from 'node:perf_hooks';
import { createClient } from '../src/api/client.js';
import { resolveTarget } from '../src/api/config.js';
import type { ApiClient } from '../src/api/types.js';
import { loadAndValidate, loadDeclarations } from '../src/declarations/validate.js';
import { applyPlan } from '../src/engine/apply.js';
import { makePlan, type PlanOptions } from '../src/engine/plan.js';
import { KINDS } from '../src/kinds/index.js';
import { classify, type CallCounts } from './calls.js';
import type { RecordedRequest } from '../src/simulator/types.js';

export interface WorkerJob {
  mode: 'plan' | 'apply' | 'validate';
  dir: string;
  url?: string;
  username?: string;
  password?: string;
  concurrency?: number;
  /** Plan with --prune (default true; the size workloads prune). */
  prune?: boolean;
}

export interface PhaseResult {
  wallMs: number;
  cpuMs: number;
  /** Calls the simulator received during the phase, by category. */
  calls: CallCounts;
  /** Calls the client counted (api.stats), retries included. */
  clientCalls: number;
  retries: number;
}

export interface WorkerResult {
  mode: WorkerJob['mode'];
  declarations: number;
  loadMs: number;
  baseRssMB: number;
  /** maxRSS after loading the declarations, and after the plan. */
  rssAfterLoadMB: number;
  peakRssMB: number;
  heapAfterPlanMB?: number;
  plan?: PhaseResult & { summary: { create: number; update: number; delete: number; unchanged: number; unmanaged: number } };
  apply?: PhaseResult & { summary: { created: number; updated: number; deleted: number; failed: number; skipped: number }; verified: boolean; notConverged: number };
  /** Changes a fresh plan still shows after the apply (must be 0). */
  replanChanges?: number;
  validate?: { wallMs: number; cpuMs: number; diagnostics: number };
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const maxRssMB = () => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

async function admin(url: string, method: string, path: string): Promise<unknown> {
  const res = await fetch(`${url}/__sim/${path}`, { method });
  if (!res.ok) throw new Error(`simulator admin ${method} ${path} answered ${res.status}`);
  return res.json();
}

async function measured<T>(url: string, api: ApiClient, fn: () => Promise<T>): Promise<{ value: T; phase: PhaseResult }> {
  await admin(url, 'DELETE', 'requests');
  const calls0 = api.stats.calls;
  const retries0 = api.stats.retries;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const reqs = (await admin(url, 'GET', 'requests')) as RecordedRequest[];
  return {
    value,
    phase: {
      wallMs: Math.round(wallMs),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      calls: classify(reqs),
      clientCalls: api.stats.calls - calls0,
      retries: api.stats.retries - retries0,
    },
  };
}

export async function runWorker(job: WorkerJob): Promise<WorkerResult> {
  const baseRssMB = mb(process.memoryUsage().rss);
  if (job.mode === 'validate') {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await loadAndValidate([job.dir]);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return {
      mode: 'validate',
      declarations: r.declarations.length,
      loadMs: 0,
      baseRssMB,
      rssAfterLoadMB: maxRssMB(),
      peakRssMB: maxRssMB(),
      validate: { wallMs: Math.round(wallMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000), diagnostics: r.diagnostics.length },
    };
  }

  const t0 = performance.now();
  const declarations = await loadDeclarations([job.dir]);
  const loadMs = Math.round(performance.now() - t0);
  const rssAfterLoadMB = maxRssMB();
  const url = job.url!;
  const target = resolveTarget({ gatewayUrl: url, username: job.username, password: job.password }, {});
  const api = createClient(target, { maxConcurrency: job.concurrency });
  const options: PlanOptions = job.prune === false ? {} : { prune: true, allowMassDelete: true };
  try {
    const p = await measured(url, api, () => makePlan(api, KINDS, declarations, options));
    const peakRssMB = maxRssMB();
    const heapAfterPlanMB = mb(process.memoryUsage().heapUsed);
    const { plan, live } = p.value;
    const out: WorkerResult = {
      mode: job.mode,
      declarations: declarations.length,
      loadMs,
      baseRssMB,
      rssAfterLoadMB,
      peakRssMB,
      heapAfterPlanMB,
      plan: { ...p.phase, summary: plan.summary },
    };
    if (job.mode === 'apply') {
      const a = await measured(url, api, () => applyPlan(api, KINDS, plan, { live, parallelism: job.concurrency }));
      out.apply = { ...a.phase, summary: a.value.summary, verified: a.value.verified, notConverged: a.value.notConverged.length };
      const again = await makePlan(api, KINDS, declarations, options);
      out.replanChanges = again.plan.changes.length;
    }
    return out;
  } finally {
    await api.close();
  }
}
