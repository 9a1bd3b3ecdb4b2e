import { RPL_NOWAWAY, RPL_UNAWAY } from '../numerics.js';
import type { IrcCommand } from './command.js';

/** AWAY :message marks you away (others with away-notify hear it); AWAY alone brings you back. */
export const away: IrcCommand = {
  names: ['AWAY'],
  minParams: 0,
  run({ chat, member, replies }, message) {
    const text = message.params[0]?.trim() ?? '';
    chat.setAway(member, text === '' ? undefined : text);
    if (member.away === undefined)
      replies.reply(RPL_UNAWAY, 'You are no longer marked as being away');
    else replies.reply(RPL_NOWAWAY, 'You have been marked as being away');
  },
};
