import { type Command, firstWord } from './command.js';

export const topic: Command = {
  name: 'topic',
  usage: '/topic [#room] [TEXT]',
  summary: 'show the topic, or set it when TEXT is given',
  async run({ chat, member }, args) {
    let [room, text] = firstWord(args) as [string | undefined, string];
    if (!room?.startsWith('#')) {
      room = undefined;
      text = args;
    }
    if (text.trim()) await chat.setTopic(member, room, text.trim());
    else chat.showTopic(member, room);
  },
};
