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
/**
 * A flush waits only when the last one ended less than this share of its length ago: the
 * server is writing nearly all the time. A busy but keeping-up server (a room of hundreds
 * at a steady pace, its flushes a few ms each with gaps between) must not wait: each wait
 * lands on the latency of every message that comes soon after a slow flush.
 */
const BACK_TO_BACK = 0.25;

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
  private lastFlushEnded = 0;
  private readonly flushAll = () => {
    this.scheduled = false;
    const started = performance.now();
    const dirty = this.dirty;
    for (let i = 0; i < dirty.length; i++) dirty[i]!.flush();
    dirty.length = 0;
    this.root = new Output(undefined, undefined, 0);
    this.lastFlushEnded = performance.now();
    this.lastFlushMs = this.lastFlushEnded - started;
  };

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
   * a room of thousands writes to thousands of sockets) and come back to back, the next one
   * waits until as long has passed since the last, so whatever happens meanwhile shares its
   * writes: at most about half the time goes to flushing, and batches grow with the load
   * instead of the server falling behind by one write per socket per event. A quiet server
   * never waits.
   */
  private schedule(): void {
    this.scheduled = true;
    const sinceLast = performance.now() - this.lastFlushEnded;
    if (
      this.lastFlushMs < FLUSH_DELAY_THRESHOLD_MS ||
      sinceLast >= this.lastFlushMs * BACK_TO_BACK
    ) {
      process.nextTick(this.flushAll);
    } else setTimeout(this.flushAll, Math.min(this.lastFlushMs - sinceLast, MAX_FLUSH_DELAY_MS));
  }
}
