import { type Command, firstWord, usageError } from './command.js';

export const who: Command = {
  name: 'who',
  aliases: ['names'],
  usage: '/who [#room]',
  summary: 'list who is in a room (the current one by default)',
  run({ chat, member }, args) {
    const [room, rest] = firstWord(args);
    if (rest.trim() || (room && !room.startsWith('#'))) throw usageError(who);
    chat.listMembers(member, room || undefined);
  },
};
