import { type Command, firstWord, usageError } from './command.js';

export const search: Command = {
  name: 'search',
  aliases: ['find'],
  usage: '/search [#room] WORDS',
  summary: 'find the latest messages of a room containing all the words',
  async run({ chat, member }, args) {
    const [first, rest] = firstWord(args);
    const [room, query] = first.startsWith('#') ? [first, rest] : [undefined, args];
    if (!query.trim()) throw usageError(search);
    await chat.search(member, room, query);
  },
};
