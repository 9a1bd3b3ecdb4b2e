import { isListedFor } from '../../../core/moderation/enforcement.js';
import { ROOM_LIST_PIECE } from '../../../core/room-list.js';
import { RPL_LIST, RPL_LISTEND, RPL_LISTSTART } from '../numerics.js';
import { list as commaList, type IrcCommand } from './command.js';

/**
 * LIST [#a,#b]: 321, one 322 per channel, 323. With thousands of channels the 322s are sent
 * a few at a time, each batch once the client has read the one before, so the list never
 * goes out as one burst bigger than the client's send queue (clients expect every 322 before
 * the 323, and no paging).
 */
export const list: IrcCommand = {
  names: ['LIST'],
  minParams: 0,
  async run({ chat, member, replies }, message) {
    const wanted = commaList(message.params[0]);
    const rooms =
      wanted.length === 0
        ? [...chat.roomsVisibleTo(member)].sort((a, b) =>
            a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
          )
        : wanted
            .flatMap((name) => chat.findRoom(name) ?? [])
            .filter((room) => isListedFor(room, member));
    replies.reply(RPL_LISTSTART, 'Channel', 'Users  Name');
    for (let i = 0; i < rooms.length; i += ROOM_LIST_PIECE) {
      if (i > 0) await replies.caughtUp();
      if (member.gone) return;
      for (const room of rooms.slice(i, i + ROOM_LIST_PIECE)) {
        replies.reply(
          RPL_LIST,
          room.name,
          String(chat.membersOf(room.name, member).length),
          room.topic,
        );
      }
    }
    replies.reply(RPL_LISTEND, 'End of /LIST');
  },
};
