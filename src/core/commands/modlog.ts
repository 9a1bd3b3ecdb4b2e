import { firstWord, usageError } from './command.js';
import { moderationCommand } from './room-args.js';

export const modlog = moderationCommand({
  name: 'modlog',
  usage: '/modlog [#room|*] [N]',
  summary: "a room's moderation log, newest first (* the whole server's, for server operators)",
  request(args, currentRoom) {
    let [first, rest] = firstWord(args);
    let room = currentRoom;
    if (first.startsWith('#') || first === '*') {
      room = first === '*' ? undefined : first;
      [first, rest] = firstWord(rest);
    }
    if (rest.trim() || (first && !/^\d{1,3}$/.test(first))) throw usageError(modlog);
    return {
      type: 'modlog',
      ...(room === undefined ? {} : { room }),
      ...(first ? { limit: Number(first) } : {}),
    };
  },
});
