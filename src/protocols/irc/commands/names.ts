import { CAP_MULTI_PREFIX } from '../caps.js';
import { RPL_ENDOFNAMES } from '../numerics.js';
import { prefixIn } from '../prefixes.js';
import { type IrcCommand, list } from './command.js';

export const names: IrcCommand = {
  names: ['NAMES'],
  minParams: 0,
  run({ chat, member, client, replies }, message) {
    const wanted = list(message.params[0]);
    if (wanted.length === 0) {
      // Listing every user of the server on request is not something this server does.
      replies.reply(RPL_ENDOFNAMES, '*', 'End of /NAMES list');
      return;
    }
    for (const name of wanted) {
      const room = chat.findRoom(name);
      // A secret room's members are not shown to those outside it (membersOf gives none).
      if (room) {
        const all = client.has(CAP_MULTI_PREFIX);
        const nicks = chat
          .membersOf(room.name, member)
          .map((view) => `${prefixIn(room, view.nick, all)}${view.nick}`);
        replies.names(room.name, nicks, room.mod.modes.secret);
      } else replies.reply(RPL_ENDOFNAMES, name, 'End of /NAMES list');
    }
  },
};
