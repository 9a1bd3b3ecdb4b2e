import { checkRoomName } from '../../../core/names.js';
import { CAP_CHATHISTORY } from '../caps.js';
import { ERR_NOSUCHCHANNEL } from '../numerics.js';
import { type IrcCommand, list } from './command.js';

/** JOIN #a,#b (keys are ignored: rooms have none); JOIN 0 leaves every channel. */
export const join: IrcCommand = {
  names: ['JOIN'],
  minParams: 1,
  async run({ chat, member, client, replies }, message) {
    if (message.params[0] === '0') {
      for (const room of chat.roomsOf(member.nick!, member)) chat.part(member, room, '');
      return;
    }
    for (const name of list(message.params[0])) {
      if (checkRoomName(name)) {
        replies.reply(ERR_NOSUCHCHANNEL, name, 'No such channel');
        continue;
      }
      try {
        // Clients that fetch history themselves (chathistory) are not sent the replay; the
        // member list is sent whole, since IRC clients build their nick list from it.
        await chat.join(member, name, { replay: !client.has(CAP_CHATHISTORY), allMembers: true });
      } catch (error) {
        replies.reportError(error, 'JOIN', name);
      }
    }
  },
};
