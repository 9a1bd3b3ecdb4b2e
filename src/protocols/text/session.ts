import type { Chat } from '../../core/chat.js';
import { runInput } from '../../core/commands/index.js';
import { ChatError } from '../../core/errors.js';
import type { ChatEvent } from '../../core/events.js';
import type { EncodingMemo, Member, Peer } from '../../core/member.js';
import type { Logger } from '../../log.js';
import type { Connection } from '../../net/connection.js';
import { type FloodOptions, floodControl } from '../../net/flood.js';
import { InputQueue } from '../../net/input-queue.js';
import type { InputDecoder, InputItem, TextCodec } from './codec.js';
import {
  type EventKeys,
  eventKeys,
  renderEvent,
  type TextEntry,
  viewpointFromKey,
  viewpointKey,
} from './render.js';

/** One broadcast's encodings for one codec, by viewpoint. */
interface SharedEncodings {
  keys: EventKeys;
  bytes: Array<Buffer | undefined>;
}

export interface TextSessionOptions {
  maxLineBytes: number;
  nickTimeoutMs: number;
  /** Inputs waiting to be handled before we stop reading the socket. */
  maxPendingInputs?: number;
  /** Messages of this connection being stored at once before its next input waits. */
  maxMessagesInFlight?: number;
  /** Flood control; none for an exempt address. */
  flood?: FloodOptions | undefined;
}

/**
 * One user on a text door (line or framed): the first input is the nickname, later ones are
 * messages or /commands. Inputs are handled one at a time, in order; if they pile up, the
 * socket is paused rather than the queue allowed to grow.
 */
export class TextSession implements Peer {
  readonly protocol: string;
  private readonly member: Member;
  private readonly decoder: InputDecoder;
  private readonly inputs: InputQueue<string>;
  private nickTimer: NodeJS.Timeout | undefined;
  /** Once the nickname deadline has passed, a late nickname must not sneak in. */
  private timedOut = false;

  constructor(
    private readonly chat: Chat,
    private readonly codec: TextCodec,
    private readonly connection: Connection,
    options: TextSessionOptions,
    private readonly log: Logger,
  ) {
    this.protocol = codec.protocol;
    this.decoder = codec.createDecoder({ maxLineBytes: options.maxLineBytes });
    this.inputs = new InputQueue(connection.socket, this, {
      maxPending: options.maxPendingInputs,
      maxInFlight: options.maxMessagesInFlight,
      outbound: connection,
      ...(options.flood
        ? { flood: floodControl<string>(options.flood, () => this.excessFlood()) }
        : {}),
    });
    this.member = chat.attach(this);
    this.sendEntries([
      { kind: 'notice', text: `Welcome to ${chat.serverName}. What is your nickname?` },
    ]);
    this.nickTimer = setTimeout(() => {
      this.timedOut = true;
      this.sendError(new ChatError('NICK_TIMEOUT', 'No nickname was given in time; goodbye.'));
      connection.end('No nickname given in time');
    }, options.nickTimeoutMs);
    connection.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    connection.onClose((reason) => {
      clearTimeout(this.nickTimer);
      // Inputs already received are still handled: a client that sends and hangs up at once
      // (printf ... | nc) has its messages delivered before it is announced as gone. Those
      // beyond its flood allowance are dropped: handled at once, hanging up would be a way
      // around the rate; at the rate, a client long gone would keep its nickname meanwhile.
      this.inputs.dropDelayed();
      void this.inputs.drained().then(() => chat.detach(this.member, reason));
    });
  }

  deliver(event: ChatEvent, viewer: Member, memo: EncodingMemo): void {
    if (this.connection.isClosing) return;
    let shared = memo.get(this.codec) as SharedEncodings | undefined;
    if (!shared) {
      shared = { keys: eventKeys(event), bytes: [] };
      memo.set(this.codec, shared);
    }
    const key = viewpointKey(shared.keys, viewer);
    let bytes = shared.bytes[key];
    if (!bytes) {
      bytes = this.codec.encode(renderEvent(event, viewpointFromKey(key)));
      shared.bytes[key] = bytes;
    }
    if (bytes.length > 0) this.connection.send(bytes);
  }

  disconnect(reason: string): void {
    this.connection.end(reason);
  }

  caughtUp(): Promise<void> {
    return this.connection.caughtUp();
  }

  private receive(chunk: Buffer): void {
    for (const item of this.decoder.push(chunk)) this.accept(item);
  }

  private accept(item: InputItem): void {
    if (item.kind === 'error') {
      this.log.info(
        { event: 'error', conn: this.connection.id, door: this.protocol, code: item.error.code },
        'bad input',
      );
      this.sendError(item.error);
      if (item.fatal) this.connection.end(item.error.message);
      else if (!this.member.registered) this.askForNick();
      return;
    }
    this.inputs.push(item.text, item.text.length);
  }

  /** Said as an error line (`!!! ...` on the line door), then the connection is closed. */
  private excessFlood(): void {
    this.sendEntries([
      {
        kind: 'error',
        code: 'EXCESS_FLOOD',
        text: 'Excess flood: you sent too much too fast; closing the connection.',
      },
    ]);
    this.connection.end('Excess flood');
  }

  async handleInput(input: string): Promise<void> {
    try {
      if (this.member.gone || this.timedOut) return;
      if (!this.member.registered) await this.register(input);
      else if (input.trim() === '') return;
      else if (input.startsWith('/') && !input.startsWith('//')) {
        // A command acts after the messages typed before it ("hello" then "/quit": the room
        // hears hello first).
        await this.inputs.settle();
        await runInput({ chat: this.chat, member: this.member }, input);
      } else {
        // Plain messages are not waited for one by one: the core has already checked them and
        // picked their room, and the store keeps them in order, so the next line can be read
        // while this one is stored. That lets one connection's messages share a commit.
        const work = runInput({ chat: this.chat, member: this.member }, input);
        await this.inputs.pipeline(work.catch((error: unknown) => this.report(error)));
      }
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    if (error instanceof ChatError) {
      if (error.code === 'STORE_FAILED') {
        this.log.warn(
          { event: 'error', conn: this.connection.id, code: error.code, err: error.cause },
          'store failed',
        );
      }
      this.sendError(error);
      if (!this.member.registered) this.askForNick();
    } else {
      this.log.error({ event: 'error', conn: this.connection.id, err: error }, 'internal error');
      this.sendError(new ChatError('INTERNAL_ERROR'));
    }
  }

  private async register(input: string): Promise<void> {
    const words = input.trim().split(/\s+/);
    const [first = '', second] = words;
    if (/^\/(quit|exit|bye)$/i.test(first)) {
      this.connection.end('Quit before choosing a nickname');
      return;
    }
    // Accept "/nick alice" as well as "alice": people type what they know from IRC.
    const nick = /^\/nick$/i.test(first) && second !== undefined ? second : input.trim();
    try {
      await this.chat.register(this.member, nick);
    } finally {
      // Registered even if joining the lobby then failed: the deadline no longer applies.
      if (this.member.registered) {
        clearTimeout(this.nickTimer);
        this.connection.markRegistered();
      }
    }
  }

  private askForNick(): void {
    this.sendEntries([{ kind: 'notice', text: 'Choose another nickname:' }]);
  }

  private sendError(error: ChatError): void {
    this.member.send({ type: 'error', code: error.code, message: error.message });
  }

  private sendEntries(entries: TextEntry[]): void {
    this.connection.send(this.codec.encode(entries));
  }
}
