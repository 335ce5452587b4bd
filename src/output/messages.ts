// How errors, diagnostics and the call counts reach the terminal. Messages never include credentials: the client
// never puts them in errors, and `redact` scrubs anything that looks like a bearer token or a known secret.
import { QcsError, ValidationError, ApiError, PlanError, formatDiagnostic } from '../errors.js';
import { redact } from '../redact.js';
import type { ApiStats } from '../api/types.js';
import { apiCallsOf } from '../api/stats.js';
import { plain, plainLines } from './untrusted.js';

/** `--debug`'s closing lines: calls by kind and by endpoint. */
export function formatCallStats(stats: ApiStats): string {
  const { total, retries, byEndpoint, byKind } = apiCallsOf(stats);
  const waited = stats.rateLimitWaitMs ?? 0;
  const lines = [`API calls: ${total} (${retries} retr${retries === 1 ? 'y' : 'ies'}${waited ? `, ${(waited / 1000).toFixed(1)} s waited on rate limits` : ''})`];
  lines.push('  by kind:');
  for (const [k, n] of Object.entries(byKind).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) lines.push(`    ${String(n).padStart(6)}  ${k}`);
  lines.push('  by endpoint:');
  for (const [k, n] of Object.entries(byEndpoint).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) lines.push(`    ${String(n).padStart(6)}  ${k}`);
  return lines.join('\n') + '\n';
}

export function reportError(e: unknown, opts: { debug?: boolean } = {}, write: (s: string) => void = (s) => process.stderr.write(s)): void {
  const out: string[] = [];
  if (e instanceof ValidationError) {
    for (const d of e.diagnostics) out.push(formatDiagnostic(d));
    out.push(`Error: ${plain(e.message)}.`);
  } else if (e instanceof QcsError) {
    out.push(`Error [${e.code}]: ${plain(e.message)}`);
    if (e instanceof PlanError) for (const d of e.details) out.push(`  - ${plain(d)}`);
    if (e instanceof ApiError && e.status === 403) out.push('  The account lacks a permission for this call; ask your Qualys administrator to grant it.');
    if (e.hint) out.push(`  ${plainLines(e.hint)}`);
  } else if (e instanceof Error) {
    out.push(`Error: ${plain(e.message)}`);
    if (opts.debug && e.stack) out.push(plainLines(e.stack));
  } else {
    out.push(`Error: ${plain(String(e))}`);
  }
  write(plainLines(redact(out.join('\n'))) + '\n');
}

/** A failure as the one json document of a command run with `--format json` (stdout): `error.code`, `error.message`
 * and `error.hint` (null when there is none), plus the details a PlanError names and the diagnostics of a
 * ValidationError. An error that is not one of qcs-gitops's own is `E_INTERNAL`. */
export function errorJson(e: unknown, usage?: string): string {
  const error: Record<string, unknown> =
    usage !== undefined
      ? { code: 'E_USAGE', message: usage, hint: 'Run with --help for usage.' }
      : e instanceof QcsError
        ? { code: e.code, message: e.message, hint: e.hint ?? (e instanceof ApiError && e.status === 403 ? 'The account lacks a permission for this call; ask your Qualys administrator to grant it.' : null) }
        : { code: 'E_INTERNAL', message: e instanceof Error ? e.message : String(e), hint: 'This is a bug in qcs-gitops: please report it with the command that failed.' };
  if (e instanceof PlanError && e.details.length) error.details = e.details;
  if (e instanceof ValidationError) error.diagnostics = e.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, path: d.path, message: d.message, ...(d.severity ? { severity: d.severity } : {}) }));
  return redact(JSON.stringify({ formatVersion: 1, error }, null, 2)) + '\n';
}
