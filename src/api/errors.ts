// Building the typed errors of src/errors.ts from HTTP answers: the server's own message, never headers.
import { ApiError, NetworkError, QcsError } from '../errors.js';
import { redact, redactAndCut } from '../redact.js';

export const MAX_SERVER_MESSAGE = 500;

/** True when a call may or may not have been carried out: the caller must look before trying again. */
export function isOutcomeUnknown(e: unknown): boolean {
  return e instanceof NetworkError ? e.outcomeUnknown : e instanceof QcsError && e.code === 'E_OUTCOME_UNKNOWN';
}

/** Sets the hint of an error made by a constructor that does not take one. */
export function withHint<E extends QcsError>(e: E, hint: string | undefined): E {
  if (hint) (e as { hint?: string }).hint = hint;
  return e;
}

function truncate(s: string, max = MAX_SERVER_MESSAGE): string {
  // kept as the server wrote it, except control characters (one line, no terminal escapes); redacted before it
  // is cut: a secret across the cut is replaced whole
  // eslint-disable-next-line no-control-regex
  return redactAndCut(s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim(), max);
}

/** The server's message from an error body: `message`, `errorMessage`, `error` (or `error.message`),
 * else a short plain-text body; HTML pages give their <title> at most. Redacted and truncated. */
export function serverMessageOf(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const body = JSON.parse(t) as unknown;
      const obj = (Array.isArray(body) ? body[0] : body) as Record<string, unknown> | undefined;
      if (obj && typeof obj === 'object') {
        for (const key of ['message', 'errorMessage', 'error_description', 'error', 'detail', 'title']) {
          const v = obj[key];
          if (typeof v === 'string' && v.trim()) return redact(truncate(v));
          if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') {
            return redact(truncate((v as { message: string }).message));
          }
        }
        if (typeof obj.errorCode === 'string') return redact(truncate(obj.errorCode));
      }
      return undefined;
    } catch {
      // not JSON after all: fall through to text
    }
  }
  if (t.startsWith('<')) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(t)?.[1];
    return title ? redact(truncate(title, 200)) : undefined;
  }
  return redact(truncate(t, 300));
}

const PERMISSION = /\bCS(?:\.[A-Z][A-Z0-9_]*)+\b/;

function hintFor(status: number, message: string | undefined): string | undefined {
  if (status === 403) {
    const perm = message ? PERMISSION.exec(message)?.[0] : undefined;
    return perm ? `Ask your Qualys administrator to grant the ${perm} permission to this account.` : undefined;
  }
  if (status === 429) return 'The gateway rate limit was reached; wait and run again, or lower --max-concurrency.';
  if (status >= 500) return 'The gateway reported a server-side problem; try again later.';
  return undefined;
}

export function apiErrorFrom(status: number, method: string, path: string, text: string): ApiError {
  const serverMessage = serverMessageOf(text);
  return new ApiError({ status, method, path, serverMessage, hint: hintFor(status, serverMessage) });
}

/** The retries ran out: an ApiError for the last status, saying how many tries and how long. */
export function gaveUpError(init: { status: number; method: string; path: string; text: string; tries: number; waitedMs: number; why?: string }): ApiError {
  const serverMessage = serverMessageOf(init.text);
  const e = new ApiError({
    status: init.status,
    method: init.method,
    path: init.path,
    serverMessage,
    code: 'E_RETRIES_EXHAUSTED',
    hint: init.why ?? 'Try again later, or raise --retries / --max-retry-wait.',
  });
  const secs = (init.waitedMs / 1000).toFixed(1);
  e.message = `${init.method} ${init.path} answered ${init.status}; gave up after ${init.tries} ${init.tries === 1 ? 'try' : 'tries'} (${secs} s of waiting)${serverMessage ? `: ${serverMessage}` : ''}`;
  return e;
}

export function redirectError(status: number, method: string, path: string, location: string | undefined, gatewayHost: string): ApiError {
  let where = 'an unstated location';
  if (location) {
    try {
      const u = new URL(location, 'http://placeholder.invalid');
      where = u.host === 'placeholder.invalid' ? `${gatewayHost} (${u.pathname})` : u.host;
    } catch {
      where = 'an unreadable location';
    }
  }
  return new ApiError({
    status,
    method,
    path,
    serverMessage: `redirected to ${where}`,
    code: 'E_REDIRECT',
    hint: 'Redirects are not followed (credentials are never sent elsewhere). Check --gateway-url / QUALYS_GATEWAY_URL: use the gateway address itself.',
  });
}
