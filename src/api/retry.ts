// What may be retried, and how long to wait: pure functions over statuses, headers and errors.

export type HeaderMap = Record<string, string | string[] | undefined>;

export function header(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function hasRateLimitHeaders(headers: HeaderMap): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase().startsWith('x-ratelimit-'));
}

/** A status worth another try: 429, 502, 503, 504, and 409 only when it is the older rate-limit answer. */
export function isRetryableStatus(status: number, headers: HeaderMap): boolean {
  if (status === 429 || status === 502 || status === 503 || status === 504) return true;
  return status === 409 && hasRateLimitHeaders(headers);
}

/** A status proving the request was not carried out (rate limited), so even a POST may be repeated. */
export function provesNothingDone(status: number, headers: HeaderMap): boolean {
  return status === 429 || (status === 409 && hasRateLimitHeaders(headers));
}

function seconds(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return undefined;
  return Math.round(Number(t) * 1000);
}

/** The wait the server asks for, in ms: the larger of `Retry-After` (seconds or HTTP date) and
 * `X-RateLimit-ToWait-Sec`; undefined when it says nothing. */
export function serverWaitMs(headers: HeaderMap, now: number): number | undefined {
  const waits: number[] = [];
  const ra = header(headers, 'retry-after');
  if (ra !== undefined) {
    const s = seconds(ra);
    if (s !== undefined) waits.push(s);
    else {
      const at = Date.parse(ra);
      if (!Number.isNaN(at)) waits.push(Math.max(0, at - now));
    }
  }
  const tw = seconds(header(headers, 'x-ratelimit-towait-sec'));
  if (tw !== undefined) waits.push(tw);
  return waits.length ? Math.max(...waits) : undefined;
}

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base·2^(attempt-1))]. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

export interface NetworkFailure {
  /** Stable short code (ECONNRESET, ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, ...). */
  code: string;
  /** Plain words for messages. */
  reason: string;
  /** The request may have reached the server (so a non-idempotent call has an unknown outcome). */
  maybeSent: boolean;
  /** Worth another try. */
  retryable: boolean;
}

const NOT_SENT_RETRYABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EAI_AGAIN: 'temporary DNS failure',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};
const NOT_SENT_FINAL: Record<string, string> = {
  ENOTFOUND: 'host not found (DNS)',
  UND_ERR_MOCK_NOT_MATCHED: 'no mock matched the request',
  UND_ERR_INVALID_ARG: 'invalid request',
  UND_ERR_CLOSED: 'the client was closed',
  UND_ERR_DESTROYED: 'the client was closed',
};
const MAYBE_SENT_RETRYABLE: Record<string, string> = {
  ECONNRESET: 'connection reset',
  EPIPE: 'connection broken',
  ECONNABORTED: 'connection aborted',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the answer',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the answer',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'connection broken',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'answer cut short',
  ETIMEDOUT: 'timed out',
  E_TIMEOUT: 'timed out',
};

const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

function codesOf(e: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') out.push(c);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

/** Classifies a failure of the transport (never an HTTP status). */
export function classifyNetworkError(e: unknown): NetworkFailure {
  const codes = codesOf(e);
  // the innermost cause is the most precise: ECONNRESET inside UND_ERR_SOCKET, for instance
  for (const code of [...codes].reverse()) {
    if (code in NOT_SENT_RETRYABLE) return { code, reason: NOT_SENT_RETRYABLE[code]!, maybeSent: false, retryable: true };
    if (code in NOT_SENT_FINAL) return { code, reason: NOT_SENT_FINAL[code]!, maybeSent: false, retryable: false };
    if (TLS.test(code)) return { code, reason: `TLS certificate check failed (${code})`, maybeSent: false, retryable: false };
    if (code in MAYBE_SENT_RETRYABLE) return { code, reason: MAYBE_SENT_RETRYABLE[code]!, maybeSent: true, retryable: true };
  }
  const code = codes[0] ?? 'E_UNKNOWN';
  const msg = e instanceof Error ? e.message : String(e);
  return { code, reason: msg || 'unknown failure', maybeSent: true, retryable: false };
}
