// The short stdout table (markdown, so the README can quote it as is).
import type { Figure, ReadResult, SizeResult, StartupResult } from './bench.js';

interface Doc {
  machine: { cpu: string; cores: number; memoryGB: number; node: string };
  settings: { latencyMs: number; concurrency: number };
  results: SizeResult[];
  startup?: StartupResult;
  reads?: ReadResult[];
}

const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
const x = (n: number) => `${n.toFixed(2)}×`;

function row(size: number, what: string, f: Figure): string {
  const mem = f.peakRssMB !== undefined ? `${f.peakRssMB} MB` : '—';
  return `| ${size.toLocaleString('en-US')} | ${what} | ${ms(f.wallMs)} | ${ms(f.boundMs)} | ${x(f.wallRatio)} | ${f.calls} | ${f.minCalls} | ${x(f.callsRatio)} | ${mem} |`;
}

export function renderTable(doc: Doc): string {
  const lines = [
    `qcs-gitops benchmark — simulator latency ${doc.settings.latencyMs} ms/call, ${doc.settings.concurrency} calls in flight (client and simulator)`,
    `machine: ${doc.machine.cpu}, ${doc.machine.cores} cores, ${doc.machine.memoryGB} GB, node ${doc.machine.node}`,
    '',
    '| objects | measure | wall | lower bound | × | calls | min calls | × | peak RSS |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of doc.results) {
    lines.push(row(r.size, 'plan, nothing changed', r.planUnchanged));
    lines.push(row(r.size, 'plan, 5% changed', r.planChanged));
    lines.push(`${row(r.size, `apply 5% (${r.changes.create}+/${r.changes.update}~/${r.changes.delete}−)`, r.apply)}`);
    lines.push(`| ${r.size.toLocaleString('en-US')} | validate ${r.declarations.toLocaleString('en-US')} declarations (CPU ${ms(r.validate.cpuMs)}) | ${ms(r.validate.wallMs)} | — | ${r.validate.perObjectUs} µs/object | — | — | — | ${r.validate.peakRssMB} MB |`);
  }
  lines.push('');
  if (doc.reads?.length) {
    lines.push('| read workload (issue 21) | wall | lower bound | × | calls | min calls (1 + pages + details) | × | detail reads (needed) | target |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const r of doc.reads) {
      const t = r.target.limitMs !== undefined ? `${r.target.met ? 'met' : 'MISSED'}: no detail call, wall ≤ ${ms(r.target.limitMs)}` : `${r.target.met ? 'met' : 'MISSED'}: calls ≤ ${r.target.maxCallsRatio}× min`;
      lines.push(`| ${r.label} | ${ms(r.plan.wallMs)} | ${ms(r.plan.boundMs)} | ${x(r.plan.wallRatio)} | ${r.plan.calls} | ${r.plan.minCalls} | ${x(r.plan.callsRatio)} | ${r.calls.detail} (${r.neededDetails}) | ${t} |`);
      if (r.prunePlan) lines.push(`| the same, with --prune (${r.prunePlan.deletes.toLocaleString('en-US')} deletes planned) | ${ms(r.prunePlan.wallMs)} | ${ms(r.plan.boundMs)} | ${x(r.prunePlan.wallMs / r.plan.boundMs)} | ${r.prunePlan.calls.total} | ${r.plan.minCalls} | ${x(r.prunePlan.calls.total / r.plan.minCalls)} | ${r.prunePlan.calls.detail} (${r.neededDetails}) | — |`);
    }
    lines.push('');
  }
  const s = doc.startup;
  if (s) {
    lines.push(`| measure (median of ${s.runs}) | wall | lower bound (node -e 0) | × | target |`);
    lines.push('| --- | ---: | ---: | ---: | --- |');
    lines.push(`| start-up: validate examples/policies (${s.examplesDeclarations} declarations) | ${ms(s.validateExamplesMs)} | ${ms(s.nodeMs)} | ${x(s.validateExamplesRatio)} | ≤ 3× |`);
    lines.push(`| validate 10,000 declarations in one file (${(s.validate10k.bytes / 1e6).toFixed(1)} MB) | ${ms(s.validate10k.wallMs)} | ${ms(s.nodeMs)} | ${x(s.validate10k.ratio)} | < ${ms(s.validate10k.targetMs)} |`);
    lines.push('');
  }
  const rs = doc.results;
  if (rs.length === 0) return lines.join('\n') + '\n';
  lines.push(
    'Peak RSS of the plan process (node + bundle ' + (rs[0] ? `≈ ${rs[0].baseRssMB} MB at start` : '') + '): ' +
      rs.map((r) => `${r.planUnchanged.peakRssMB} MB at ${r.size.toLocaleString('en-US')}`).join(', ') +
      (rs.length >= 2
        ? `; ≈ ${Math.round(((rs[rs.length - 1]!.planUnchanged.peakRssMB! - rs[rs.length - 2]!.planUnchanged.peakRssMB!) * 1024) / (rs[rs.length - 1]!.size - rs[rs.length - 2]!.size))} KB more per object from ${rs[rs.length - 2]!.size.toLocaleString('en-US')} to ${rs[rs.length - 1]!.size.toLocaleString('en-US')}.`
        : '.'),
  );
  lines.push('Apply calls include the detail reads: each update built on details the plan did not read, and the verification re-reads (' + doc.results.map((r) => `${r.apply.verifyCalls} at ${r.size.toLocaleString('en-US')}`).join(', ') + '); the minimum counts the changes and the updates\' detail reads.');
  return lines.join('\n') + '\n';
}
