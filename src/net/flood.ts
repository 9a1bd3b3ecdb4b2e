import { performance } from 'node:perf_hooks';

/** How fast one connection's inputs are handled, and how far ahead of that it may send. */
export interface FloodOptions {
  /** Inputs handled at once before the rate applies. */
  burst: number;
  /** Inputs handled per second after the burst. */
  perSecond: number;
  /**
   * Inputs a client may send beyond its allowance (waiting for their turn) before it is
   * disconnected for excess flood.
   */
  maxPending: number;
  /** The same in bytes, so that a few huge inputs cannot hold more than this either. */
  maxPendingBytes: number;
}

export const FLOOD_DEFAULTS: FloodOptions = {
  burst: 5,
  perSecond: 2,
  // The web client resends at most 100 unacknowledged messages after a reconnect (MAX_UNACKED
  // in web/src/connection.ts); those already stored cost nothing (see WsSession), and even if
  // none were, 100 less the burst fits under this: a reconnect is slowed, never cut.
  maxPending: 100,
  maxPendingBytes: 64 * 1024,
};

/**
 * A token bucket that may go into debt: every input takes a token when it arrives, whether or
 * not one is there, and waits until the bucket has earned it back. The debt is then exactly
 * what the client has sent beyond its allowance, however fast or slow the server is being:
 * a client kept waiting by a slow store is not taken for a flooder.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.at = now();
  }

  /** Takes a token; returns when (on the `now` clock) the input may be handled. */
  take(): number {
    const now = this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? now : now + (-this.tokens / this.perSecond) * 1000;
  }

  /** Inputs taken beyond the allowance and not yet earned back. */
  get debt(): number {
    this.refill();
    return Math.max(0, -this.tokens);
  }

  private refill(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    return now;
  }
}

/** What an InputQueue needs to hold a connection to its rate. */
export interface FloodControl<T> {
  bucket: TokenBucket;
  options: FloodOptions;
  /** Inputs that take no token: keepalive, retries of sends already stored. */
  free?: (input: T) => boolean;
  /** Called once, when the client passes either cap; its waiting inputs are dropped. */
  onFlood: () => void;
}

export function floodControl<T>(
  options: FloodOptions,
  onFlood: () => void,
  free?: (input: T) => boolean,
): FloodControl<T> {
  return {
    bucket: new TokenBucket(options.burst, options.perSecond),
    options,
    onFlood,
    ...(free ? { free } : {}),
  };
}
