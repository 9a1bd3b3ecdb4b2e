import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DEFAULTS } from '../config/defaults.js';
import type { Logger } from '../log.js';

export interface ConnectionLimits {
  /**
   * Bytes a client may leave unread: one that stays further behind than this for
   * `slowClientTimeoutMs` is judged not to be reading, and one that falls behind by
   * `HARD_QUEUE_FACTOR` times this is dropped at once.
   */
  maxQueueBytes: number;
  /** How long a client may stay more than maxQueueBytes behind (--slow-client-timeout). */
  slowClientTimeoutMs?: number;
  /** How long a closing connection may take to flush before it is cut (--shutdown-grace). */
  lingerMs?: number;
}

let nextConnectionId = 1;

/**
 * Behind by this many times maxQueueBytes, a client is dropped without waiting for the
 * timeout: what a client that has stopped reading may cost in the meantime is bounded. Most
 * of it is shared anyway: a broadcast is one buffer written to every member.
 */
export const HARD_QUEUE_FACTOR = 8;

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

/** Where every connection's output starts until the next flush; replaced at each flush. */
let turnRoot = new Output(undefined, undefined, 0);

/** Connections with output waiting for the end of this turn of the event loop. */
const dirty: Connection[] = [];
let flushScheduled = false;
/** How long the last flush took: a write costs a syscall per socket, whatever it carries. */
let lastFlushMs = 0;
let lastFlushEnded = 0;
/** The longest a flush is held back to let more output gather. */
const MAX_FLUSH_DELAY_MS = 20;
/** Flushes shorter than this (a room of a few hundred) never wait. */
const FLUSH_DELAY_THRESHOLD_MS = 4;

function flushAll(): void {
  flushScheduled = false;
  const started = performance.now();
  for (let i = 0; i < dirty.length; i++) dirty[i]!.flush();
  dirty.length = 0;
  turnRoot = new Output(undefined, undefined, 0);
  lastFlushEnded = performance.now();
  lastFlushMs = lastFlushEnded - started;
}

/**
 * Normally at the end of the current callback: a group commit's whole batch is broadcast in
 * one callback, so it leaves in one write per socket. But when flushes are long (a join in a room of
 * thousands writes to thousands of sockets) and come back to back, the next one waits until
 * as long has passed since the last, so whatever happens meanwhile shares its writes: at most
 * about half the time goes to flushing, and batches grow with the load instead of the server
 * falling behind by one write per socket per event. A quiet server never waits.
 */
function scheduleFlush(): void {
  flushScheduled = true;
  const wait = Math.min(lastFlushMs - (performance.now() - lastFlushEnded), MAX_FLUSH_DELAY_MS);
  if (lastFlushMs < FLUSH_DELAY_THRESHOLD_MS || wait <= 0) process.nextTick(flushAll);
  else setTimeout(flushAll, wait);
}

/**
 * What every front door's connection shares: a socket whose outbound queue is bounded
 * (writes never block the sender; a client that stops reading is dropped instead of growing
 * our memory), one close reason, and one log line at each end of its life.
 */
export class Connection {
  readonly id = nextConnectionId++;
  readonly remote: string;
  private readonly openedAt = Date.now();
  private reason: string | undefined;
  private closing = false;
  private closed = false;
  /** Output of this turn, written as one buffer when the turn ends. */
  private output: Output | undefined;
  /** Since when the client has been more than maxQueueBytes behind, at the flushes seen. */
  private behindSince: number | undefined;
  /** Who waits for this turn's output to be written (see caughtUp). */
  private flushWaiters: Array<() => void> | undefined;
  private readonly closeListeners: Array<(reason: string) => void> = [];

  constructor(
    readonly socket: Socket,
    readonly door: string,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.reason ??= error.code === 'ECONNRESET' ? 'Connection reset by peer' : error.message;
    });
    socket.on('close', () => {
      this.closed = true;
      this.closing = true;
      const reason = this.reason ?? 'Connection closed';
      this.log.info(
        {
          event: 'disconnect',
          conn: this.id,
          door,
          remote: this.remote,
          reason,
          ms: Date.now() - this.openedAt,
        },
        'disconnect',
      );
      for (const listener of this.closeListeners) listener(reason);
    });
    this.log.info({ event: 'connect', conn: this.id, door, remote: this.remote }, 'connect');
  }

  /** Called once the client has a nickname (per-IP limits count unregistered connections). */
  onRegistered: (() => void) | undefined;

  /** Sessions call this when their user registers; only the first call counts. */
  markRegistered(): void {
    const listener = this.onRegistered;
    this.onRegistered = undefined;
    listener?.();
  }

  get isClosing(): boolean {
    return this.closing;
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closed) listener(this.reason ?? 'Connection closed');
    else this.closeListeners.push(listener);
  }

  send(bytes: Buffer): void {
    if (this.closing) return;
    // Only what earlier turns left unread counts against the client: what this turn gathers
    // (a group commit's whole batch, a join's replay) is ours, not a sign it is not reading.
    if (this.socket.writableLength > this.limits.maxQueueBytes * HARD_QUEUE_FACTOR) {
      this.abortSlow();
      return;
    }
    // Everything sent to this socket in one turn of the event loop (say, every message of a
    // stored batch) is gathered and leaves in one write: one trip through the stream
    // machinery and one syscall per socket per turn, not per message.
    if (this.output === undefined) {
      dirty.push(this);
      if (!flushScheduled) scheduleFlush();
      this.output = turnRoot;
    }
    this.output = this.output.followedBy(bytes);
  }

  /**
   * Writes what this turn gathered, first judging the client by what it has left of earlier
   * writes: a client that keeps up takes any burst in time, however large; one that does not
   * stays behind, and is dropped once that has lasted the timeout.
   */
  flush(): void {
    const output = this.output;
    if (output === undefined) return;
    this.output = undefined;
    const waiters = this.flushWaiters;
    this.flushWaiters = undefined;
    try {
      this.write(output);
    } finally {
      if (waiters) for (const waiter of waiters) waiter();
    }
  }

  private write(output: Output): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    const unread = this.socket.writableLength;
    if (unread <= this.limits.maxQueueBytes) this.behindSince = undefined;
    else {
      const now = performance.now();
      this.behindSince ??= now;
      const timeout = this.limits.slowClientTimeoutMs ?? DEFAULTS.slowClientTimeoutMs;
      if (now - this.behindSince >= timeout) {
        this.abortSlow();
        return;
      }
    }
    this.socket.write(output.gather());
  }

  /**
   * Whether the client has more than half its allowance still to read: its own requests
   * (joins with their replay, history pages) then wait for it, so a client that asks for
   * more than it reads slows itself down instead of being dropped for it.
   */
  get behind(): boolean {
    return this.socket.writableLength + (this.output?.bytes ?? 0) > this.limits.maxQueueBytes / 2;
  }

  /** Resolves once the client has read what it was sent, or the connection is closing. */
  async caughtUp(): Promise<void> {
    // This turn's output is written at the flush: only then can the socket report on it.
    if (this.output !== undefined) {
      await new Promise<void>((resolve) => {
        this.flushWaiters ??= [];
        this.flushWaiters.push(resolve);
      });
    }
    if (this.closing || !this.socket.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private abortSlow(): void {
    this.abort(`Send queue exceeded ${this.limits.maxQueueBytes} bytes`);
  }

  /** Flushes what is queued (plus a last word) and closes; cut short if the peer won't read. */
  end(reason: string, lastWord?: Buffer): void {
    if (this.closing) return;
    this.flush();
    this.closing = true;
    this.reason ??= reason;
    if (lastWord) this.socket.end(lastWord);
    else this.socket.end();
    setTimeout(
      () => this.socket.destroy(),
      this.limits.lingerMs ?? DEFAULTS.shutdownGraceMs,
    ).unref();
  }

  abort(reason: string): void {
    if (this.closed) return;
    this.closing = true;
    this.reason ??= reason;
    this.log.warn({ event: 'error', conn: this.id, door: this.door, reason }, 'connection aborted');
    this.socket.destroy();
  }

  /** Resolves once the socket is fully closed. */
  whenClosed(): Promise<void> {
    return new Promise((resolve) => this.onClose(() => resolve()));
  }
}
