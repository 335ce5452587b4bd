// How errors and diagnostics reach the terminal. Messages never include credentials: the client
// never puts them in errors, and `redact` scrubs anything that looks like a bearer token or a known secret.
import { QcsError, ValidationError, ApiError, PlanError, type Diagnostic } from '../errors.js';
import { redact } from '../redact.js';

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.path ? `${d.path}: ` : ''}${d.message}`;
}

export function reportError(e: unknown, opts: { debug?: boolean } = {}, write: (s: string) => void = (s) => process.stderr.write(s)): void {
  const out: string[] = [];
  if (e instanceof ValidationError) {
    for (const d of e.diagnostics) out.push(formatDiagnostic(d));
    out.push(`Error: ${e.message}.`);
  } else if (e instanceof QcsError) {
    out.push(`Error [${e.code}]: ${e.message}`);
    if (e instanceof PlanError) for (const d of e.details) out.push(`  - ${d}`);
    if (e instanceof ApiError && e.status === 403) out.push('  The account lacks a permission for this call; ask your Qualys administrator to grant it.');
    if (e.hint) out.push(`  ${e.hint}`);
  } else if (e instanceof Error) {
    out.push(`Error: ${e.message}`);
    if (opts.debug && e.stack) out.push(e.stack);
  } else {
    out.push(`Error: ${String(e)}`);
  }
  write(redact(out.join('\n')) + '\n');
}
