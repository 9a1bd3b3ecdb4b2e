import { ERR_NOSUCHCHANNEL, ERR_NOTONCHANNEL } from '../numerics.js';
import { type IrcCommand, list } from './command.js';

export const part: IrcCommand = {
  names: ['PART'],
  minParams: 1,
  run({ chat, member, session }, message) {
    const reason = message.params[1] ?? '';
    for (const name of list(message.params[0])) {
      const room = chat.findRoom(name);
      if (!room) session.reply(ERR_NOSUCHCHANNEL, name, 'No such channel');
      else if (!room.members.has(member)) {
        session.reply(ERR_NOTONCHANNEL, room.name, "You're not on that channel");
      } else chat.part(member, room.name, reason);
    }
  },
};
