/**
 * A token bucket: up to `burst` actions at once, then `perMinute` a minute. Used per
 * connection for what is cheap to ask and costly for everyone else (new rooms, nick changes).
 */
export interface RateOptions {
  /** Actions a minute in the long run; 0: no limit. */
  perMinute: number;
  /** Actions allowed at once before the rate applies. */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly perMs: number;
  private readonly capacity: number;

  constructor(
    rate: RateOptions,
    private readonly now: () => number,
  ) {
    this.perMs = rate.perMinute / 60_000;
    this.capacity = Math.max(1, rate.burst);
    this.tokens = this.capacity;
    this.updatedAt = now();
  }

  /** Takes a token if there is one; otherwise returns how many ms until there will be. */
  tryTake(): number | undefined {
    if (this.perMs === 0) return undefined;
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.ceil((1 - this.tokens) / this.perMs);
  }

  /**
   * Takes a token whether or not one is there, going into debt, and returns when (on the
   * `now` clock) it is earned: for work that is delayed rather than refused.
   */
  take(): number {
    const now = this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? now : now + -this.tokens / this.perMs;
  }

  /** Tokens taken beyond the allowance and not yet earned back. */
  get debt(): number {
    this.refill();
    return Math.max(0, -this.tokens);
  }

  private refill(): number {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
    return now;
  }
}

/**
 * One bucket per key (a member), created on first use and forgotten with the key: an idle
 * connection that never creates a room costs nothing here.
 */
export class RateLimiter<Key extends object> {
  private readonly buckets = new WeakMap<Key, TokenBucket>();

  constructor(
    private readonly rate: RateOptions,
    private readonly now: () => number,
  ) {}

  /** undefined if allowed (and counted); otherwise the ms to wait. */
  take(key: Key): number | undefined {
    if (this.rate.perMinute === 0) return undefined;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rate, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.tryTake();
  }
}

/** "12 seconds", for error messages. */
export function secondsToWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
