import { MAX_ROOM_PAGE, streamRoomPage } from '../room-list.js';
import { type Command, usageError } from './command.js';

export const rooms: Command = {
  name: 'rooms',
  aliases: ['list'],
  usage: '/rooms [PAGE]',
  summary: `list the rooms, ${MAX_ROOM_PAGE} a page, with their member counts and topics`,
  async run({ chat, member }, args) {
    const wanted = args.trim();
    if (wanted !== '' && !/^[1-9]\d{0,8}$/.test(wanted)) throw usageError(rooms);
    const pageNumber = wanted === '' ? 1 : Number(wanted);
    const page = chat.roomPage((pageNumber - 1) * MAX_ROOM_PAGE, MAX_ROOM_PAGE, member);
    const pages = Math.max(1, Math.ceil(page.total / MAX_ROOM_PAGE));
    const count = `${page.total} ${page.total === 1 ? 'room' : 'rooms'}`;
    if (pageNumber > pages) {
      member.send({
        type: 'notice',
        text: `${count}: there is no page ${pageNumber} (${pages} in all).`,
      });
      return;
    }
    member.send({
      type: 'notice',
      text: pages === 1 ? `${count}:` : `${count}, page ${pageNumber} of ${pages}:`,
    });
    // A page of 100 rooms with long topics is tens of KB: it goes out in pieces.
    await streamRoomPage(member, page);
    if (page.more && !member.gone) {
      member.send({ type: 'notice', text: `/rooms ${pageNumber + 1} shows the next page.` });
    }
  },
};
