import { RPL_ENDOFSTATS } from '../numerics.js';
import type { IrcCommand } from './command.js';

/**
 * STATS k (or K): the server bans, to server operators (216 each, then 219). Other letters
 * report nothing: 219 alone.
 */
export const stats: IrcCommand = {
  names: ['STATS'],
  minParams: 1,
  run({ chat, member, replies }, message) {
    const letter = message.params[0] ?? '';
    if (letter === 'k' || letter === 'K') chat.operators.showKlines(member);
    else replies.reply(RPL_ENDOFSTATS, letter.slice(0, 1) || '*', 'End of /STATS report');
  },
};
