import { type Command, usageError } from './command.js';

export const me: Command = {
  name: 'me',
  usage: '/me ACTION',
  summary: 'describe what you are doing ("/me waves" shows "* alice waves")',
  async run({ chat, member }, args) {
    if (!args.trim()) throw usageError(me);
    await chat.say(member, args, { action: true });
  },
};
