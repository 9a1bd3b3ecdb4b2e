import { firstWord, usageError } from './command.js';
import { moderationCommand, roomAndRest } from './room-args.js';

export const kick = moderationCommand({
  name: 'kick',
  usage: '/kick [#room] NICK [REASON]',
  summary: 'put a member out of the room (they may come back unless banned)',
  request(args, currentRoom) {
    const [room, rest] = roomAndRest(currentRoom, args);
    const [nick, reason] = firstWord(rest);
    if (!nick) throw usageError(kick);
    return { type: 'kick', room, nick, ...(reason.trim() ? { reason: reason.trim() } : {}) };
  },
});
