import { RPL_ENDOFNAMES } from '../numerics.js';
import { type IrcCommand, list } from './command.js';

export const names: IrcCommand = {
  names: ['NAMES'],
  minParams: 0,
  run({ chat, member, replies }, message) {
    const wanted = list(message.params[0]);
    if (wanted.length === 0) {
      // Listing every user of the server on request is not something this server does.
      replies.reply(RPL_ENDOFNAMES, '*', 'End of /NAMES list');
      return;
    }
    for (const name of wanted) {
      const room = chat.findRoom(name);
      if (room) {
        const nicks = chat.membersOf(room.name, member).map((view) => view.nick);
        replies.names(room.name, nicks);
      } else replies.reply(RPL_ENDOFNAMES, name, 'End of /NAMES list');
    }
  },
};
