import { Chat, type ChatOptions } from '../../../core/chat.js';
import { ChatError } from '../../../core/errors.js';
import { actorOf, type ChatEvent } from '../../../core/events.js';
import type { Member, Peer, PeerProfile } from '../../../core/member.js';
import { MemoryStore } from '../../../store/memory.js';
import { ENCODING_BITS } from '../caps.js';
import type { IrcClientState, IrcContext, IrcServer } from '../commands/command.js';
import { IRC_COMMANDS, refusal } from '../commands/index.js';
import { encodeShared } from '../encode.js';
import { knownUser, usernameFor } from '../identity.js';
import { parseMessage } from '../message.js';
import { IrcOutput } from '../output.js';

export const TEST_HOST = 'irc.test';
/** The host every test client is shown with, as if it were their address's cloak. */
export const TEST_USER_HOST = 'user.test';

/**
 * An IRC client without a socket, for running commands against a real in-process Chat: the
 * core's Peer, the client state commands change, and every line it was sent, as the bytes
 * IrcOutput wrote (without CR LF). Events that read the same for everyone (JOIN, PART,
 * PRIVMSG...) and the topic and names sent on joining become lines too; every event is also
 * kept in `events`. Of IrcSession's rules only one is copied: without echo-message, one's own
 * private messages are not sent back; replays and notices stay events.
 */
export class TestIrcClient implements Peer, IrcClientState {
  readonly protocol = 'irc';
  readonly lines: string[] = [];
  readonly events: ChatEvent[] = [];
  caps = 0;
  capHeld = false;
  pendingNick: string | undefined;
  user: { name: string; realname: string } | undefined;
  password: string | undefined;
  invisible = false;
  wallops = false;
  quitMessage: string | undefined;
  closedFor: string | undefined;
  readonly member: Member;
  readonly replies: IrcOutput;

  constructor(
    readonly chat: Chat,
    readonly server: IrcServer & { invisibleCount: number },
  ) {
    this.member = chat.attach(this);
    this.replies = new IrcOutput({
      host: server.host,
      replyNick: () => this.member.nick ?? '*',
      capBits: () => this.caps,
      outputClosed: () => this.closedFor !== undefined,
      writeLines: (lines) => this.record(lines),
      encodeFailed: (error) => {
        throw error;
      },
      noteError: (error) => (error instanceof ChatError ? error : new ChatError('INTERNAL_ERROR')),
      userOf: (nick) => knownUser(chat, nick),
      caughtUp: async () => {},
    });
  }

  private get context(): IrcContext {
    const { chat, member, server, replies } = this;
    return { chat, member, server, replies, client: this };
  }

  /**
   * Runs one line as IrcSession does (refused with 451, 461 or 421 when it cannot run) and
   * gives the lines this client was sent meanwhile.
   */
  async run(line: string): Promise<string[]> {
    const parsed = parseMessage(line);
    if (!parsed.ok) throw new Error(`not an IRC line: ${line}`);
    const { message } = parsed;
    const from = this.lines.length;
    const refused = refusal(message, this.member.registered);
    if (refused) {
      if (message.command !== 'NOTICE') this.replies.reply(...refused);
    } else {
      try {
        await IRC_COMMANDS.get(message.command)!.run(this.context, message);
      } catch (error) {
        this.replies.reportError(error, message.command);
      }
    }
    return this.lines.slice(from);
  }

  /** What this client was sent since `from` (an index into `lines`). */
  since(from: number): string[] {
    return this.lines.slice(from);
  }

  // ---- Peer ------------------------------------------------------------------------------

  deliver(event: ChatEvent): void {
    this.events.push(event);
    switch (event.type) {
      case 'topic-is':
        this.replies.topic(event.room, event.topic, event.setBy, event.setAt);
        return;
      case 'members':
        this.replies.names(event.room, event.nicks);
        return;
      case 'private':
        if (event.from === this.member.nick && event.to !== this.member.nick) return;
        this.record(this.encode(event));
        return;
      case 'message':
      case 'join':
      case 'part':
      case 'quit':
      case 'nick':
      case 'topic':
        this.record(this.encode(event));
        return;
      default:
        return;
    }
  }

  private encode(event: ChatEvent): string {
    const actor = knownUser(this.chat, actorOf(event) ?? '*');
    return encodeShared(event, this.caps & ENCODING_BITS, actor);
  }

  disconnect(reason: string): void {
    this.closedFor ??= reason;
  }

  profile(): PeerProfile {
    return {
      realname: this.user?.realname ?? '',
      hidden: this.invisible,
      host: TEST_USER_HOST,
      ...(this.user ? { username: `~${this.user.name}` } : {}),
    };
  }

  // ---- IrcClientState ---------------------------------------------------------------------

  has(cap: number): boolean {
    return (this.caps & cap) !== 0;
  }

  markInvisible(on: boolean): void {
    if (on === this.invisible) return;
    this.invisible = on;
    this.server.invisibleCount += on ? 1 : -1;
  }

  setQuitMessage(message: string): void {
    this.quitMessage = message;
  }

  /** As IrcSession's, without the welcome burst or a password. */
  async tryRegister(): Promise<void> {
    const nick = this.pendingNick;
    if (this.member.registered || nick === undefined || !this.user || this.capHeld) return;
    this.user.name = usernameFor(this.user.name, nick);
    try {
      await this.chat.register(this.member, nick, { joinLobby: false });
    } catch (error) {
      this.pendingNick = undefined;
      this.replies.reportError(error, 'NICK', nick);
    }
  }

  close(reason: string): void {
    this.closedFor ??= reason;
  }

  private record(lines: string): void {
    for (const line of lines.split('\r\n')) if (line !== '') this.lines.push(line);
  }
}

/** A Chat over a MemoryStore, and a way to connect IRC clients to it, registered or not. */
export function ircTestbed(options: Partial<ChatOptions> = {}) {
  const chat = new Chat({ history: new MemoryStore(), ...options });
  const server = {
    host: TEST_HOST,
    version: 'test',
    startedAt: new Date(0),
    motd: [] as string[],
    invisibleCount: 0,
  };
  const connect = (): TestIrcClient => new TestIrcClient(chat, server);
  /** A client registered as `nick` through NICK and USER, its lines so far cleared. */
  const registered = async (nick: string, realname = `${nick} R`): Promise<TestIrcClient> => {
    const client = connect();
    await client.run(`NICK ${nick}`);
    await client.run(`USER ${nick} 0 * :${realname}`);
    if (!client.member.registered) throw new Error(`${nick} did not register`);
    client.lines.length = 0;
    return client;
  };
  return { chat, server, connect, registered };
}
