// One base error with a stable `code`; every error says what, where, and how to fix.
// Only the CLI and the Action turn errors into exit codes.

import { plain } from './output/untrusted.js';
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
  return `${plain(d.file)}:${d.line}:${d.column}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.path ? `${plain(d.path)}: ` : ''}${plain(d.message)}`;
}

/** Every error code, with its one-line meaning (docs/errors.md lists them; test/errors-catalogue.test.ts keeps
 * the two, and the codes used in src/, equal). Besides these, `E_API_<status>` is an API answer's error status. */
export const ERROR_CODES = {
  E_USAGE: 'bad command-line usage or configuration (a missing gateway, conflicting or unknown flags)',
  E_VALIDATION: 'the declarations (or the project file) are invalid; every problem is listed at file:line:column',
  E_AUTH: 'credentials are missing or were refused',
  E_TARGET: 'a --target is not of the form KIND/NAME, or names an unknown kind',
  E_TARGET_NOT_FOUND: 'a --target names no declared or live object (did you mean … names the closest)',
  E_GIT_REF: '--base names no commit of the git repository holding the declarations (in a shallow clone: fetch it, or fetch-depth: 0)',
  E_GIT_REPO: '--base was given, but the declaration paths are not inside one git repository',
  E_GIT: 'git could not read the base commit (git missing, failed, too slow or too much output)',
  E_AMBIGUOUS_NAME: 'a declaration matches more than one live object by name; nothing is guessed',
  E_MASS_DELETE: 'the plan deletes more objects than --max-deletes allows',
  E_PLAN_FILE: 'the saved plan file cannot be read or is not a qcs-gitops plan',
  E_STALE_PLAN: 'the saved plan no longer matches the declarations, the gateway or the live objects',
  E_EXPORT_UNSAFE: 'export --force would write through a symbolic link or over a file no export wrote; nothing was deleted or written',
  E_EXPORT_FILE: 'export could not read, create, delete or write a file in the --out folder',
  E_PLAN_TAMPERED: 'the saved plan was edited: its digest is not that of its changes, it deletes without prune, or it sends another spec than the declarations',
  E_PLAN_ENVIRONMENT: 'the saved plan was made for another environment (or with/without one)',
  E_DIGEST_MISMATCH: 'the plan is not the reviewed one (--expect-digest, or the Action\'s reviewed plan)',
  E_NO_REVIEWED_PLAN: 'the Action cannot find the plan reviewed on the merged pull request',
  E_CI_COMMENT: 'the CI system (GitLab) could not post or update the plan comment on the merge request',
  E_GITHUB_COMMENT: 'the Action could not post the plan on the pull request',
  E_UNSUPPORTED: 'the API cannot carry out this change for this kind (create, update or delete)',
  E_GONE: 'an object the plan changes no longer exists',
  E_PROTECTED: 'the change would touch a protected system object, which is never changed',
  E_UNKNOWN_KIND: 'a saved plan names a kind this version does not know',
  E_UNEXPECTED: 'a change failed with an error that is not one of qcs-gitops\'s own (a bug: please report it)',
  E_INTERNAL: 'an error that is not one of qcs-gitops\'s own: an environment\'s plan, or any command with --format json (a bug: please report it)',
  E_NETWORK: 'the gateway could not be reached, or the connection failed before anything was done',
  E_OUTCOME_UNKNOWN: 'a non-idempotent request failed in a way that it may have been carried out; nothing was repeated',
  E_RETRIES_EXHAUSTED: 'the API kept answering a retryable status (429, 5xx) until the retries or waiting time ran out',
  E_REDIRECT: 'the gateway answered a redirect, which is never followed (credentials are not sent elsewhere)',
  E_RESPONSE_TOO_LARGE: 'an API answer was larger than the allowed size and was refused',
  E_BAD_RESPONSE: 'an API answer was malformed (broken JSON, not a list where one was expected, endless pages)',
  E_SECRET_ENV: 'a secret of a declaration (`{ fromEnv: NAME }`) names an environment variable that is not set',
  E_CLOSED: 'the API client was used after it was closed (a bug: please report it)',
} as const;

/** A stable error code: one of ERROR_CODES, or `E_API_<status>` for an API error status. */
export type ErrorCode = keyof typeof ERROR_CODES | `E_API_${number}`;

export class QcsError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; hint?: string }) {
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
  constructor(init: { status: number; method: string; path: string; serverMessage?: string; code?: ErrorCode; hint?: string }) {
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
  constructor(init: { method: string; path: string; host: string; reason: string; outcomeUnknown: boolean; code?: ErrorCode; cause?: unknown }) {
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
  constructor(code: ErrorCode, message: string, details: string[] = [], hint?: string) {
    super(code, message, { hint });
    this.details = details;
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
