// Per-gateway concurrency: at most `max` calls in flight, one at a time while the gateway says the
// budget is low, and none at all while it says to pause.

export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private pausedUntil = 0;
  private pauseGen = 0;
  private slow = false;

  constructor(
    private readonly max: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly now: () => number,
  ) {}

  private get limit(): number {
    return this.slow ? 1 : this.max;
  }

  /** Runs `fn` once a slot is free and any pause has passed. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    // Each pause is slept once per caller (a new, later pause is slept again); the clock is not
    // polled in a loop, so an injected sleep that returns at once cannot spin.
    let seen = -1;
    for (;;) {
      if (seen !== this.pauseGen) {
        seen = this.pauseGen;
        const wait = this.pausedUntil - this.now();
        if (wait > 0) {
          await this.sleep(wait);
          continue;
        }
      }
      if (this.active < this.limit) {
        this.active++;
        return;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(): void {
    this.active--;
    this.wake();
  }

  private wake(): void {
    // wake everyone who could now go; each rechecks the pause and the limit
    let free = this.limit - this.active;
    while (free-- > 0 && this.waiting.length) this.waiting.shift()!();
  }

  /** No new call starts before `until` (epoch ms). Never shortens a longer pause. */
  pause(until: number): void {
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauseGen++;
    }
  }

  /** One call at a time while the budget is low. */
  setSlow(slow: boolean): void {
    if (this.slow === slow) return;
    this.slow = slow;
    if (!slow) this.wake();
  }

  get inFlight(): number {
    return this.active;
  }
}
