import type { Chat } from '../../core/chat.js';
import { ChatError } from '../../core/errors.js';
import type { ChatEvent } from '../../core/events.js';
import type { StoredMessage } from '../../core/history.js';
import type { DisconnectCause, EncodingMemo, Member, MessageRun } from '../../core/member.js';
import { RECONNECT_ELSEWHERE } from '../../core/member.js';
import { foldCase } from '../../core/names.js';
import { runRequest } from '../../core/requests.js';
import { MAX_ROOM_PAGE } from '../../core/room-list.js';
import type { Logger } from '../../log.js';
import type { Cloak } from '../../net/cloak.js';
import type { Connection } from '../../net/connection.js';
import type { FloodOptions } from '../../net/flood.js';
import { EncodedRun, MemoSlot, Session } from '../session.js';
import { decodeClientMessage, encodeServerMessage, toServerMessage } from './codec.js';
import { WsLink, type WsLinkOwner } from './link.js';
import {
  CLOSE_CODES,
  type ClientMessage,
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_CLIENT_MESSAGE_FRAGMENTS,
  type ServerMessage,
} from './protocol.js';
import type { RecentSends } from './recent-sends.js';

/** What every WebSocket session shares: the core, the door's settings, recent sends. */
export interface WsDoorContext {
  chat: Chat;
  recentSends: RecentSends;
  log: Logger;
  nickTimeoutMs: number;
  /** How long a closing connection may wait for the client's close frame. */
  closeGraceMs: number;
  /** Requests waiting to be handled before we stop reading the socket. */
  maxPendingRequests?: number;
  /** Sends of this connection being stored at once before its next request waits. */
  maxSendsInFlight?: number;
  /** The host others are shown for a client's address. */
  cloak?: Cloak;
}

/** A broadcast's frame (or null: nothing to send), shared by every WebSocket recipient. */
const FRAME = new MemoSlot<Buffer | null>('ws frame');
/** A run's frames (LocalFanout.batch): the same for every recipient. */
const RUN = new MemoSlot<EncodedRun>('ws run');
const EMPTY = Buffer.alloc(0);

function frameOf(event: ChatEvent, memo: EncodingMemo): Buffer | null {
  let frame = FRAME.peek(memo);
  if (frame === undefined) {
    const message = toServerMessage(event);
    frame = FRAME.put(memo, message === undefined ? null : encodeServerMessage(message));
  }
  return frame;
}

/** The close code for each reason a server operator (or a failed OPER) ends a connection. */
const CAUSE_CODES: Record<DisconnectCause, number> = {
  killed: CLOSE_CODES.KILLED,
  banned: CLOSE_CODES.BANNED,
  'oper-failed': CLOSE_CODES.OPER_FAILED,
};

/** Requests that need no nickname. */
const BEFORE_NICK: ReadonlySet<ClientMessage['type']> = new Set(['hello', 'ping', 'quit']);

/**
 * One WebSocket client as the core sees it. Its link reads the frames (masks, UTF-8, size
 * limits, ping/pong, the close handshake); writes bypass it: each broadcast is framed once
 * and the same bytes go to every recipient's socket through the shared per-turn batching of
 * Connection, which also drops a client whose unread output passes the limit.
 */
export class WsSession extends Session<ClientMessage> implements WsLinkOwner {
  readonly protocol = 'ws';
  private readonly link: WsLink;
  /** Whether the client said anything (a message, a pong) since the last heartbeat. */
  private heard = true;
  /** The nickname of the last hello received, whose sends may be retries (see isFloodFree). */
  private helloKey: string | undefined;
  /** Set when the server begins to shut down: nothing more is read from the client. */
  private shuttingDown = false;

  constructor(
    connection: Connection,
    private readonly door: WsDoorContext,
    /** Flood control; none for an exempt address. */
    flood?: FloodOptions,
  ) {
    super(door.chat, connection, {
      door: 'ws',
      log: door.log,
      registrationTimeoutMs: door.nickTimeoutMs,
      maxPendingInputs: door.maxPendingRequests,
      maxMessagesInFlight: door.maxSendsInFlight,
      flood,
      cloak: door.cloak,
    });
    const limits = {
      maxMessageBytes: MAX_CLIENT_MESSAGE_BYTES,
      maxFragments: MAX_CLIENT_MESSAGE_FRAGMENTS,
    };
    this.link = new WsLink(connection, limits, door.closeGraceMs, this);
    connection.readForOwner();
  }

  received(chunk: Buffer): void {
    this.link.received(chunk);
  }

  heardMessage(data: Buffer, isBinary: boolean): void {
    this.heard = true;
    this.receive(data, isBinary);
  }

  heardPong(): void {
    this.heard = true;
  }

  protocolViolation(code: string | undefined): void {
    this.door.log.info(
      { event: 'error', conn: this.connection.id, door: 'ws', code },
      'bad websocket input',
    );
  }

  // Once stopped (the server is shutting down) nothing more is read for input.
  override resume(): void {
    if (!this.shuttingDown) super.resume();
  }

  protected registrationTimedOut(): void {
    this.sendError(new ChatError('NICK_TIMEOUT', 'No hello came in time; goodbye.'), undefined);
    this.close(CLOSE_CODES.NICK_TIMEOUT, 'No nickname given in time');
  }

  deliver(event: ChatEvent, viewer: Member, memo: EncodingMemo): void {
    if (!this.link.isOpen) return;
    // Sent to everyone; shown to server operators only.
    if (event.type === 'wallops' && viewer.operator === undefined) return;
    const frame = frameOf(event, memo);
    if (frame !== null) this.connection.send(frame);
  }

  deliverRun(run: MessageRun, _viewer: Member, from: number, to: number): void {
    if (!this.link.isOpen) return;
    let encoded = RUN.peek(run.memo);
    if (!encoded) {
      const frames = run.events.map((event, i) => frameOf(event, run.memos[i]!) ?? EMPTY);
      encoded = RUN.put(run.memo, new EncodedRun(frames));
    }
    encoded.sendTo(this.connection, from, to);
  }

  disconnect(reason: string, cause?: DisconnectCause): void {
    const code = cause
      ? CAUSE_CODES[cause]
      : reason === 'Quit'
        ? CLOSE_CODES.NORMAL
        : reason === RECONNECT_ELSEWHERE
          ? CLOSE_CODES.SERVICE_RESTART
          : CLOSE_CODES.TOO_FAR_BEHIND;
    this.close(code, reason);
  }

  /**
   * Called by the door every heartbeat interval: a client that said nothing since the last
   * one, not even the pong to its ping, is gone without a word (a laptop that slept, a
   * network that changed) and is dropped, freeing its nickname; the others are pinged.
   */
  heartbeat(): void {
    if (!this.link.isOpen) return;
    if (!this.heard) {
      this.connection.abort('No answer to ping');
      return;
    }
    this.heard = false;
    this.link.ping();
  }

  /**
   * For shutdown: stops reading, then handles every request already read, so each send that
   * gets stored is acknowledged, and only then closes. A send the client made after this is
   * never read, so never stored: it gets no ack, and its retry after the restart is new.
   * Waits at most `graceMs` for the requests (a client that does not read its acks could
   * otherwise hold shutdown up).
   */
  async shutdown(code: number, reason: string, graceMs: number): Promise<void> {
    this.shuttingDown = true;
    this.pause();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    try {
      await Promise.race([this.inputs.drained(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    // Read again, only to see the client's close frame: messages are dropped from now on.
    super.resume();
    this.close(code, reason);
  }

  /** Closes with a close frame, after whatever this turn has already queued for the client. */
  close(code: number, reason: string): void {
    // A close reason is at most 123 bytes; ours are short ASCII.
    this.link.close(code, reason.slice(0, 120));
  }

  private send(message: ServerMessage): void {
    if (this.link.isOpen) this.connection.send(encodeServerMessage(message));
  }

  private receive(data: Buffer, isBinary: boolean): void {
    // Frames read in the same chunk as those before the pause: not read.
    if (this.shuttingDown) return;
    if (isBinary) {
      this.badInput('BINARY');
      this.close(CLOSE_CODES.UNSUPPORTED_DATA, 'Send JSON as text messages');
      return;
    }
    // The link has already checked the UTF-8 (closing with 1007 when it was not).
    const decoded = decodeClientMessage(data.toString('utf8'));
    if (!decoded.ok) {
      this.badInput(decoded.error.code);
      this.sendError(decoded.error, decoded.ref);
      return;
    }
    if (decoded.message.type === 'hello') this.helloKey = foldCase(decoded.message.nick);
    this.inputs.push(decoded.message, data.length);
  }

  /**
   * Requests that take no flood token: pings (keepalive), and retries of sends already
   * stored under this nickname, which the web client resends after a reconnect and which
   * store nothing again. They are judged when they arrive, often before the hello ahead of
   * them is handled, hence the hello's nickname.
   */
  protected override isFloodFree(message: ClientMessage): boolean {
    if (message.type === 'ping') return true;
    if (message.type !== 'send' || message.ref === undefined) return false;
    const nickKey = this.member.nickKey ?? this.helloKey;
    return nickKey !== undefined && this.door.recentSends.has(nickKey, message.ref);
  }

  protected excessFlood(): void {
    this.close(CLOSE_CODES.EXCESS_FLOOD, 'Excess flood');
  }

  /** Sends: stored while later requests are read (see Session). */
  protected pipelined(message: ClientMessage): Promise<unknown> | undefined {
    return message.type === 'send' ? this.sendMessage(message) : undefined;
  }

  private async sendMessage(message: Extract<ClientMessage, { type: 'send' }>): Promise<void> {
    const { chat, recentSends } = this.door;
    const member = this.member;
    try {
      if (!member.registered) throw new ChatError('NICK_REQUIRED');
      // The ref goes to the store with the message, so a retry after a restart is found too.
      const store = (): Promise<StoredMessage> =>
        message.to.startsWith('#')
          ? chat.say(member, message.text, {
              room: message.to,
              action: message.action ?? false,
              ref: message.ref,
            })
          : chat.privateMessage(
              member,
              message.to,
              message.text,
              message.action ?? false,
              message.ref,
            );
      const stored =
        message.ref === undefined
          ? await store()
          : await recentSends.once(member.nickKey!, message.ref, store);
      this.send({
        type: 'ack',
        ref: message.ref ?? null,
        id: stored.id,
        to: message.to,
        time: stored.time,
      });
    } catch (error) {
      this.tell(this.noted(error), message);
    }
  }

  protected async handle(message: ClientMessage): Promise<void> {
    if (message.type === 'send') return this.sendMessage(message);
    const { chat } = this.door;
    const member = this.member;
    if (!member.registered && !BEFORE_NICK.has(message.type)) {
      throw new ChatError('NICK_REQUIRED', 'Send "hello" with a nickname first.');
    }
    switch (message.type) {
      case 'hello':
        return this.hello(message);
      case 'nick':
        return chat.changeNick(member, message.nick);
      case 'join':
        await chat.join(
          member,
          message.room,
          message.key === undefined ? {} : { key: message.key },
        );
        return;
      case 'part':
        return chat.part(member, message.room, message.reason ?? '');
      case 'topic':
        if (message.topic === undefined) return chat.showTopic(member, message.room);
        return chat.setTopic(member, message.room, message.topic.trim());
      case 'rooms':
        return chat.listRooms(member, message.offset ?? 0, message.limit ?? MAX_ROOM_PAGE);
      case 'members':
        return chat.listMembers(member, message.room);
      case 'history':
        return chat.showHistory(member, message.target, {
          before: message.before,
          after: message.after,
          limit: message.limit ?? 50,
        });
      case 'search':
        if (message.query.trim() === '') {
          throw new ChatError('BAD_ARGUMENTS', '"query" needs at least one word.');
        }
        return chat.search(member, message.room, message.query);
      case 'resume':
        return chat.resume(member, message.room, message.after);
      case 'ping':
        this.send({ type: 'pong', ref: message.ref ?? null });
        return;
      case 'quit':
        if (member.registered) chat.quit(member, message.reason ?? '');
        else this.close(CLOSE_CODES.NORMAL, 'Quit');
        return;
      default:
        return runRequest(chat, member, message);
    }
  }

  /**
   * Takes the nickname, then resumes the rooms the client was in. Each room is resumed on
   * its own: one that fails (say, a room name no longer valid) is reported and the rest go on.
   */
  private async hello(message: Extract<ClientMessage, { type: 'hello' }>): Promise<void> {
    const { chat } = this.door;
    const lobby = foldCase(chat.lobby);
    const resume = message.resume ?? [];
    const resumesLobby = resume.some((point) => foldCase(point.room) === lobby);
    try {
      // A client coming back says which rooms it was in: one that had left the lobby is not
      // put back in it. The lobby it resumes is joined without the usual replay.
      await chat.register(this.member, message.nick, {
        joinLobby: resume.length === 0 || resumesLobby,
        replay: !resumesLobby,
      });
    } finally {
      if (this.member.registered) this.registered();
    }
    for (const point of resume) {
      try {
        await chat.resume(this.member, point.room, point.after);
      } catch (error) {
        this.tell(this.noted(error), message);
      }
    }
  }

  protected tell(error: ChatError, message: ClientMessage | undefined): void {
    this.sendError(error, message?.ref);
  }

  private sendError(error: ChatError, ref: string | undefined): void {
    this.send({ type: 'error', code: error.code, message: error.message, ref: ref ?? null });
  }
}
