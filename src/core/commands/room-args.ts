import { ChatError } from '../errors.js';
import { type ChatRequest, runRequest } from '../requests.js';
import { type Command, firstWord } from './command.js';

/**
 * Moderation commands take an optional room first (`/kick #dev bob`), else act on the
 * current room (`/kick bob`): the room's name and the rest of the arguments.
 */
export function roomAndRest(currentRoom: string | undefined, args: string): [string, string] {
  const [first, rest] = firstWord(args);
  if (first.startsWith('#')) return [first, rest];
  if (currentRoom === undefined) {
    throw new ChatError('NO_CURRENT_ROOM', 'You are not in any room: name one (#room) first.');
  }
  return [currentRoom, args.trimStart()];
}

/**
 * A moderation (or server operator's) command: its words read into the request the WebSocket
 * API would send (the terminal client reads them with the same `request`), then carried out
 * the same way.
 */
export function moderationCommand(
  command: Omit<Command, 'run' | 'request'> & {
    request(args: string, currentRoom: string | undefined): ChatRequest;
  },
): Command {
  return {
    ...command,
    run: ({ chat, member }, args) =>
      runRequest(chat, member, command.request(args, member.currentRoom)),
  };
}
