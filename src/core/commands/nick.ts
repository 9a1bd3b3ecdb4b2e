import { type Command, firstWord, usageError } from './command.js';

export const nick: Command = {
  name: 'nick',
  usage: '/nick NEWNAME',
  summary: 'change your nickname',
  async run({ chat, member }, args) {
    const [name, rest] = firstWord(args);
    if (!name || rest.trim()) throw usageError(nick);
    await chat.changeNick(member, name);
  },
};
