import { performance } from 'node:perf_hooks';

/**
 * Output some connections will be written this turn: the chunks sent so far, as a path from
 * the turn's empty root. Connections sent the same chunks in the same order (every member of
 * a room but its speakers) end on the same node, so their output is gathered into one buffer
 * once and that buffer is written to each: the cost per recipient of a message is a pointer
 * step, not a copy.
 */
export class Output {
  private firstChunk: Buffer | undefined;
  private firstChild: Output | undefined;
  private otherChildren: Map<Buffer, Output> | undefined;
  private gathered: Buffer | undefined;

  constructor(
    private readonly parent: Output | undefined,
    private readonly chunk: Buffer | undefined,
    readonly bytes: number,
  ) {}

  /** The output of whoever is sent `chunk` after this one's. */
  followedBy(chunk: Buffer): Output {
    if (this.firstChunk === chunk) return this.firstChild!;
    if (this.firstChild === undefined) {
      this.firstChunk = chunk;
      this.firstChild = new Output(this, chunk, this.bytes + chunk.length);
      return this.firstChild;
    }
    this.otherChildren ??= new Map();
    let child = this.otherChildren.get(chunk);
    if (child === undefined) {
      child = new Output(this, chunk, this.bytes + chunk.length);
      this.otherChildren.set(chunk, child);
    }
    return child;
  }

  gather(): Buffer {
    if (this.gathered === undefined) {
      const chunks: Buffer[] = [];
      for (let node: Output | undefined = this; node?.chunk !== undefined; node = node.parent) {
        chunks.push(node.chunk);
      }
      chunks.reverse();
      this.gathered = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.bytes);
    }
    return this.gathered;
  }
}

/** What the scheduler flushes: a connection with output gathered this turn. */
export interface Flushable {
  flush(): void;
}

/** The longest a flush is held back to let more output gather. */
const MAX_FLUSH_DELAY_MS = 20;
/** Flushes shorter than this (a room of a few hundred) never wait. */
const FLUSH_DELAY_THRESHOLD_MS = 4;
/** How far back the event loop's load is looked at: the time constant of its average. */
const LOAD_WINDOW_MS = 100;
/**
 * Flushes wait only while the event loop has been this busy of late: a server with more to do
 * than it can (a join storm, where every join is written to thousands, keeps it at 99–100%).
 * One keeping up with long flushes and idle gaps between (a room of hundreds, 100 messages a
 * second) is not: two messages a moment apart there are two flushes back to back, and holding
 * the second back would only add its wait to the latency of everyone it goes to. Such a room
 * on a slow moment of a shared machine reaches 90–92%, but not this (BENCHMARKS.md, issue 15,
 * session 13).
 */
const SATURATED = 0.97;

/** What the scheduler reads of the event loop (tests give it a loop of their own). */
export interface LoopMeter {
  /** Milliseconds. */
  now(): number;
  /** Milliseconds the loop has spent idle, waiting for I/O, since it started. */
  idle(): number;
}

const eventLoop: LoopMeter = {
  now: () => performance.now(),
  idle: () => performance.eventLoopUtilization().idle,
};

/**
 * When the connections' gathered output is written: one of these per server, shared by all
 * its doors, so that one turn's output leaves in one write per socket whichever door it is.
 */
export class FlushScheduler {
  /** Where every connection's output starts until the next flush; replaced at each flush. */
  private root = new Output(undefined, undefined, 0);
  /** Connections with output waiting for the end of this turn of the event loop. */
  private readonly dirty: Flushable[] = [];
  private scheduled = false;
  /** How long the last flush took: a write costs a syscall per socket, whatever it carries. */
  private lastFlushMs = 0;
  private lastFlushEnded: number;
  /** The loop's busy share over about LOAD_WINDOW_MS, as of `lookedAt`. */
  private busyShare = 0;
  private lookedAt: number;
  private idleAt: number;
  private readonly flushAll = () => {
    this.scheduled = false;
    const started = this.loop.now();
    const dirty = this.dirty;
    for (let i = 0; i < dirty.length; i++) dirty[i]!.flush();
    dirty.length = 0;
    this.root = new Output(undefined, undefined, 0);
    this.lastFlushEnded = this.loop.now();
    this.lastFlushMs = this.lastFlushEnded - started;
    // Looked at after every flush, so that the average is weighted towards what is recent.
    this.loopBusy();
  };

  constructor(private readonly loop: LoopMeter = eventLoop) {
    this.lastFlushEnded = this.lookedAt = loop.now();
    this.idleAt = loop.idle();
  }

  /** The empty output a connection's first chunk of this turn follows. */
  get turnRoot(): Output {
    return this.root;
  }

  /** `connection` has output for this turn: it is flushed with the others. */
  add(connection: Flushable): void {
    this.dirty.push(connection);
    if (!this.scheduled) this.schedule();
  }

  /**
   * Normally at the end of the current callback: a group commit's whole batch is broadcast in
   * one callback, so it leaves in one write per socket. But when flushes are long (a join in
   * a room of thousands writes to thousands of sockets) and the loop is saturated, the next
   * one waits until as long has passed since the last, so whatever happens meanwhile shares
   * its writes: batches grow with the load instead of the server falling behind by one write
   * per socket per event. A server keeping up never waits.
   */
  private schedule(): void {
    this.scheduled = true;
    const wait =
      this.lastFlushMs < FLUSH_DELAY_THRESHOLD_MS
        ? 0
        : this.lastFlushMs - (this.loop.now() - this.lastFlushEnded);
    if (wait > 0 && this.loopBusy() >= SATURATED) {
      setTimeout(this.flushAll, Math.min(wait, MAX_FLUSH_DELAY_MS));
    } else process.nextTick(this.flushAll);
  }

  /** The loop's busy share over about the last LOAD_WINDOW_MS, averaged by time. */
  private loopBusy(): number {
    const now = this.loop.now();
    const idle = this.loop.idle();
    const elapsed = now - this.lookedAt;
    if (elapsed > 0) {
      const kept = Math.exp(-elapsed / LOAD_WINDOW_MS);
      const busy = 1 - Math.min(1, (idle - this.idleAt) / elapsed);
      this.busyShare = this.busyShare * kept + (1 - kept) * busy;
      this.lookedAt = now;
      this.idleAt = idle;
    }
    return this.busyShare;
  }
}
