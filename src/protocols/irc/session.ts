import type { Chat } from '../../core/chat.js';
import type { ChatError } from '../../core/errors.js';
import type { ChatEvent } from '../../core/events.js';
import type { EncodingMemo, Member } from '../../core/member.js';
import { foldCase } from '../../core/names.js';
import type { Logger } from '../../log.js';
import type { Connection } from '../../net/connection.js';
import type { FloodOptions } from '../../net/flood.js';
import { Session } from '../session.js';
import {
  CAP_AWAY_NOTIFY,
  CAP_BATCH,
  CAP_CHATHISTORY,
  CAP_ECHO_MESSAGE,
  ENCODING_BITS,
} from './caps.js';
import { IRC_COMMANDS } from './commands/index.js';
import { FLOOD_BYTES, IrcDecoder, type IrcInput } from './decoder.js';
import {
  encodeShared,
  type HistoryLineSource,
  historyLines,
  packWords,
  privmsgLines,
  userSource,
} from './encode.js';
import { errorReply } from './errors.js';
import { IrcEncodeError, type IrcMessage, serializeMessage } from './message.js';
import {
  ERR_INPUTTOOLONG,
  ERR_NEEDMOREPARAMS,
  ERR_NOTREGISTERED,
  ERR_UNKNOWNCOMMAND,
  ERR_UNKNOWNERROR,
  RPL_ENDOFNAMES,
  RPL_NAMREPLY,
  RPL_NOTOPIC,
  RPL_TOPIC,
  RPL_TOPICWHOTIME,
} from './numerics.js';
import { sendWelcome } from './welcome.js';

export interface IrcDoorOptions {
  /** The name the server gives itself: prefix of its messages, 004, PONG, WHOIS 312. */
  serverName: string;
  /** MOTD lines; none sends 422. */
  motd: readonly string[];
  /** Time a connection has to register (NICK, USER, and CAP END if it started CAP). */
  registrationTimeoutMs: number;
  /** Silence after which a client is pinged... */
  pingIntervalMs: number;
  /** ...and how long it then has to say anything before it is dropped. */
  pingTimeoutMs: number;
  version: string;
  /** Inputs waiting to be handled before we stop reading the socket. */
  maxPendingInputs?: number;
  /** Messages of this connection being stored at once before its next input waits. */
  maxMessagesInFlight?: number;
}

/** What all of one door's sessions share. */
export class IrcDoor {
  readonly startedAt = new Date();
  /** Registered users with user mode +i, for LUSERS. */
  invisibleCount = 0;

  private readonly sessions = new Set<IrcSession>();
  private keepalive: NodeJS.Timeout | undefined;

  constructor(
    readonly chat: Chat,
    readonly options: IrcDoorOptions,
    readonly log: Logger,
  ) {}

  /**
   * Keepalive is one timer for the whole door, not one per client (each would cost an idle
   * connection memory): every quarter of the shorter of the two times, each client is looked
   * at once, so a PING or a drop comes at most that much late.
   */
  add(session: IrcSession): void {
    this.sessions.add(session);
    if (this.keepalive) return;
    const { pingIntervalMs, pingTimeoutMs } = this.options;
    const every = Math.max(Math.min(pingIntervalMs, pingTimeoutMs) / 4, 10);
    this.keepalive = setInterval(() => {
      const now = Date.now();
      for (const each of this.sessions) each.checkAlive(now);
    }, every);
    this.keepalive.unref();
  }

  remove(session: IrcSession): void {
    this.sessions.delete(session);
  }

  /** Closes every client with an ERROR line (which IRC clients expect), and stops the timer. */
  closeAll(reason: string): void {
    clearInterval(this.keepalive);
    for (const session of this.sessions) session.close(reason);
  }

  adjustInvisible(delta: number): void {
    this.invisibleCount += delta;
  }

  /** Users' masks are nick!nick@<this>. */
  get host(): string {
    return this.options.serverName;
  }
}

/** The memo key under which IRC sessions share a broadcast's encodings. */
const IRC_MEMO = Symbol('irc');

/**
 * Commands that take no flood token: keepalive must get through however far behind a client's
 * other input is (a PING still waits its turn, so the lag a client measures is real).
 */
const FLOOD_FREE = new Set(['PING', 'PONG']);

/** Commands whose messages may be stored while later input is read (see handleInput). */
const PIPELINED = new Set(['PRIVMSG', 'NOTICE']);

/**
 * One IRC client: registration, then commands, one at a time in the order sent (the shared
 * Session does the ordering, pipelining, deadline and clean-up). It is a Peer of the core
 * like the other doors' sessions, so IRC users share rooms and nicknames with everyone
 * else; events from the core become IRC lines, encoded once per variant.
 */
export class IrcSession extends Session<IrcMessage> {
  readonly protocol = 'irc';
  /** Enabled capabilities (caps.ts bits). */
  caps = 0;
  /** CAP LS or REQ before registration holds registration until CAP END. */
  capHeld = false;
  pendingNick: string | undefined;
  user: { name: string; realname: string } | undefined;
  invisible = false;
  private readonly decoder = new IrcDecoder();
  private lastInput = Date.now();
  private pingSentAt: number | undefined;
  private quitMessage: string | undefined;
  private batchCount = 0;

  constructor(
    readonly door: IrcDoor,
    connection: Connection,
    /** Flood control; none for an exempt address. */
    flood?: FloodOptions,
  ) {
    super(door.chat, connection, {
      source: connection.socket,
      door: 'irc',
      log: door.log,
      registrationTimeoutMs: door.options.registrationTimeoutMs,
      maxPendingInputs: door.options.maxPendingInputs,
      maxMessagesInFlight: door.options.maxMessagesInFlight,
      flood,
    });
    connection.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    door.add(this);
  }

  protected override closed(): void {
    this.door.remove(this);
    if (this.invisible) this.door.adjustInvisible(-1);
  }

  protected registrationTimedOut(): void {
    this.close('Registration timed out');
  }

  protected excessFlood(): void {
    this.close('Excess Flood');
  }

  protected override acceptsInput(): boolean {
    return !this.connection.isClosing;
  }

  protected override isFloodFree(message: IrcMessage): boolean {
    return FLOOD_FREE.has(message.command);
  }

  /** The nickname to address replies to: '*' until there is one. */
  get nick(): string {
    return this.member.nick ?? '*';
  }

  has(cap: number): boolean {
    return (this.caps & cap) !== 0;
  }

  // ---- output ---------------------------------------------------------------------------

  /** Writes one message; one that cannot be written safely is logged and dropped, never sent. */
  send(message: IrcMessage): void {
    this.write(() => serializeMessage(message, { fit: true }));
  }

  /** A numeric reply from the server to this client; the last param is text. */
  reply(numeric: string, ...params: string[]): void {
    this.send({
      source: this.door.host,
      command: numeric,
      params: [this.nick, ...params],
      trailing: true,
    });
  }

  /** A numeric whose last param is a token, not text (324, 329, 333, 221...). */
  replyPlain(numeric: string, ...params: string[]): void {
    this.send({ source: this.door.host, command: numeric, params: [this.nick, ...params] });
  }

  /** An IRCv3 standard reply: FAIL <command> <code> [context...] :<text>. */
  fail(command: string, code: string, ...contextAndText: string[]): void {
    this.send({
      source: this.door.host,
      command: 'FAIL',
      params: [command, code, ...contextAndText],
      trailing: true,
    });
  }

  writeRaw(lines: string): void {
    if (lines !== '') this.connection.send(Buffer.from(lines, 'utf8'));
  }

  private write(encode: () => string): void {
    if (this.connection.isClosing) return;
    try {
      this.writeRaw(encode());
    } catch (error) {
      this.encodeFailed(error);
    }
  }

  private encodeFailed(error: unknown): void {
    if (!(error instanceof IrcEncodeError)) throw error;
    this.door.log.error(
      { event: 'error', conn: this.connection.id, door: 'irc', err: error },
      'an IRC line could not be encoded; not sent',
    );
  }

  /** A batch reference unique on this connection. */
  nextBatch(): string {
    this.batchCount += 1;
    return `b${this.batchCount.toString(36)}`;
  }

  /** Lines between BATCH +ref type ...params and BATCH -ref (when the client has batch). */
  inBatch(type: string, params: string[], body: (batch: string | undefined) => string): void {
    const batch = this.has(CAP_BATCH) ? this.nextBatch() : undefined;
    this.write(() => {
      let out = '';
      if (batch) {
        out += serializeMessage({
          source: this.door.host,
          command: 'BATCH',
          params: [`+${batch}`, type, ...params],
        });
      }
      out += body(batch);
      if (batch)
        out += serializeMessage({
          source: this.door.host,
          command: 'BATCH',
          params: [`-${batch}`],
        });
      return out;
    });
  }

  // ---- the core's side ------------------------------------------------------------------

  deliver(event: ChatEvent, viewer: Member, memo: EncodingMemo): void {
    if (this.connection.isClosing) return;
    switch (event.type) {
      case 'private':
        // The sender gets a copy: shown only to clients that asked for their own messages back
        // (a message to oneself is also a message received, so it is always shown).
        if (
          foldCase(event.from) === viewer.nickKey &&
          foldCase(event.to) !== viewer.nickKey &&
          !this.has(CAP_ECHO_MESSAGE)
        ) {
          return;
        }
        this.deliverShared(event, memo);
        return;
      case 'away':
        if (this.has(CAP_AWAY_NOTIFY)) this.deliverShared(event, memo);
        return;
      case 'message':
      case 'join':
      case 'part':
      case 'quit':
      case 'nick':
      case 'topic':
        this.deliverShared(event, memo);
        return;
      case 'sent':
        if (this.has(CAP_ECHO_MESSAGE)) {
          this.write(() =>
            privmsgLines(
              { ...event, targetKey: foldCase(event.target), to: event.target },
              this.caps & ENCODING_BITS,
              this.door.host,
            ),
          );
        }
        return;
      case 'history':
        // Replay on joining, for clients that do not fetch history themselves.
        if (event.reason === 'join' && !this.has(CAP_CHATHISTORY)) this.replay(event);
        return;
      case 'topic-is':
        this.sendTopic(event.room, event.topic, event.setBy, event.setAt);
        return;
      case 'members':
        this.sendNames(event.room, event.nicks);
        return;
      case 'notice':
      case 'error':
        this.send({
          source: this.door.host,
          command: 'NOTICE',
          params: [this.nick, event.type === 'notice' ? event.text : event.message],
          trailing: true,
        });
        return;
      case 'welcome':
      case 'current-room':
      case 'room-list':
      case 'help':
      case 'crowd':
        // IRC has its own welcome burst and LIST; it has no "current room"; its clients keep
        // their member lists from every JOIN and PART, so a summary would only repeat them.
        return;
    }
  }

  disconnect(reason: string): void {
    this.close(this.quitMessage ?? reason);
  }

  /** Says why in an ERROR line (as IRC servers do), then closes. */
  close(reason: string): void {
    if (this.connection.isClosing) return;
    this.send({
      command: 'ERROR',
      params: [`Closing Link: ${this.nick} (${reason})`],
      trailing: true,
    });
    this.connection.end(reason);
  }

  private deliverShared(event: ChatEvent, memo: EncodingMemo): void {
    let shared = memo.get(IRC_MEMO) as Array<Buffer | undefined> | undefined;
    if (!shared) {
      shared = [];
      memo.set(IRC_MEMO, shared);
    }
    const variant = this.caps & ENCODING_BITS;
    let bytes = shared[variant];
    if (!bytes) {
      try {
        bytes = Buffer.from(
          encodeShared(event, variant, this.door.host, (nick) => this.chat.findMember(nick)?.away),
          'utf8',
        );
      } catch (error) {
        this.encodeFailed(error);
        bytes = Buffer.alloc(0);
      }
      shared[variant] = bytes;
    }
    if (bytes.length > 0) this.connection.send(bytes);
  }

  private replay(event: Extract<ChatEvent, { type: 'history' }>): void {
    const messages = event.messages.map(({ id, from, text, action, time }) => ({
      id,
      sender: from,
      text,
      action,
      time,
    }));
    this.sendHistory({ name: event.target, isPrivate: event.private }, messages);
  }

  /** Stored messages of a room or conversation, as a chathistory batch (when batches are on). */
  sendHistory(
    target: { name: string; isPrivate: boolean },
    messages: readonly HistoryLineSource[],
  ): void {
    this.inBatch('chathistory', [target.name], (batch) =>
      historyLines(messages, target, this.nick, this.caps & ENCODING_BITS, this.door.host, batch),
    );
  }

  sendTopic(
    room: string,
    topic: string,
    setBy: string | undefined,
    setAt: number | undefined,
  ): void {
    if (!topic) {
      this.reply(RPL_NOTOPIC, room, 'No topic is set');
      return;
    }
    this.reply(RPL_TOPIC, room, topic);
    if (setBy !== undefined && setAt !== undefined) {
      this.replyPlain(
        RPL_TOPICWHOTIME,
        room,
        userSource(setBy, this.door.host),
        String(Math.floor(setAt / 1000)),
      );
    }
  }

  /** 353 lines (as many as the names need) and 366. Every channel here is public: "=". */
  sendNames(room: string, nicks: readonly string[]): void {
    this.write(() => {
      const lines =
        nicks.length === 0
          ? []
          : packWords(nicks, (joined) => ({
              source: this.door.host,
              command: RPL_NAMREPLY,
              params: [this.nick, '=', room, joined],
              trailing: true,
            }));
      return (
        lines.join('') +
        serializeMessage({
          source: this.door.host,
          command: RPL_ENDOFNAMES,
          params: [this.nick, room, 'End of /NAMES list'],
          trailing: true,
        })
      );
    });
  }

  // ---- input ----------------------------------------------------------------------------

  private receive(chunk: Buffer): void {
    this.lastInput = Date.now();
    this.pingSentAt = undefined;
    for (const input of this.decoder.push(chunk)) this.accept(input);
  }

  private accept(input: IrcInput): void {
    if (input.kind === 'message') {
      const { command, params } = input.message;
      this.inputs.push(
        input.message,
        params.reduce((bytes, param) => bytes + param.length + 1, command.length),
      );
      return;
    }
    this.badInput(input.code);
    const command = input.command ?? '*';
    switch (input.code) {
      case 'FLOOD':
        this.close(`Input line over ${FLOOD_BYTES / 1024} KiB`);
        return;
      case 'INPUT_TOO_LONG':
        this.reply(ERR_INPUTTOOLONG, 'Input line was too long');
        return;
      case 'INVALID_UTF8':
        this.fail(command, 'INVALID_UTF8', 'Message rejected: it was not valid UTF-8');
        return;
      case 'NUL':
        this.reply(ERR_UNKNOWNERROR, command, 'Message rejected: it contained a NUL byte');
        return;
      case 'UNKNOWN_COMMAND':
        this.reply(ERR_UNKNOWNCOMMAND, command, 'Unknown command');
        return;
    }
  }

  /** Messages: stored while later input is read, once the command is known to apply. */
  protected pipelined(message: IrcMessage): Promise<unknown> | undefined {
    if (!PIPELINED.has(message.command) || this.refusal(message) !== undefined) return undefined;
    const command = IRC_COMMANDS.get(message.command)!;
    return Promise.resolve(command.run(this.commandContext(), message));
  }

  protected async handle(message: IrcMessage): Promise<void> {
    const refusal = this.refusal(message);
    if (refusal) {
      this.reply(...refusal);
      return;
    }
    await IRC_COMMANDS.get(message.command)!.run(this.commandContext(), message);
  }

  /** Why a command cannot run now, as the numeric and params to reply with. */
  private refusal(message: IrcMessage): [string, ...string[]] | undefined {
    const command = IRC_COMMANDS.get(message.command);
    const registered = this.member.registered;
    if (!command) {
      return registered
        ? [ERR_UNKNOWNCOMMAND, message.command, 'Unknown command']
        : [ERR_NOTREGISTERED, 'You have not registered'];
    }
    if (!command.beforeRegistration && !registered) {
      return [ERR_NOTREGISTERED, 'You have not registered'];
    }
    if (message.params.length < command.minParams) {
      return [ERR_NEEDMOREPARAMS, message.command, 'Not enough parameters'];
    }
    return undefined;
  }

  private commandContext() {
    return { chat: this.chat, member: this.member, session: this };
  }

  protected tell(error: ChatError, message: IrcMessage | undefined): void {
    this.tellError(error, message?.command ?? '*');
  }

  /** A core error met while running `command` about `subject`, as the numeric for it. */
  reportError(error: unknown, command: string, subject?: string): void {
    this.tellError(this.noted(error), command, subject);
  }

  private tellError(error: ChatError, command: string, subject?: string): void {
    // NOTICE never gets an automatic reply, errors included (RFC 2812, 3.3.2).
    if (command === 'NOTICE' && error.code !== 'INTERNAL_ERROR') return;
    const { numeric, params } = errorReply(error, command, subject);
    this.reply(numeric, ...params);
  }

  // ---- registration and keepalive -------------------------------------------------------

  /** Registers once NICK and USER are in and CAP negotiation (if any) has ended. */
  async tryRegister(): Promise<void> {
    const nick = this.pendingNick;
    if (this.member.registered || nick === undefined || !this.user || this.capHeld) return;
    try {
      await this.chat.register(this.member, nick, { joinLobby: false });
    } catch (error) {
      this.pendingNick = undefined;
      this.reportError(error, 'NICK', nick);
      return;
    }
    if (!this.member.registered) return;
    this.registered();
    sendWelcome(this);
  }

  setQuitMessage(message: string): void {
    this.quitMessage = message;
  }

  markInvisible(on: boolean): void {
    if (on === this.invisible) return;
    this.invisible = on;
    this.door.adjustInvisible(on ? 1 : -1);
  }

  /**
   * Called by the door's keepalive timer. Input only stamps the time; here a registered
   * client silent past the interval is sent a PING, and one still silent a timeout after
   * that is dropped. (Unregistered ones have their registration deadline instead.)
   */
  checkAlive(now: number): void {
    if (this.connection.isClosing || !this.member.registered) return;
    const { pingIntervalMs, pingTimeoutMs } = this.door.options;
    if (this.pingSentAt !== undefined) {
      if (now - this.pingSentAt >= pingTimeoutMs) {
        this.close(`Ping timeout: ${Math.round(pingTimeoutMs / 1000)} seconds`);
      }
      return;
    }
    if (now - this.lastInput < pingIntervalMs) return;
    this.pingSentAt = now;
    this.send({ command: 'PING', params: [this.door.host] });
  }
}
