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

export interface InputQueueLimits {
  /** Inputs waiting to be handled before we stop reading the socket. */
  maxPending?: number;
  /** Pipelined pieces of work running at once before the next input waits. */
  maxInFlight?: number;
  /**
   * When given, an input waits while the client is behind in reading: what it asks for
   * (a join's replay, a history page) then comes at the pace it reads.
   */
  outbound?: Outbound;
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
  private pending: T[] | undefined;
  private draining: Promise<void> | undefined;
  private inFlight: Set<Promise<void>> | undefined;

  constructor(
    private readonly source: Pausable,
    private readonly handler: InputHandler<T>,
    private readonly limits: InputQueueLimits = {},
  ) {}

  push(input: T): void {
    this.pending ??= [];
    this.pending.push(input);
    if (this.pending.length > (this.limits.maxPending ?? 64)) this.source.pause();
    this.draining ??= this.drain();
  }

  /**
   * Runs `work` without waiting for it, unless the most allowed are already running. `work`
   * must report its own failures: it is never awaited by anyone who could.
   */
  async pipeline(work: Promise<void>): Promise<void> {
    this.inFlight ??= new Set();
    const inFlight = this.inFlight;
    const tracked = work.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= (this.limits.maxInFlight ?? 32)) await Promise.race(inFlight);
  }

  /** Resolves once all pipelined work has finished. */
  async settle(): Promise<void> {
    if (this.inFlight && this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Resolves once every input received so far has been handled, pipelined work included. */
  async drained(): Promise<void> {
    await this.draining;
    await this.settle();
  }

  private async drain(): Promise<void> {
    const pending = this.pending!;
    for (let input = pending.shift(); input !== undefined; input = pending.shift()) {
      const { outbound } = this.limits;
      if (outbound?.behind) await outbound.caughtUp();
      if (this.source.isPaused() && pending.length < RESUME_BELOW) this.source.resume();
      await this.handler.handleInput(input);
    }
    this.draining = undefined;
  }
}
