import type { Chat } from '../../../core/chat.js';
import type { Member } from '../../../core/member.js';
import type { IrcMessage } from '../message.js';
import type { IrcSession } from '../session.js';

export interface IrcContext {
  chat: Chat;
  member: Member;
  session: IrcSession;
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
