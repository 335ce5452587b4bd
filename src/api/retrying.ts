// One call with its retries: bounded concurrency (the Limiter), backoff with jitter inside a wait budget, the
// gateway's Retry-After and rate-limit budget headers obeyed, and a POST never repeated when it may have been done.
import { NetworkError } from '../errors.js';
import { redact } from '../redact.js';
import { gaveUpError, serverMessageOf, withHint } from './errors.js';
import { Limiter } from './limiter.js';
import { backoffMs, header, isRetryableStatus, provesNothingDone, serverWaitMs, type HeaderMap, type NetworkFailure } from './retry.js';
import type { ApiStats } from './types.js';
import { TransportFailure, type Exchange, type RawResponse } from './wire.js';

export interface RetryOptions {
  maxConcurrency: number;
  retries: number;
  maxRetryWaitMs: number;
  baseBackoffMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
}

const LOOK_BEFORE_APPLYING = 'Nothing was repeated. Run plan again to see whether the change was made before applying again.';

export class RetryingSender {
  private readonly limiter: Limiter;
  private pausedUntil = 0;

  constructor(
    private readonly o: RetryOptions,
    private readonly host: string,
    private readonly stats: Required<ApiStats>,
    private readonly send: (x: Exchange) => Promise<RawResponse>,
    private readonly debug: (line: string) => void,
  ) {
    this.limiter = new Limiter(o.maxConcurrency, o.sleep, o.now);
  }

  /** One call with its retries. Returns the final answer that is not retried; throws NetworkError when
   * the transport fails for good, ApiError when the retries run out. */
  async exchange(x: Exchange): Promise<{ res: RawResponse; maybeDoneBefore: boolean }> {
    const repeatable = x.alwaysRepeatable === true || x.method !== 'POST';
    const max = this.o.retries;
    let waited = 0;
    let maybeDoneBefore = false;
    for (let attempt = 1; ; attempt++) {
      let res: RawResponse;
      try {
        res = await this.limiter.run(() => this.send(x));
      } catch (e) {
        if (!(e instanceof TransportFailure)) throw e;
        const f = e.failure;
        const unknown = !repeatable && f.maybeSent;
        if (!f.retryable || unknown) throw this.networkError(x, f, attempt, unknown, e.cause);
        const wait = attempt < max ? this.nextWait(attempt, waited, undefined) : undefined;
        if (wait === undefined) throw this.networkError(x, f, attempt, false, e.cause);
        if (f.maybeSent) maybeDoneBefore = true;
        waited += await this.retryAfter(x, attempt, wait, f.code);
        continue;
      }
      this.observeBudget(res.headers);
      const s = res.status;
      if (!isRetryableStatus(s, res.headers)) return { res, maybeDoneBefore };
      if (!repeatable && !provesNothingDone(s, res.headers)) throw this.maybeDone(x, res);
      const told = serverWaitMs(res.headers, this.o.now());
      if (attempt >= max) throw gaveUpError({ status: s, method: x.method, path: x.shownPath, text: res.text, tries: attempt, waitedMs: waited });
      const wait = this.nextWait(attempt, waited, told);
      if (wait === undefined) {
        const why =
          told !== undefined && told > this.o.maxRetryWaitMs - waited
            ? `The gateway asked to wait ${Math.ceil(told / 1000)} s, more than the retry budget left (${Math.floor((this.o.maxRetryWaitMs - waited) / 1000)} s); wait and run again, or raise --max-retry-wait.`
            : undefined;
        throw gaveUpError({ status: s, method: x.method, path: x.shownPath, text: res.text, tries: attempt, waitedMs: waited, why });
      }
      if (told !== undefined) this.pauseForRateLimit(this.o.now() + wait);
      // a gateway timeout or bad gateway may hide a call the service carried out
      if (s === 502 || s === 504) maybeDoneBefore = true;
      waited += await this.retryAfter(x, attempt, wait, String(s));
    }
  }

  /** Logs and counts the retry, then waits; returns the time waited. */
  private async retryAfter(x: Exchange, attempt: number, wait: number, after: string): Promise<number> {
    this.debug(`  retrying ${x.method} ${x.shownTarget} in ${wait}ms (try ${attempt + 1} of ${this.o.retries}) after ${after}`);
    this.stats.retries++;
    await this.o.sleep(wait);
    return wait;
  }

  /** A POST answered 502/503/504: it may or may not have been carried out. */
  private maybeDone(x: Exchange, res: RawResponse): NetworkError {
    const m = serverMessageOf(res.text);
    const e = new NetworkError({
      method: x.method,
      path: x.shownPath,
      host: this.host,
      reason: `the gateway answered ${res.status}${m ? ` (${m})` : ''}`,
      outcomeUnknown: true,
    });
    return withHint(e, LOOK_BEFORE_APPLYING);
  }

  /** The next wait in ms, or undefined when the budget does not allow another try. */
  private nextWait(attempt: number, waited: number, told: number | undefined): number | undefined {
    const left = this.o.maxRetryWaitMs - waited;
    if (told !== undefined) return told <= left ? told : undefined;
    if (left <= 0) return undefined;
    return backoffMs(attempt, this.o.baseBackoffMs, left, this.o.random);
  }

  /** Slows down to one call at a time when the gateway says the budget is low (fewer calls left than
   * the concurrency), and pauses new calls when it is spent, for the wait it names or its window. */
  private observeBudget(headers: HeaderMap): void {
    const raw = header(headers, 'x-ratelimit-remaining');
    if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return;
    const remaining = Number(raw);
    this.limiter.setSlow(remaining < this.o.maxConcurrency);
    if (remaining > 0) return;
    const now = this.o.now();
    const windowSec = Number(header(headers, 'x-ratelimit-window-sec'));
    const wait = serverWaitMs(headers, now) ?? (Number.isFinite(windowSec) && windowSec > 0 ? windowSec * 1000 : 1000);
    const bounded = Math.min(wait, this.o.maxRetryWaitMs);
    if (bounded > 0) {
      this.debug(`  rate-limit budget low (remaining ${remaining}): pausing new calls for ${bounded}ms`);
      this.pauseForRateLimit(now + bounded);
    }
  }

  /** Pauses new calls until `until` (epoch ms); the time paused counts once however many calls asked for it. */
  private pauseForRateLimit(until: number): void {
    const from = Math.max(this.o.now(), this.pausedUntil);
    if (until > from) this.stats.rateLimitWaitMs += until - from;
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.limiter.pause(until);
  }

  private networkError(x: Exchange, f: NetworkFailure, tries: number, unknown: boolean, cause: unknown): NetworkError {
    const triesText = tries > 1 ? `; gave up after ${tries} tries` : '';
    const e = new NetworkError({
      method: x.method,
      path: x.shownPath,
      host: this.host,
      reason: `${redact(f.reason)} (${f.code})${triesText}`,
      outcomeUnknown: unknown,
      cause,
    });
    const hint = unknown
      ? LOOK_BEFORE_APPLYING
      : /TLS/.test(f.reason)
        ? `The certificate of ${this.host} could not be verified. Set NODE_EXTRA_CA_CERTS to your CA bundle, or (not recommended) pass --insecure.`
        : `Check that ${this.host} is the right gateway (--gateway-url / QUALYS_GATEWAY_URL / --platform) and that it can be reached from here.`;
    return withHint(e, hint);
  }
}
