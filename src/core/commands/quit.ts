import type { Command } from './command.js';

export const quit: Command = {
  name: 'quit',
  aliases: ['exit', 'bye'],
  usage: '/quit [REASON]',
  summary: 'leave the server; the rooms you are in see the reason',
  run({ chat, member }, args) {
    chat.quit(member, args.trim());
  },
};
