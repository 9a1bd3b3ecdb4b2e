import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { DEFAULTS } from '../config/defaults.js';
import type { Logger } from '../log.js';
import type { FlushScheduler, Output } from './flush-scheduler.js';

/**
 * What a connection runs over: a TCP socket, a TLS socket, an SSH channel; any Duplex
 * stream. The address and Nagle's switch are a socket's, when there is one.
 */
export type Transport = Duplex & {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  setNoDelay?(noDelay?: boolean): unknown;
};

export interface ConnectionLimits {
  /**
   * Bytes a client may leave unread: one that stays further behind than this for
   * `slowClientTimeoutMs` is judged not to be reading, and one that falls behind by
   * `HARD_QUEUE_FACTOR` times this is dropped at once.
   */
  maxQueueBytes: number;
  /** How long a client may stay more than maxQueueBytes behind; 15 s if not given. */
  slowClientTimeoutMs?: number;
  /** How long a closing connection may take to flush before it is cut. */
  lingerMs?: number;
}

let nextConnectionId = 1;

/** Told when the connection closes, with the reason and the connection it was given to. */
export type CloseListener = (reason: string, connection: Connection) => void;

/** Whoever a connection was made for (its session): told first when it closes. */
export interface ConnectionOwner {
  connectionClosed(reason: string): void;
  /** Bytes read from the socket, once the owner has asked for them (readForOwner). */
  received?(chunk: Buffer): void;
}

/**
 * The socket's listeners are shared by every connection and find theirs on the socket:
 * closures made per connection, times tens of thousands of idle clients, were memory the
 * server held for nothing.
 */
const CONNECTION = Symbol('connection');
type OwnedTransport = Transport & { [CONNECTION]?: Connection };

function onSocketError(this: OwnedTransport, error: NodeJS.ErrnoException): void {
  this[CONNECTION]?.socketFailed(error);
}

function onSocketData(this: OwnedTransport, chunk: Buffer): void {
  this[CONNECTION]?.socketData(chunk);
}

function onSocketEnd(this: OwnedTransport): void {
  this[CONNECTION]?.end('Connection closed');
}

function onSocketClose(this: OwnedTransport): void {
  this[CONNECTION]?.socketClosed();
}

/**
 * Behind by this many times maxQueueBytes, a client is dropped without waiting for the
 * timeout: what a client that has stopped reading may cost in the meantime is bounded. Most
 * of it is shared anyway: a broadcast is one buffer written to every member.
 */
export const HARD_QUEUE_FACTOR = 8;

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
  /** Bytes handed to the socket, and how many of them the client had taken at behindSince. */
  private bytesWritten = 0;
  private takenMark = 0;
  /** Who waits for this turn's output to be written (see caughtUp). */
  private flushWaiters: Array<() => void> | undefined;
  private owner: ConnectionOwner | undefined;
  /** One listener in place, an array only for more: most connections have one. */
  private closeListeners: CloseListener | CloseListener[] | undefined;

  constructor(
    readonly socket: Transport,
    readonly door: string,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
    private readonly flusher: FlushScheduler,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay?.(true);
    (socket as OwnedTransport)[CONNECTION] = this;
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    this.log.info({ event: 'connect', conn: this.id, door, remote: this.remote }, 'connect');
  }

  /** The socket's 'error': remembered as the close reason, unless there is one. */
  socketFailed(error: NodeJS.ErrnoException): void {
    this.reason ??= error.code === 'ECONNRESET' ? 'Connection reset by peer' : error.message;
  }

  /** The socket's 'data', for an owner that asked for it. */
  socketData(chunk: Buffer): void {
    this.owner?.received?.(chunk);
  }

  /** The socket's 'close': logged once, then the owner and the listeners are told. */
  socketClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    const reason = this.reason ?? 'Connection closed';
    this.log.info(
      {
        event: 'disconnect',
        conn: this.id,
        door: this.door,
        remote: this.remote,
        reason,
        ms: Date.now() - this.openedAt,
      },
      'disconnect',
    );
    this.owner?.connectionClosed(reason);
    const listeners = this.closeListeners;
    this.closeListeners = undefined;
    if (typeof listeners === 'function') listeners(reason, this);
    else if (listeners) for (const listener of listeners) listener(reason, this);
  }

  /** Gives the connection to its session, which is told first when it closes. */
  ownedBy(owner: ConnectionOwner): void {
    this.owner = owner;
  }

  /** Hands what the socket reads to the owner (doors that read the socket themselves). */
  readForOwner(): void {
    this.socket.on('data', onSocketData);
  }

  /**
   * For a socket that stays half open when the client ends its side (an HTTP server's, after an
   * upgrade): the client is gone, so ours ends too instead of waiting for a write to fail.
   */
  endWhenPeerEnds(): void {
    this.socket.on('end', onSocketEnd);
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

  onClose(listener: CloseListener): void {
    const listeners = this.closeListeners;
    if (this.closed) listener(this.reason ?? 'Connection closed', this);
    else if (listeners === undefined) this.closeListeners = listener;
    else if (typeof listeners === 'function') this.closeListeners = [listeners, listener];
    else listeners.push(listener);
  }

  send(bytes: Buffer): void {
    if (this.closing) return;
    // Everything sent to this socket in one turn of the event loop (say, every message of a
    // stored batch) is gathered and leaves in one write: one trip through the stream
    // machinery and one syscall per socket per turn, not per message.
    const output = this.output;
    if (output !== undefined) {
      this.output = output.followedBy(bytes);
      return;
    }
    // Only what earlier turns left unread counts against the client: what this turn gathers
    // (a group commit's whole batch, a join's replay) is ours, not a sign it is not reading.
    // That is the same all turn (the socket is written at the flush), so it is looked at once.
    if (this.socket.writableLength > this.limits.maxQueueBytes * HARD_QUEUE_FACTOR) {
      this.abortSlow();
      return;
    }
    this.output = this.flusher.turnRoot.followedBy(bytes);
    this.flusher.add(this);
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
      // Behind, but reading: a client on a slow link working through a long catch-up while
      // the room goes on is keeping up as well as it can. The clock restarts each time it
      // has read another allowance's worth; only one that stops reading runs it out.
      const taken = this.bytesWritten - unread;
      if (this.behindSince === undefined || taken - this.takenMark >= this.limits.maxQueueBytes) {
        this.behindSince = now;
        this.takenMark = taken;
      }
      const timeout = this.limits.slowClientTimeoutMs ?? DEFAULTS.slowClientTimeoutMs;
      if (now - this.behindSince >= timeout) {
        this.abortSlow();
        return;
      }
    }
    const bytes = output.gather();
    this.bytesWritten += bytes.length;
    this.socket.write(bytes);
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
