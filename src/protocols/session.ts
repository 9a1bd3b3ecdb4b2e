import type { Chat } from '../core/chat.js';
import { ChatError } from '../core/errors.js';
import type { ChatEvent } from '../core/events.js';
import type { DisconnectCause, EncodingMemo, Member, Peer, PeerProfile } from '../core/member.js';
import type { Logger } from '../log.js';
import { type Cloak, PROCESS_CLOAK } from '../net/cloak.js';
import type { Connection, ConnectionOwner } from '../net/connection.js';
import { type FloodOptions, floodControl } from '../net/flood.js';
import { InputQueue, type Pausable } from '../net/input-queue.js';

export interface SessionOptions {
  /** The door's name in logs. */
  door: string;
  log: Logger;
  /** How long a new connection has to register before it is let go. */
  registrationTimeoutMs: number;
  /** Inputs waiting to be handled before reading pauses. */
  maxPendingInputs?: number | undefined;
  /** Messages being stored at once before the next input waits. */
  maxMessagesInFlight?: number | undefined;
  /** Flood control; none for an exempt address. */
  flood?: FloodOptions | undefined;
  /** The host others are shown for the client's address (the server's; tests may leave it out). */
  cloak?: Cloak | undefined;
}

/**
 * What every front door's session is: a Peer of the core on one Connection, with the parts
 * that must behave the same on every door written once.
 *  - A registration deadline, cleared by `registered()`.
 *  - Input handled one at a time in the order sent, except messages, which are pipelined:
 *    the core checks them and picks their target before storing, and the store keeps them
 *    in order, so the next input is read meanwhile and one client's burst shares a commit.
 *    Anything else waits for the messages before it, so it sees their effects.
 *  - Flood control, with the door's own way of saying "excess flood".
 *  - Errors: logged alike, then told to the client through the door's table.
 *  - Drain, then detach: input already read when the connection closes is still handled
 *    (a client that sends and hangs up has its messages delivered), except what it sent
 *    beyond its flood allowance; only then does the core hear it is gone.
 * A door adds its codec and renderer (`deliver`), what its inputs mean (`handle`,
 * `pipelined`) and how it words errors (`tell`).
 */
export abstract class Session<Input> implements Peer, Pausable, ConnectionOwner {
  abstract readonly protocol: string;
  readonly member: Member;
  protected readonly inputs: InputQueue<Input>;
  /** What others are shown for this client's address, worked out once. */
  readonly cloakedHost: string;
  private deadline: NodeJS.Timeout | undefined;
  // Kept from the options, not the options object: what an idle connection holds, times
  // tens of thousands, is the memory the server needs.
  private readonly log: Logger;
  private readonly doorName: string;

  constructor(
    readonly chat: Chat,
    protected readonly connection: Connection,
    options: SessionOptions,
  ) {
    this.log = options.log;
    this.doorName = options.door;
    this.cloakedHost = (options.cloak ?? PROCESS_CLOAK)(connection.socket.remoteAddress);
    this.inputs = new InputQueue(this, this, {
      maxPending: options.maxPendingInputs,
      maxInFlight: options.maxMessagesInFlight,
      outbound: connection,
      ...(options.flood
        ? {
            flood: floodControl<Input>(
              options.flood,
              () => this.excessFlood(),
              (input) => this.isFloodFree(input),
            ),
          }
        : {}),
    });
    this.member = chat.attach(this);
    this.deadline = setTimeout(() => this.registrationTimedOut(), options.registrationTimeoutMs);
    connection.ownedBy(this);
  }

  /** The connection closed: the member leaves once the inputs it had sent are handled. */
  connectionClosed(reason: string): void {
    clearTimeout(this.deadline);
    this.closed();
    this.inputs.dropDelayed();
    void this.inputs.drained().then(() => this.chat.detach(this.member, reason));
  }

  // ---- what each door supplies -----------------------------------------------------------

  abstract deliver(event: ChatEvent, viewer: Member, memo: EncodingMemo): void;
  abstract disconnect(reason: string, cause?: DisconnectCause): void;
  /** Handles an input that is not pipelined. */
  protected abstract handle(input: Input): Promise<void>;
  /** Starts a pipelined input's work (a message being stored), or says it is not one. */
  protected abstract pipelined(input: Input): Promise<unknown> | undefined;
  /** Tells the client of an error its input caused, in the door's words. */
  protected abstract tell(error: ChatError, input: Input | undefined): void;
  /** The registration deadline passed. */
  protected abstract registrationTimedOut(): void;
  /** The client passed its flood allowance. */
  protected abstract excessFlood(): void;
  /** Inputs that take no flood token (keepalive, retries of stored sends); none by default. */
  protected isFloodFree(_input: Input): boolean {
    return false;
  }
  /** Whether input read so far is still to be handled (by default, until the member is gone). */
  protected acceptsInput(): boolean {
    return true;
  }
  /** The connection closed; the door's own clean-up. */
  protected closed(): void {}

  // ---- shared ----------------------------------------------------------------------------

  // Where input comes from, for pausing when it piles up: the socket, unless a door reads it
  // through something that must do the pausing itself (ws).
  pause(): void {
    this.connection.socket.pause();
  }

  resume(): void {
    this.connection.socket.resume();
  }

  isPaused(): boolean {
    return this.connection.socket.isPaused();
  }

  caughtUp(): Promise<void> {
    return this.connection.caughtUp();
  }

  /** For the server's checks and logs only (an operator's hosts); users see the cloak. */
  address(): string | undefined {
    return this.connection.socket.remoteAddress;
  }

  /** Every door's users are shown with the cloak of their address; doors may add to it. */
  profile(): PeerProfile {
    return { host: this.cloakedHost };
  }

  async handleInput(input: Input): Promise<void> {
    if (this.member.gone || !this.acceptsInput()) return;
    try {
      const work = this.pipelined(input);
      if (work) {
        const full = this.inputs.pipeline(work.then(noop, (error) => this.report(error, input)));
        if (full) await full;
      } else {
        await this.inputs.settle();
        await this.handle(input);
      }
    } catch (error) {
      this.report(error, input);
    }
  }

  /** The member has its nickname: the deadline no longer applies. */
  protected registered(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
    this.connection.markRegistered();
  }

  /**
   * Logs what an operator should see of an error, then tells the client; an error that ends
   * the connection (a banned user, too many failed OPERs) then ends it.
   */
  protected report(error: unknown, input: Input | undefined): void {
    const told = this.noted(error);
    this.tell(told, input);
    if (told.closes) this.disconnect(told.closes.reason, told.closes.cause);
  }

  /**
   * Logs what an operator should see of an error (a failed store, a bug), and gives what the
   * client is told: the ChatError itself, or for a bug an INTERNAL_ERROR without detail.
   */
  protected noted(error: unknown): ChatError {
    if (!(error instanceof ChatError)) {
      this.log.error({ event: 'error', conn: this.connection.id, err: error }, 'internal error');
      return new ChatError('INTERNAL_ERROR');
    }
    if (error.code === 'STORE_FAILED') {
      this.log.warn(
        { event: 'error', conn: this.connection.id, code: error.code, err: error.cause },
        'store failed',
      );
    }
    return error;
  }

  /** Logs input the door's decoder refused. */
  protected badInput(code: string): void {
    this.log.info(
      { event: 'error', conn: this.connection.id, door: this.doorName, code },
      'bad input',
    );
  }
}

function noop(): void {}

/**
 * A typed slot in a broadcast's encoding memo: what one door keeps there, without a cast at
 * each use. The memo is shared by every recipient of one event, on every door.
 */
export class MemoSlot<T> {
  private static made = 0;
  /** Where in the memo this slot's value goes: each slot made has its own place. */
  private readonly index = MemoSlot.made++;

  constructor(readonly name: string) {}

  /**
   * What a recipient before this one left in the slot, if any. (Looked at once per
   * recipient: no closure to make the value, which would be garbage for each of thousands.)
   */
  peek(memo: EncodingMemo): T | undefined {
    return memo[this.index] as T | undefined;
  }

  put(memo: EncodingMemo, value: T): T {
    memo[this.index] = value;
    return value;
  }
}

/**
 * A run's messages (Peer.deliverRun) as one door encodes them for one viewpoint: their bytes one
 * after another, and where each one starts, so that any stretch of the run is a slice.
 */
export class EncodedRun {
  readonly bytes: Buffer;
  private readonly starts: number[];

  constructor(parts: readonly Buffer[]) {
    this.starts = new Array<number>(parts.length + 1);
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
      this.starts[i] = at;
      at += parts[i]!.length;
    }
    this.starts[parts.length] = at;
    this.bytes = Buffer.concat(parts as Buffer[], at);
  }

  /** Messages `from` up to (not including) `to`; nothing if they encode to nothing. */
  sendTo(connection: Connection, from: number, to: number): void {
    const start = this.starts[from]!;
    const end = this.starts[to]!;
    if (end === start) return;
    connection.send(
      start === 0 && end === this.bytes.length ? this.bytes : this.bytes.subarray(start, end),
    );
  }
}
