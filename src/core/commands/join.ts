import { type Command, firstWord, usageError } from './command.js';

export const join: Command = {
  name: 'join',
  aliases: ['j'],
  usage: '/join #room',
  summary: 'join a room (created if new) and talk there',
  async run({ chat, member }, args) {
    const [room, rest] = firstWord(args);
    if (!room || rest.trim()) throw usageError(join);
    await chat.join(member, room.startsWith('#') ? room : `#${room}`);
  },
};
