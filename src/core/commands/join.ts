import { type Command, firstWord, usageError } from './command.js';

export const join: Command = {
  name: 'join',
  aliases: ['j'],
  usage: '/join #room [KEY]',
  summary: 'join a room (created if new) and talk there',
  async run({ chat, member }, args) {
    const [room, rest] = firstWord(args);
    const [key, extra] = firstWord(rest);
    if (!room || extra.trim()) throw usageError(join);
    await chat.join(member, room.startsWith('#') ? room : `#${room}`, key ? { key } : {});
  },
};
