import { type Command, firstWord } from './command.js';

export const part: Command = {
  name: 'part',
  aliases: ['leave'],
  usage: '/part [#room] [REASON]',
  summary: 'leave a room (the current one by default)',
  run({ chat, member }, args) {
    const [first, rest] = firstWord(args);
    if (first.startsWith('#')) chat.part(member, first, rest.trim());
    else chat.part(member, undefined, args.trim());
  },
};
