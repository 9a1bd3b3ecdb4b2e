import { firstWord, usageError } from './command.js';
import { moderationCommand } from './room-args.js';

export const invite = moderationCommand({
  name: 'invite',
  usage: '/invite NICK [#room]',
  summary: 'invite someone to a room, once past invite only, its key and its limit',
  request(args, currentRoom) {
    const [nick, rest] = firstWord(args);
    const [room, extra] = firstWord(rest);
    if (!nick || extra.trim() || (room && !room.startsWith('#'))) throw usageError(invite);
    const where = room || currentRoom;
    if (where === undefined) throw usageError(invite);
    return { type: 'invite', room: where, nick };
  },
});
