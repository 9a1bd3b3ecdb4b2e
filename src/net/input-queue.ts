import { performance } from 'node:perf_hooks';
import type { FloodControl } from './flood.js';

/** Where inputs come from: a socket, or whatever wraps one and does its own pausing. */
export interface Pausable {
  pause(): unknown;
  resume(): unknown;
  isPaused(): boolean;
}

export interface InputHandler<T> {
  /** Handles one input; later inputs wait until it resolves (unless it pipelines work). */
  handleInput(input: T): Promise<void>;
}

/** The client's side of the output: how far behind in reading it is. */
export interface Outbound {
  readonly behind: boolean;
  caughtUp(): Promise<void>;
}

export interface InputQueueLimits<T = unknown> {
  /** Inputs waiting to be handled before we stop reading the socket. */
  maxPending?: number;
  /** Pipelined pieces of work running at once before the next input waits. */
  maxInFlight?: number;
  /**
   * When given, an input waits while the client is behind in reading: what it asks for
   * (a join's replay, a history page) then comes at the pace it reads.
   */
  outbound?: Outbound;
  /** When given, inputs are handled no faster than its bucket allows (see push). */
  flood?: FloodControl<T>;
}

interface Entry<T> {
  input: T;
  /** When it may be handled (performance.now()); 0 at once. */
  readyAt: number;
  /** Its size, counted while it waits beyond the client's allowance. */
  delayedBytes: number;
}

/** Reading resumes once the queue is down to this. */
const RESUME_BELOW = 8;

/**
 * What every door's session does with decoded input: one input at a time, in the order sent.
 * If inputs pile up, the socket is paused rather than the queue allowed to grow. A handler
 * may pipeline work (storing a message) so the next input is read meanwhile; such work is
 * bounded, and `settle` lets an input that must come after it wait for it.
 */
export class InputQueue<T> {
  // Made on first use: an idle connection should cost as little memory as possible.
  private pending: Entry<T>[] | undefined;
  private draining: Promise<void> | undefined;
  /** Pipelined pieces of work not finished yet, and who waits for the next to finish. */
  private running = 0;
  private finishWaiters: Array<() => void> | undefined;
  private finishedOne: (() => void) | undefined;
  /** Bytes of the inputs waiting beyond the client's allowance. */
  private delayedBytes = 0;
  /** Set once waiting inputs were dropped: inputs due after this are not handled. */
  private cutAt: number | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly source: Pausable,
    private readonly handler: InputHandler<T>,
    private readonly limits: InputQueueLimits<T> = {},
  ) {}

  /**
   * Queues an input; `bytes` is its size, for the flood cap. With flood control, the input
   * takes its token now and waits for it if the bucket is in debt (fake lag: delayed, not
   * dropped). A client whose debt passes the cap is disconnected by `onFlood`.
   */
  push(input: T, bytes = 0): void {
    if (this.cutAt !== undefined) return;
    const flood = this.limits.flood;
    let readyAt = 0;
    let delayedBytes = 0;
    if (flood && !flood.free?.(input)) {
      readyAt = flood.bucket.take();
      if (readyAt > performance.now()) {
        delayedBytes = bytes;
        this.delayedBytes += bytes;
      }
      const { maxPending, maxPendingBytes } = flood.options;
      if (flood.bucket.debt > maxPending || this.delayedBytes > maxPendingBytes) {
        this.dropDelayed();
        flood.onFlood();
        return;
      }
    }
    this.pending ??= [];
    this.pending.push({ input, readyAt, delayedBytes });
    // Only inputs the server is slow to handle pause the socket. Those waiting for their
    // token do not: were the socket paused, a flooder would sit there holding its connection
    // and nickname with its backlog in our kernel buffers; read on, it passes the cap and is
    // disconnected, as IRC servers do. What is read meanwhile is bounded by that cap.
    if (this.dueCount() > (this.limits.maxPending ?? 64)) this.source.pause();
    this.draining ??= this.drain();
  }

  /**
   * Drops the inputs still waiting for their token (the client flooded, or is gone: its
   * excess is not worth handling once nobody waits for the answers) and stops taking more.
   * Those already due are still handled.
   */
  dropDelayed(): void {
    if (this.cutAt !== undefined) return;
    const now = performance.now();
    this.cutAt = now;
    if (this.pending) {
      const kept = this.pending.filter((entry) => entry.readyAt <= now);
      this.pending.length = 0;
      this.pending.push(...kept);
    }
    this.delayedBytes = 0;
    this.wake?.();
  }

  /**
   * Runs `work` without waiting for it, unless the most allowed are already running: then the
   * promise returned resolves when one of them finishes. `work` must report its own failures:
   * it is never awaited by anyone who could.
   */
  pipeline(work: Promise<void>): Promise<void> | undefined {
    this.running++;
    // Made on first use, like the queue: an idle connection never needs it.
    this.finishedOne ??= () => this.finished();
    work.then(this.finishedOne, this.finishedOne);
    return this.running >= (this.limits.maxInFlight ?? 32) ? this.nextFinish() : undefined;
  }

  /** Resolves once all pipelined work has finished. */
  async settle(): Promise<void> {
    while (this.running > 0) await this.nextFinish();
  }

  // A count and the waiters of the next finish, rather than a set of promises raced: a race
  // subscribes to every promise in flight, for every input read past a full window, and those
  // subscriptions live as long as a group commit takes.
  private finished(): void {
    this.running--;
    const waiters = this.finishWaiters;
    if (waiters === undefined) return;
    this.finishWaiters = undefined;
    for (const wake of waiters) wake();
  }

  private nextFinish(): Promise<void> {
    const waiters = this.finishWaiters ?? [];
    this.finishWaiters = waiters;
    return new Promise((resolve) => {
      waiters.push(resolve);
    });
  }

  /** Resolves once every input received so far has been handled, pipelined work included. */
  async drained(): Promise<void> {
    await this.draining;
    await this.settle();
  }

  /** Inputs waiting for the server rather than for their token. */
  private dueCount(): number {
    const waiting = this.pending?.length ?? 0;
    const debt = this.limits.flood?.bucket.debt ?? 0;
    return Math.max(0, waiting - Math.ceil(debt));
  }

  private async drain(): Promise<void> {
    const pending = this.pending!;
    for (let entry = pending.shift(); entry !== undefined; entry = pending.shift()) {
      const { outbound } = this.limits;
      if (outbound?.behind) await outbound.caughtUp();
      if (this.source.isPaused() && this.dueCount() < RESUME_BELOW) this.source.resume();
      const wait = entry.readyAt - performance.now();
      if (wait > 0) await this.sleep(wait);
      this.delayedBytes = Math.max(0, this.delayedBytes - entry.delayedBytes);
      if (this.cutAt !== undefined && entry.readyAt > this.cutAt) continue;
      await this.handler.handleInput(entry.input);
    }
    this.draining = undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
