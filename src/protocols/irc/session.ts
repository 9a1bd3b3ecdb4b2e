import { ChatError } from '../../core/errors.js';
import type { ChatEvent } from '../../core/events.js';
import type {
  DisconnectCause,
  EncodingMemo,
  Member,
  MessageRun,
  PeerProfile,
} from '../../core/member.js';
import { foldCase } from '../../core/names.js';
import type { Connection } from '../../net/connection.js';
import type { FloodOptions } from '../../net/flood.js';
import { Session } from '../session.js';
import { CAP_CHATHISTORY, CAP_ECHO_MESSAGE, CAP_MULTI_PREFIX, ENCODING_BITS } from './caps.js';
import { answerBadInput, keepaliveDue } from './client-health.js';
import type { IrcClientState, IrcContext } from './commands/command.js';
import { IRC_COMMANDS, refusal } from './commands/index.js';
import { crowdNotice } from './crowd.js';
import { IrcDecoder, type IrcInput } from './decoder.js';
import type { IrcDoor } from './door.js';
import { privmsgLines } from './encode.js';
import { type IrcUser, knownUser, userMask, usernameFor } from './identity.js';
import type { IrcEncodeError, IrcMessage } from './message.js';
import { deliverAnswer, sendWallops } from './moderation-replies.js';
import { ERR_PASSWDMISMATCH, ERR_YOUREBANNEDCREEP } from './numerics.js';
import { IrcOutput, type IrcOutputTarget } from './output.js';
import { withRolePrefixes } from './prefixes.js';
import { sharedBytes, sharedRun } from './shared-lines.js';
import { isShown, type SharedEvent } from './shown.js';
import { sendWelcome } from './welcome.js';

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
export class IrcSession extends Session<IrcMessage> implements IrcClientState, IrcOutputTarget {
  readonly protocol = 'irc';
  /** Enabled capabilities (caps.ts bits). */
  caps = 0;
  /** CAP LS or REQ before registration holds registration until CAP END. */
  capHeld = false;
  pendingNick: string | undefined;
  user: { name: string; realname: string } | undefined;
  /** The last PASS before registration; forgotten once checked. */
  password: string | undefined;
  invisible = false;
  /** User mode +w: WALLOPS are shown (to server operators they are anyway). */
  wallops = false;
  private readonly decoder = new IrcDecoder();
  private lastInput = Date.now();
  private pingSentAt: number | undefined;
  private quitMessage: string | undefined;
  /** Replies, encoded and written to the connection. */
  private readonly out: IrcOutput;

  constructor(
    readonly door: IrcDoor,
    connection: Connection,
    /** Flood control; none for an exempt address. */
    flood?: FloodOptions,
  ) {
    super(door.chat, connection, {
      door: 'irc',
      log: door.log,
      registrationTimeoutMs: door.options.registrationTimeoutMs,
      maxPendingInputs: door.options.maxPendingInputs,
      maxMessagesInFlight: door.options.maxMessagesInFlight,
      flood,
      cloak: door.options.cloak,
    });
    this.out = new IrcOutput(this);
    connection.readForOwner();
    door.add(this);
  }

  /**
   * What each command is given: this client, seen through small interfaces. Made per command
   * rather than kept: an idle connection should cost as little memory as possible.
   */
  private get context(): IrcContext {
    return {
      chat: this.chat,
      member: this.member,
      server: this.door,
      replies: this.out,
      client: this,
    };
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

  /** Shown to everyone through the core: masks, WHO and WHOIS, and +i hiding from outsiders. */
  override profile(): PeerProfile {
    return {
      host: this.cloakedHost,
      realname: this.user?.realname ?? '',
      hidden: this.invisible,
      ...(this.user ? { username: `~${this.user.name}` } : {}),
    };
  }

  // ---- IrcOutputTarget: where this client's replies go ----------------------------------

  get host(): string {
    return this.door.host;
  }

  replyNick(): string {
    return this.nick;
  }

  capBits(): number {
    return this.caps;
  }

  userOf(nick: string): IrcUser {
    return knownUser(this.chat, nick);
  }

  outputClosed(): boolean {
    return this.connection.isClosing;
  }

  writeLines(lines: string): void {
    this.connection.send(Buffer.from(lines, 'utf8'));
  }

  noteError(error: unknown): ChatError {
    return this.noted(error);
  }

  encodeFailed(error: IrcEncodeError): void {
    this.door.log.error(
      { event: 'error', conn: this.connection.id, door: 'irc', err: error },
      'an IRC line could not be encoded; not sent',
    );
  }

  // ---- the core's side ------------------------------------------------------------------

  deliver(event: ChatEvent, viewer: Member, memo: EncodingMemo): void {
    if (this.connection.isClosing) return;
    switch (event.type) {
      case 'message':
      case 'private':
      case 'tags':
      case 'join':
      case 'part':
      case 'quit':
      case 'nick':
      case 'topic':
      case 'mode':
      case 'kick':
      case 'away':
        if (isShown(event, viewer.nickKey, this.caps)) this.deliverShared(event, memo);
        return;
      case 'wallops':
        if (this.wallops || viewer.operator !== undefined) {
          sendWallops(this.out, event, userMask(event.nick, this.userOf(event.nick)));
        }
        return;
      case 'invite':
      case 'modes-are':
      case 'sanctions':
      case 'modlog':
      case 'oper':
      case 'server-bans':
        deliverAnswer(event, viewer, this.out, this.door.host, (nick) =>
          userMask(nick, this.userOf(nick)),
        );
        return;
      case 'sent':
        if (this.has(CAP_ECHO_MESSAGE)) {
          this.out.write(() =>
            privmsgLines(
              { ...event, targetKey: foldCase(event.target), to: event.target },
              this.caps & ENCODING_BITS,
              userMask(event.from, this.userOf(event.from)),
            ),
          );
        }
        return;
      case 'history':
        // Replay on joining, for clients that do not fetch history themselves.
        if (event.reason === 'join' && !this.has(CAP_CHATHISTORY)) this.out.replay(event);
        return;
      case 'topic-is':
        this.out.topic(event.room, event.topic, event.setBy, event.setAt);
        return;
      case 'members':
        this.out.names(
          event.room,
          withRolePrefixes(event, this.has(CAP_MULTI_PREFIX)),
          this.chat.findRoom(event.room)?.mod.modes.secret,
        );
        return;
      case 'notice':
      case 'error':
        this.out.send({
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
      case 'kill':
      case 'server-ban':
        // IRC has its own welcome burst and LIST; it has no "current room"; kill and
        // server-ban are for the server's nodes.
        return;
      case 'crowd': {
        const notice = crowdNotice(event, this.door.host);
        if (notice) this.out.send(notice);
        return;
      }
    }
  }

  disconnect(reason: string, cause?: DisconnectCause): void {
    if (cause === 'banned') this.out.reply(ERR_YOUREBANNEDCREEP, 'You are banned from this server');
    this.close(cause ? reason : (this.quitMessage ?? reason));
  }

  /** Says why in an ERROR line (as IRC servers do), then closes. */
  close(reason: string): void {
    if (this.connection.isClosing) return;
    this.out.send({
      command: 'ERROR',
      params: [`Closing Link: ${this.nick} (${reason})`],
      trailing: true,
    });
    this.connection.end(reason);
  }

  private deliverShared(event: SharedEvent, memo: EncodingMemo): void {
    const bytes = sharedBytes(this, event, memo, this.caps & ENCODING_BITS);
    if (bytes.length > 0) this.connection.send(bytes);
  }

  /** Room messages, none of them this user's own (so each is shown): encoded once per variant. */
  deliverRun(run: MessageRun, _viewer: Member, from: number, to: number): void {
    if (this.connection.isClosing) return;
    sharedRun(this, run, this.caps & ENCODING_BITS).sendTo(this.connection, from, to);
  }

  // ---- input ----------------------------------------------------------------------------

  received(chunk: Buffer): void {
    this.lastInput = Date.now();
    this.pingSentAt = undefined;
    // Once the connection is going (cut off for flooding, say), the rest is not even parsed.
    this.decoder.each(chunk, (input) => {
      this.accept(input);
      return !this.connection.isClosing;
    });
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
    answerBadInput(input, this.out, (reason) => this.close(reason));
  }

  /** Messages: stored while later input is read, once the command is known to apply. */
  protected pipelined(message: IrcMessage): Promise<unknown> | undefined {
    if (!PIPELINED.has(message.command) || refusal(message, this.member.registered) !== undefined)
      return undefined;
    const command = IRC_COMMANDS.get(message.command)!;
    return Promise.resolve(command.run(this.context, message));
  }

  protected async handle(message: IrcMessage): Promise<void> {
    const refused = refusal(message, this.member.registered);
    if (refused) {
      // Not even "you have not registered": nothing answers a NOTICE (RFC 2812, 3.3.2).
      if (message.command !== 'NOTICE') this.out.reply(...refused);
      return;
    }
    await IRC_COMMANDS.get(message.command)!.run(this.context, message);
  }

  protected tell(error: ChatError, message: IrcMessage | undefined): void {
    this.out.tell(error, message?.command ?? '*');
  }

  // ---- registration and keepalive -------------------------------------------------------

  /**
   * Registers once NICK and USER are in and CAP negotiation (if any) has ended, if the
   * connection password (--irc-password) was given; without it the client is let go.
   */
  async tryRegister(): Promise<void> {
    const nick = this.pendingNick;
    if (this.member.registered || nick === undefined || !this.user || this.capHeld) return;
    const password = this.password;
    this.password = undefined;
    if (!this.door.acceptsPassword(password)) {
      this.out.reply(ERR_PASSWDMISMATCH, 'Password incorrect');
      this.close('Password incorrect');
      return;
    }
    this.user.name = usernameFor(this.user.name, nick);
    try {
      await this.chat.register(this.member, nick, { joinLobby: false });
    } catch (error) {
      this.pendingNick = undefined;
      this.out.reportError(error, 'NICK', nick);
      // Banned from the server: 465 says so, then the connection goes.
      if (error instanceof ChatError && error.closes) this.close(error.closes.reason);
      return;
    }
    if (!this.member.registered) return;
    this.registered();
    sendWelcome(this.context);
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
    const due = keepaliveDue(now, this.lastInput, this.pingSentAt, this.door.options);
    if (due === 'ping') {
      this.pingSentAt = now;
      this.out.send({ command: 'PING', params: [this.door.host] });
    } else if (due !== undefined) this.close(due.timedOut);
  }
}
