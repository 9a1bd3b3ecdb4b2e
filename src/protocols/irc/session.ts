import type { Chat } from '../../core/chat.js';
import { ChatError } from '../../core/errors.js';
import type { ChatEvent } from '../../core/events.js';
import type { EncodingMemo, Member, Peer } from '../../core/member.js';
import { foldCase } from '../../core/names.js';
import type { Logger } from '../../log.js';
import type { Connection } from '../../net/connection.js';
import { type FloodOptions, floodControl } from '../../net/flood.js';
import { InputQueue } from '../../net/input-queue.js';
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
import { IrcEncodeError, type IrcMessage, serializeMessage } from './message.js';
import {
  ERR_ERRONEUSNICKNAME,
  ERR_INPUTTOOLONG,
  ERR_NEEDMOREPARAMS,
  ERR_NICKNAMEINUSE,
  ERR_NICKTOOFAST,
  ERR_NOSUCHCHANNEL,
  ERR_NOSUCHNICK,
  ERR_NOTONCHANNEL,
  ERR_NOTREGISTERED,
  ERR_TOOMANYCHANNELS,
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
 * One IRC client: registration, then commands, one at a time in the order sent. It is a Peer
 * of the core like the text doors' sessions, so IRC users share rooms and nicknames with
 * everyone else; events from the core become IRC lines, encoded once per variant.
 */
export class IrcSession implements Peer {
  readonly protocol = 'irc';
  readonly member: Member;
  /** Enabled capabilities (caps.ts bits). */
  caps = 0;
  /** CAP LS or REQ before registration holds registration until CAP END. */
  capHeld = false;
  pendingNick: string | undefined;
  user: { name: string; realname: string } | undefined;
  invisible = false;
  private readonly decoder = new IrcDecoder();
  private readonly inputs: InputQueue<IrcMessage>;
  private registrationTimer: NodeJS.Timeout | undefined;
  private lastInput = Date.now();
  private pingSentAt: number | undefined;
  private quitMessage: string | undefined;
  private batchCount = 0;

  constructor(
    readonly door: IrcDoor,
    private readonly connection: Connection,
    /** Flood control; none for an exempt address. */
    flood?: FloodOptions,
  ) {
    this.inputs = new InputQueue(connection.socket, this, {
      maxPending: door.options.maxPendingInputs,
      maxInFlight: door.options.maxMessagesInFlight,
      outbound: connection,
      ...(flood
        ? {
            flood: floodControl<IrcMessage>(
              flood,
              () => this.close('Excess Flood'),
              (message) => FLOOD_FREE.has(message.command),
            ),
          }
        : {}),
    });
    this.member = door.chat.attach(this);
    this.registrationTimer = setTimeout(
      () => this.close('Registration timed out'),
      door.options.registrationTimeoutMs,
    );
    connection.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    door.add(this);
    connection.onClose((reason) => {
      clearTimeout(this.registrationTimer);
      door.remove(this);
      if (this.invisible) door.adjustInvisible(-1);
      // As on the text doors: what was sent beyond the flood allowance is not handled.
      this.inputs.dropDelayed();
      void this.inputs.drained().then(() => door.chat.detach(this.member, reason));
    });
  }

  get chat(): Chat {
    return this.door.chat;
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

  caughtUp(): Promise<void> {
    return this.connection.caughtUp();
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
    this.door.log.info(
      { event: 'error', conn: this.connection.id, door: 'irc', code: input.code },
      'bad input',
    );
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

  async handleInput(message: IrcMessage): Promise<void> {
    if (this.member.gone || this.connection.isClosing) return;
    const command = IRC_COMMANDS.get(message.command);
    if (!command) {
      if (this.member.registered)
        this.reply(ERR_UNKNOWNCOMMAND, message.command, 'Unknown command');
      else this.reply(ERR_NOTREGISTERED, 'You have not registered');
      return;
    }
    if (!command.beforeRegistration && !this.member.registered) {
      this.reply(ERR_NOTREGISTERED, 'You have not registered');
      return;
    }
    if (message.params.length < command.minParams) {
      this.reply(ERR_NEEDMOREPARAMS, message.command, 'Not enough parameters');
      return;
    }
    const context = { chat: this.chat, member: this.member, session: this };
    try {
      if (PIPELINED.has(message.command)) {
        // Messages are not waited for one by one: the core has already checked them and
        // picked their room, and the store keeps them in order, so the next line can be read
        // while this one is stored.
        const work = Promise.resolve(command.run(context, message));
        await this.inputs.pipeline(
          work.catch((error: unknown) => this.report(error, message.command)),
        );
      } else {
        // Anything else acts after the messages sent before it.
        await this.inputs.settle();
        await command.run(context, message);
      }
    } catch (error) {
      this.report(error, message.command);
    }
  }

  /** A ChatError from the core, as the numeric IRC clients know for it. */
  report(error: unknown, command: string, subject?: string): void {
    if (!(error instanceof ChatError)) {
      this.door.log.error(
        { event: 'error', conn: this.connection.id, err: error },
        'internal error',
      );
      this.reply(ERR_UNKNOWNERROR, command, 'Internal error');
      return;
    }
    // NOTICE never gets an automatic reply, errors included (RFC 2812, 3.3.2).
    if (command === 'NOTICE') return;
    if (error.code === 'STORE_FAILED') {
      this.door.log.warn(
        { event: 'error', conn: this.connection.id, code: error.code, err: error.cause },
        'store failed',
      );
    }
    const about = subject ?? '*';
    switch (error.code) {
      case 'NICK_INVALID':
        this.reply(ERR_ERRONEUSNICKNAME, about, 'Erroneous nickname');
        return;
      case 'NICK_TAKEN':
        this.reply(ERR_NICKNAMEINUSE, about, 'Nickname is already in use');
        return;
      case 'NO_SUCH_NICK':
        this.reply(ERR_NOSUCHNICK, about, 'No such nick/channel');
        return;
      case 'ROOM_INVALID':
      case 'NO_SUCH_ROOM':
        this.reply(ERR_NOSUCHCHANNEL, about, 'No such channel');
        return;
      case 'NOT_IN_ROOM':
        this.reply(ERR_NOTONCHANNEL, about, "You're not on that channel");
        return;
      // The numerics clients show for "no more channels" and "nick change too fast", with
      // our message, which says how long to wait or why.
      case 'ROOM_RATE_LIMIT':
      case 'ROOM_LIMIT':
        this.reply(ERR_TOOMANYCHANNELS, about, error.message);
        return;
      case 'NICK_RATE_LIMIT':
        this.reply(ERR_NICKTOOFAST, about, error.message);
        return;
      default:
        this.reply(ERR_UNKNOWNERROR, command, error.message);
    }
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
      this.report(error, 'NICK', nick);
      return;
    }
    if (!this.member.registered) return;
    clearTimeout(this.registrationTimer);
    this.registrationTimer = undefined;
    this.connection.markRegistered();
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
