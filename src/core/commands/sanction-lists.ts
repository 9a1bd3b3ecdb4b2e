import type { SanctionKind } from '../moderation/types.js';
import { type Command, firstWord, usageError } from './command.js';
import { moderationCommand, roomAndRest } from './room-args.js';

function listCommand(name: string, kind: SanctionKind, summary: string): Command {
  const command: Command = moderationCommand({
    name,
    usage: `/${name} [#room]`,
    summary,
    request(args, currentRoom) {
      const [room, rest] = roomAndRest(currentRoom, args);
      if (firstWord(rest)[0]) throw usageError(command);
      return { type: 'sanctions', room, kind };
    },
  });
  return command;
}

export const bans = listCommand('bans', 'ban', "list a room's bans and when they lift");
export const mutes = listCommand('mutes', 'mute', "list a room's mutes and when they lift");
