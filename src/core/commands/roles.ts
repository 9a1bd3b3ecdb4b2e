import type { RoleName } from '../moderation/types.js';
import { type Command, firstWord, usageError } from './command.js';
import { moderationCommand, roomAndRest } from './room-args.js';

/** /op, /deop, /voice, /devoice: one role given to or taken from one member of a room. */
function roleCommand(name: string, role: RoleName, on: boolean, summary: string): Command {
  const command: Command = moderationCommand({
    name,
    usage: `/${name} [#room] NICK`,
    summary,
    request(args, currentRoom) {
      const [room, rest] = roomAndRest(currentRoom, args);
      const [nick, extra] = firstWord(rest);
      if (!nick || extra.trim()) throw usageError(command);
      return { type: 'mode', room, changes: [{ mode: role, on, nick }] };
    },
  });
  return command;
}

export const op = roleCommand('op', 'op', true, 'make a member an operator of the room');
export const deop = roleCommand('deop', 'op', false, "take a member's operator role");
export const voice = roleCommand('voice', 'voice', true, 'let a member speak in a moderated room');
export const devoice = roleCommand('devoice', 'voice', false, "take a member's voice");
