import { RPL_LIST, RPL_LISTEND, RPL_LISTSTART } from '../numerics.js';
import { list as commaList, type IrcCommand } from './command.js';
import { visibleMembers } from './visibility.js';

export const list: IrcCommand = {
  names: ['LIST'],
  minParams: 0,
  run({ chat, member, session }, message) {
    const wanted = commaList(message.params[0]);
    const rooms =
      wanted.length === 0
        ? [...chat.allRooms()].sort((a, b) => a.key.localeCompare(b.key))
        : wanted.flatMap((name) => chat.findRoom(name) ?? []);
    session.reply(RPL_LISTSTART, 'Channel', 'Users  Name');
    for (const room of rooms) {
      session.reply(RPL_LIST, room.name, String(visibleMembers(room, member).length), room.topic);
    }
    session.reply(RPL_LISTEND, 'End of /LIST');
  },
};
