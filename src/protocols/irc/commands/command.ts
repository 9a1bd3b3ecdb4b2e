import type { Chat } from '../../../core/chat.js';
import type { Member } from '../../../core/member.js';
import type { HistoryLineSource } from '../encode.js';
import type { IrcMessage } from '../message.js';

/**
 * What an IRC command is given. It sees the client only through these small interfaces, so a
 * command can run in a test against a real Chat and a recording of its replies, no socket.
 */
export interface IrcContext {
  chat: Chat;
  member: Member;
  server: IrcServer;
  replies: IrcReplies;
  client: IrcClientState;
}

/** What the door says about itself (welcome burst, PONG, WHO, WHOIS, LUSERS, MOTD). */
export interface IrcServer {
  /** The server's name: the source of its messages, and the host in users' masks. */
  readonly host: string;
  readonly version: string;
  readonly startedAt: Date;
  /** MOTD lines; none sends 422. */
  readonly motd: readonly string[];
  /** Registered users with user mode +i, for LUSERS. */
  readonly invisibleCount: number;
}

/** Output to one client, already in IRC's words. */
export interface IrcReplies {
  /** The nickname replies are addressed to: '*' until there is one. */
  readonly nick: string;
  /** Writes one message; one that cannot be written safely is logged and dropped. */
  send(message: IrcMessage): void;
  /** A numeric reply from the server; the last param is text. */
  reply(numeric: string, ...params: string[]): void;
  /** A numeric whose last param is a token, not text (324, 329, 333, 221...). */
  replyPlain(numeric: string, ...params: string[]): void;
  /** An IRCv3 standard reply: FAIL <command> <code> [context...] :<text>. */
  fail(command: string, code: string, ...contextAndText: string[]): void;
  /** Stored messages of a room or conversation, as a chathistory batch (when batches are on). */
  history(
    target: { name: string; isPrivate: boolean },
    messages: readonly HistoryLineSource[],
  ): void;
  /** 331, or 332 and (when known) 333. */
  topic(room: string, topic: string, setBy: string | undefined, setAt: number | undefined): void;
  /** 353 lines (as many as the names need, "@" for a secret channel, else "=") and 366. */
  names(room: string, nicks: readonly string[], secret?: boolean): void;
  /** A core error met while running `command` about `subject`, as the numeric for it. */
  reportError(error: unknown, command: string, subject?: string): void;
  /** Resolves once the client has read what it was sent (long answers go in pieces). */
  caughtUp(): Promise<void>;
}

/** What registration, CAP, MODE and QUIT read and change of one client. */
export interface IrcClientState {
  /** Enabled capabilities (caps.ts bits). */
  caps: number;
  has(cap: number): boolean;
  /** CAP LS or REQ before registration holds registration until CAP END. */
  capHeld: boolean;
  pendingNick: string | undefined;
  /**
   * From USER: `name` cleaned (see cleanUsername), '' if nothing was left; registration then
   * puts the nickname's in (usernameFor). Shown after a "~".
   */
  user: { name: string; realname: string } | undefined;
  /** The last PASS before registration (checked by tryRegister against --irc-password). */
  password: string | undefined;
  /** User mode +i. */
  readonly invisible: boolean;
  /** User mode +w: WALLOPS are shown. */
  wallops: boolean;
  markInvisible(on: boolean): void;
  setQuitMessage(message: string): void;
  /**
   * Registers once NICK and USER are in and CAP negotiation (if any) has ended; a wrong or
   * missing password (when the server has one) gets 464 and the connection closed instead.
   */
  tryRegister(): Promise<void>;
  /** Says why in an ERROR line, then closes. */
  close(reason: string): void;
}

/** One IRC command: its names, when it may be used, and what it does. */
export interface IrcCommand {
  readonly names: readonly string[];
  /** Usable before registration completes (otherwise: 451). */
  readonly beforeRegistration?: boolean;
  /** Fewer params than this get 461 without the handler running. */
  readonly minParams: number;
  run(context: IrcContext, message: IrcMessage): void | Promise<void>;
}

/** A comma-separated list param, without empty items. */
export function list(param: string | undefined): string[] {
  return (param ?? '').split(',').filter((item) => item !== '');
}
