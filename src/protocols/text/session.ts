import type { Chat } from '../../core/chat.js';
import type { CommandContext, TextView } from '../../core/commands/command.js';
import { runInput } from '../../core/commands/index.js';
import { ChatError } from '../../core/errors.js';
import type { ChatEvent } from '../../core/events.js';
import type { EncodingMemo, Member, MessageRun } from '../../core/member.js';
import type { Logger } from '../../log.js';
import type { Cloak } from '../../net/cloak.js';
import type { Connection } from '../../net/connection.js';
import type { FloodOptions } from '../../net/flood.js';
import { EncodedRun, MemoSlot, Session } from '../session.js';
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

interface Slots {
  /** One broadcast's encodings. */
  event: MemoSlot<SharedEncodings>;
  /** A run's (LocalFanout.batch), by viewpoint. */
  run: MemoSlot<Array<EncodedRun | undefined>>;
}

/** Each text codec's slots in a broadcast's memo (line and framed encode differently). */
const SLOTS = new Map<TextCodec, Slots>();

function slotsOf(codec: TextCodec): Slots {
  let slots = SLOTS.get(codec);
  if (!slots) {
    slots = { event: new MemoSlot(codec.protocol), run: new MemoSlot(`${codec.protocol} run`) };
    SLOTS.set(codec, slots);
  }
  return slots;
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
  /** The host others are shown for a client's address. */
  cloak?: Cloak;
}

/**
 * One user on a text door (line or framed): the first input is the nickname, later ones are
 * messages or /commands (the shared Session does the ordering, pipelining and clean-up).
 */
export class TextSession extends Session<string> implements TextView {
  readonly protocol: string;
  /** Others' joins and parts in a big room are shown here as summaries only. */
  readonly followsCrowds = false;
  private readonly decoder: InputDecoder;
  private readonly slots: Slots;
  /** Once the nickname deadline has passed, a late nickname must not sneak in. */
  private timedOut = false;
  /** How this user wants things shown (/ids): the door's, not the core's. */
  /** /ids: how this user wants things shown is the door's, not the core's (see TextView). */
  showIds = false;

  constructor(
    chat: Chat,
    private readonly codec: TextCodec,
    connection: Connection,
    options: TextSessionOptions,
    log: Logger,
  ) {
    super(chat, connection, {
      door: codec.protocol,
      log,
      registrationTimeoutMs: options.nickTimeoutMs,
      maxPendingInputs: options.maxPendingInputs,
      maxMessagesInFlight: options.maxMessagesInFlight,
      flood: options.flood,
      cloak: options.cloak,
    });
    this.protocol = codec.protocol;
    this.slots = slotsOf(codec);
    this.decoder = codec.createDecoder({ maxLineBytes: options.maxLineBytes });
    this.sendEntries([
      { kind: 'notice', text: `Welcome to ${chat.serverName}. What is your nickname?` },
    ]);
    connection.readForOwner();
  }

  deliver(event: ChatEvent, viewer: Member, memo: EncodingMemo): void {
    if (this.connection.isClosing) return;
    // Sent to everyone; shown to server operators only.
    if (event.type === 'wallops' && viewer.operator === undefined) return;
    // The receipt of each message sent, shown only with /ids: nothing to make for most users.
    if (event.type === 'sent' && !this.showIds) return;
    const shared = this.shared(event, memo);
    const bytes = this.encoding(event, shared, viewpointKey(shared.keys, viewer, this.showIds));
    if (bytes.length > 0) this.connection.send(bytes);
  }

  deliverRun(run: MessageRun, viewer: Member, from: number, to: number): void {
    if (this.connection.isClosing) return;
    const { events, memos } = run;
    // One room's messages, none the viewer's: every one is seen from the same viewpoint.
    const key = viewpointKey(this.shared(events[0]!, memos[0]!).keys, viewer, this.showIds);
    const runs = this.slots.run.peek(run.memo) ?? this.slots.run.put(run.memo, []);
    let encoded = runs[key];
    if (!encoded) {
      encoded = new EncodedRun(
        events.map((event, i) => this.encoding(event, this.shared(event, memos[i]!), key)),
      );
      runs[key] = encoded;
    }
    encoded.sendTo(this.connection, from, to);
  }

  private shared(event: ChatEvent, memo: EncodingMemo): SharedEncodings {
    const slot = this.slots.event;
    return slot.peek(memo) ?? slot.put(memo, { keys: eventKeys(event), bytes: [] });
  }

  private encoding(event: ChatEvent, shared: SharedEncodings, key: number): Buffer {
    let bytes = shared.bytes[key];
    if (!bytes) {
      bytes = this.codec.encode(renderEvent(event, viewpointFromKey(key)));
      shared.bytes[key] = bytes;
    }
    return bytes;
  }

  /**
   * Says why first, unless the user asked to go: a text client has no close reason to read,
   * and being dropped by the server (it lost its place in a cluster, the client fell too far
   * behind) must not look like a network failure.
   */
  disconnect(reason: string): void {
    if (reason !== 'Quit') this.sendEntries([{ kind: 'notice', text: `Disconnected: ${reason}` }]);
    this.connection.end(reason);
  }

  received(chunk: Buffer): void {
    for (const item of this.decoder.push(chunk)) this.accept(item);
  }

  private accept(item: InputItem): void {
    if (item.kind === 'error') {
      this.badInput(item.error.code);
      this.sendError(item.error);
      if (item.fatal) this.connection.end(item.error.message);
      else if (!this.member.registered) this.askForNick();
      return;
    }
    this.inputs.push(item.text, item.text.length);
  }

  protected registrationTimedOut(): void {
    this.timedOut = true;
    this.sendError(new ChatError('NICK_TIMEOUT', 'No nickname was given in time; goodbye.'));
    this.connection.end('No nickname given in time');
  }

  protected override acceptsInput(): boolean {
    return !this.timedOut;
  }

  /** Said as an error line (`!!! ...` on the line door), then the connection is closed. */
  protected excessFlood(): void {
    this.sendEntries([
      {
        kind: 'error',
        code: 'EXCESS_FLOOD',
        text: 'Excess flood: you sent too much too fast; closing the connection.',
      },
    ]);
    this.connection.end('Excess flood');
  }

  /** Plain messages, once registered: a command acts after the messages typed before it. */
  protected pipelined(input: string): Promise<unknown> | undefined {
    if (!this.member.registered || input.trim() === '' || isCommand(input)) return undefined;
    return runInput(this.commandContext(), input);
  }

  protected async handle(input: string): Promise<void> {
    if (!this.member.registered) await this.register(input);
    else if (isCommand(input)) await runInput(this.commandContext(), input);
  }

  protected tell(error: ChatError): void {
    this.sendError(error);
    if (!this.member.registered && !error.closes) this.askForNick();
  }

  /** What a command is given; made per command, so an idle connection holds none. */
  private commandContext(): CommandContext {
    return { chat: this.chat, member: this.member, view: this };
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
      if (this.member.registered) this.registered();
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

/** "/join" is a command; "//" starts a message that begins with a slash. */
function isCommand(input: string): boolean {
  return input.startsWith('/') && !input.startsWith('//');
}
