import { RPL_ENDOFNAMES } from '../numerics.js';
import { type IrcCommand, list } from './command.js';
import { visibleNicks } from './visibility.js';

export const names: IrcCommand = {
  names: ['NAMES'],
  minParams: 0,
  run({ chat, member, session }, message) {
    const wanted = list(message.params[0]);
    if (wanted.length === 0) {
      // Listing every user of the server on request is not something this server does.
      session.reply(RPL_ENDOFNAMES, '*', 'End of /NAMES list');
      return;
    }
    for (const name of wanted) {
      const room = chat.findRoom(name);
      if (room) session.sendNames(room.name, visibleNicks(room, member));
      else session.reply(RPL_ENDOFNAMES, name, 'End of /NAMES list');
    }
  },
};
