import { ERR_NOSUCHCHANNEL, ERR_NOTONCHANNEL } from '../numerics.js';
import { type IrcCommand, list } from './command.js';

export const part: IrcCommand = {
  names: ['PART'],
  minParams: 1,
  run({ chat, member, replies }, message) {
    const reason = message.params[1] ?? '';
    for (const name of list(message.params[0])) {
      const room = chat.findRoom(name);
      if (!room) replies.reply(ERR_NOSUCHCHANNEL, name, 'No such channel');
      else if (!chat.isIn(member, room.name)) {
        replies.reply(ERR_NOTONCHANNEL, room.name, "You're not on that channel");
      } else chat.part(member, room.name, reason);
    }
  },
};
