import type { Chat } from '../chat.js';
import { ChatError } from '../errors.js';
import type { Member } from '../member.js';
import type { ChatRequest } from '../requests.js';

/** How a text door shows things to this user: set by commands, kept by the door's session. */
export interface TextView {
  /** Show message ids (for /history before ID and /resume). */
  showIds: boolean;
}

export interface CommandContext {
  chat: Chat;
  member: Member;
  view: TextView;
}

/** A slash command as typed on the text front doors: `/name args`. */
export interface Command {
  name: string;
  aliases?: readonly string[];
  usage: string;
  summary: string;
  run(context: CommandContext, args: string): void | Promise<void>;
  /**
   * For commands that are moderation (or server operators') requests: the request their words
   * make, so clients of the WebSocket API (the terminal client) read them as the text doors do.
   */
  request?(args: string, currentRoom: string | undefined): ChatRequest;
}

/** Splits off the first word; the rest keeps its inner spacing, which the user may mean. */
export function firstWord(args: string): [string, string] {
  const trimmed = args.trimStart();
  const space = trimmed.search(/\s/);
  if (space === -1) return [trimmed, ''];
  return [trimmed.slice(0, space), trimmed.slice(space + 1)];
}

export function usageError(command: Command): ChatError {
  return new ChatError('BAD_ARGUMENTS', `Usage: ${command.usage}`);
}
