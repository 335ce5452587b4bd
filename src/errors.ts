// One base error with a stable `code`; every error says what, where, and how to fix.
// Only the CLI and the Action turn errors into exit codes.

export interface SourcePos {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
}

/** One problem found in the declarations: where, which field, what is wrong and what would be valid. */
export interface Diagnostic extends SourcePos {
  /** JSON pointer-ish path of the field inside the document, e.g. `spec.rules[2].ipAddress`; '' for the document. */
  path: string;
  message: string;
  severity?: 'error' | 'warning';
}

/** `file:line:column: [warning: ]path: message`, as the terminal and the Action print a diagnostic. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.path ? `${d.path}: ` : ''}${d.message}`;
}

export class QcsError extends Error {
  readonly code: string;
  readonly hint?: string;
  constructor(code: string, message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Bad command-line usage or configuration (missing gateway, conflicting flags, ...). */
export class UsageError extends QcsError {
  constructor(message: string, hint?: string) {
    super('E_USAGE', message, { hint });
  }
}

/** The declarations are invalid. Holds every diagnostic, not just the first. */
export class ValidationError extends QcsError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[], where = 'the declarations') {
    super('E_VALIDATION', `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} found in ${where}`);
    this.diagnostics = diagnostics;
  }
}

/** The API answered with an error status. Never holds request headers or credentials. */
export class ApiError extends QcsError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly serverMessage?: string;
  constructor(init: { status: number; method: string; path: string; serverMessage?: string; code?: string; hint?: string }) {
    const msg = `${init.method} ${init.path} answered ${init.status}${init.serverMessage ? `: ${init.serverMessage}` : ''}`;
    super(init.code ?? `E_API_${init.status}`, msg, { hint: init.hint });
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.serverMessage = init.serverMessage;
  }
}

/** The gateway could not be reached, or the connection failed. `outcomeUnknown` is true when a
 * non-idempotent request may have been carried out (the caller must look before trying again). */
export class NetworkError extends QcsError {
  readonly method: string;
  readonly path: string;
  readonly host: string;
  readonly outcomeUnknown: boolean;
  constructor(init: { method: string; path: string; host: string; reason: string; outcomeUnknown: boolean; code?: string; cause?: unknown }) {
    super(
      init.code ?? (init.outcomeUnknown ? 'E_OUTCOME_UNKNOWN' : 'E_NETWORK'),
      `${init.method} ${init.path} to ${init.host} failed: ${init.reason}${init.outcomeUnknown ? ' (the request may have been carried out)' : ''}`,
      { cause: init.cause },
    );
    this.method = init.method;
    this.path = init.path;
    this.host = init.host;
    this.outcomeUnknown = init.outcomeUnknown;
  }
}

/** Credentials are missing or were refused. */
export class AuthError extends QcsError {
  constructor(message: string, hint?: string) {
    super('E_AUTH', message, { hint });
  }
}

/** The plan cannot be made or carried out (ambiguous live names, stale saved plan, too many deletes, ...). */
export class PlanError extends QcsError {
  readonly details: string[];
  constructor(code: string, message: string, details: string[] = [], hint?: string) {
    super(code, message, { hint });
    this.details = details;
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
