// The doctor's report as text (one line a check, then the assumptions, then the verdict) or json (stable keys, for
// support tickets). Values the gateway answered (messages, paths) go through the same seam as every other output.
import type { AssumptionResult, CheckStatus, DoctorReport } from '../doctor/doctor.js';

const MARK: Record<CheckStatus, string> = { ok: 'ok', warning: 'warning', failed: 'FAILED', 'not checked': 'not checked' };
const SECTIONS = ['configuration', 'auth', 'kinds', 'rate limits', 'writes'] as const;
const TITLES: Record<(typeof SECTIONS)[number], string> = {
  configuration: 'Configuration',
  auth: 'Authentication',
  kinds: 'Kinds (list, page size, details)',
  'rate limits': 'Rate limits',
  writes: 'Writes',
};

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function renderDoctorText(r: DoctorReport, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [`qcs-gitops doctor: ${r.gateway} (read-only: POST /auth and GET calls only)`, ''];
  const width = Math.max(...r.checks.map((c) => c.name.length));
  for (const s of SECTIONS) {
    const rows = r.checks.filter((c) => c.section === s);
    if (rows.length === 0) continue;
    out.push(TITLES[s]);
    for (const c of rows) {
      out.push(`  ${pad(MARK[c.status], 11)} ${pad(c.name, width)}  ${c.detail}`);
      if (c.hint && c.status !== 'ok') out.push(`  ${' '.repeat(11)} ${' '.repeat(width)}  → ${c.hint}`);
    }
    out.push('');
  }
  const probed = r.assumptions.filter((a) => a.probed);
  const count = (v: AssumptionResult['verdict']) => r.assumptions.filter((a) => a.verdict === v).length;
  out.push(`Assumptions (docs/api-assumptions.md): ${count('confirmed')} confirmed, ${count('contradicted')} contradicted, ${count('not checked')} not checked`);
  const idWidth = Math.max(...r.assumptions.map((a) => a.id.length));
  for (const a of opts.verbose ? r.assumptions : probed) {
    const what = a.verdict === 'not checked' ? `(${a.why})` : a.seen ?? '';
    out.push(`  ${pad(a.verdict, 12)} ${pad(a.id, idWidth)}  ${what}`);
  }
  if (!opts.verbose) {
    const rest = r.assumptions.length - probed.length;
    if (rest > 0) out.push(`  … and ${rest} that no read-only call can check (writes, client decisions, declaration rules): --verbose lists them`);
  }
  out.push('');
  const failed = r.checks.filter((c) => c.status === 'failed').length;
  const warnings = r.checks.filter((c) => c.status === 'warning').length;
  out.push(
    r.ok
      ? `Verdict: OK — everything a plan needs works${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'} above)` : ''}.`
      : `Verdict: FAILED — ${failed} check${failed === 1 ? '' : 's'} failed; a plan would fail (see → above).`,
  );
  out.push(`Calls: ${r.calls.total} (${Object.entries(r.calls.byEndpoint).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  return out.join('\n') + '\n';
}

export function renderDoctorJson(r: DoctorReport): string {
  return JSON.stringify({ ok: r.ok, gateway: r.gateway, checks: r.checks, assumptions: r.assumptions, calls: r.calls }, null, 2) + '\n';
}
