import { type Command, firstWord, usageError } from './command.js';

export const msg: Command = {
  name: 'msg',
  aliases: ['m', 'query', 'tell'],
  usage: '/msg NICK|#room TEXT',
  summary: 'send a private message to someone (or a message to one of your rooms)',
  async run({ chat, member }, args) {
    const [target, text] = firstWord(args);
    if (!target || !text.trim()) throw usageError(msg);
    if (target.startsWith('#')) await chat.say(member, text, { room: target });
    else await chat.privateMessage(member, target, text);
  },
};
