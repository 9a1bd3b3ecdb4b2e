import { performance } from 'node:perf_hooks';
import { TokenBucket } from '../core/rate-limit.js';

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
    // In debt rather than refused: every input takes its token when it arrives, so the debt is
    // exactly what the client sent beyond its allowance, however slow the server is being.
    bucket: new TokenBucket({ burst: options.burst, perMinute: options.perSecond * 60 }, () =>
      performance.now(),
    ),
    options,
    onFlood,
    ...(free ? { free } : {}),
  };
}
