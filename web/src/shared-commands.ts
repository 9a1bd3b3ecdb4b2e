import type { Command } from '../../src/core/commands/command.js';
import { commandList } from '../../src/core/commands/index.js';
import { ChatError } from '../../src/core/errors.js';
import type { ClientMessage } from '../../src/protocols/ws/protocol.js';

/**
 * The moderation and server operators' commands, for those who would rather type them than
 * use the menus: read by the very parsers the text doors and the terminal client use, into
 * the WebSocket requests they stand for, so every client takes the same words.
 */
const SHARED: readonly Command[] = commandList().filter(
  // The web client has its own /join (with its key prompt) and /invite.
  (command) => command.request !== undefined && command.name !== 'invite',
);

const BY_NAME = new Map<string, Command>();
for (const command of SHARED) {
  for (const name of [command.name, ...(command.aliases ?? [])]) BY_NAME.set(name, command);
}

export const SHARED_HELP: ReadonlyArray<[string, string]> = SHARED.map((command) => [
  command.usage,
  command.summary,
]);

/** The request `/name args` makes, or what is wrong with it; undefined for no such command. */
export function sharedRequest(
  name: string,
  args: string,
  currentRoom: string | undefined,
): { message: ClientMessage } | { problem: string } | undefined {
  const read = BY_NAME.get(name)?.request;
  if (!read) return undefined;
  try {
    return { message: read(args, currentRoom) };
  } catch (problem) {
    if (problem instanceof ChatError) return { problem: problem.message };
    throw problem;
  }
}
