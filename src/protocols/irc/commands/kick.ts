import { ERR_NOSUCHCHANNEL, ERR_NOTONCHANNEL } from '../numerics.js';
import { type IrcCommand, list } from './command.js';

/** KICK #room nick[,nick...] [:reason]: operators put members out (docs/moderation.md). */
export const kick: IrcCommand = {
  names: ['KICK'],
  minParams: 2,
  async run({ chat, member, replies }, message) {
    const [roomName = '', targets, reason = ''] = message.params;
    const room = chat.findRoom(roomName);
    if (!room) {
      replies.reply(ERR_NOSUCHCHANNEL, roomName, 'No such channel');
      return;
    }
    if (!chat.isIn(member, room.name) && member.operator === undefined) {
      replies.reply(ERR_NOTONCHANNEL, room.name, "You're not on that channel");
      return;
    }
    for (const nick of list(targets)) {
      try {
        await chat.moderation.kick(member, room.name, nick, reason);
      } catch (error) {
        replies.reportError(error, 'KICK', room.name);
      }
    }
  },
};
