import { checkRoomName } from '../../../core/names.js';
import { CAP_CHATHISTORY } from '../caps.js';
import { ERR_NOSUCHCHANNEL } from '../numerics.js';
import { type IrcCommand, list } from './command.js';

/** JOIN #a,#b [key,key] (a key for each room in order, for rooms with +k); JOIN 0 leaves all. */
export const join: IrcCommand = {
  names: ['JOIN'],
  minParams: 1,
  async run({ chat, member, client, replies }, message) {
    if (message.params[0] === '0') {
      for (const room of chat.roomsOf(member.nick!, member)) chat.part(member, room, '');
      return;
    }
    const keys = (message.params[1] ?? '').split(',');
    for (const [at, name] of list(message.params[0]).entries()) {
      const key = keys[at] || undefined;
      if (checkRoomName(name)) {
        replies.reply(ERR_NOSUCHCHANNEL, name, 'No such channel');
        continue;
      }
      try {
        // Clients that fetch history themselves (chathistory) are not sent the replay; the
        // member list is sent whole, since IRC clients build their nick list from it.
        await chat.join(member, name, {
          replay: !client.has(CAP_CHATHISTORY),
          allMembers: true,
          ...(key === undefined ? {} : { key }),
        });
      } catch (error) {
        replies.reportError(error, 'JOIN', name);
      }
    }
  },
};
