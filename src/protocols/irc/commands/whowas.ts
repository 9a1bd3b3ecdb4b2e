import {
  ERR_NONICKNAMEGIVEN,
  ERR_WASNOSUCHNICK,
  RPL_ENDOFWHOWAS,
  RPL_WHOISSERVER,
  RPL_WHOWASUSER,
} from '../numerics.js';
import type { IrcCommand } from './command.js';
import { realnameOf } from './realname.js';

/**
 * WHOWAS nick [count]: who held a nickname lately, most recent first, from the server's
 * bounded memory of nicknames given up (by quitting or changing), here or on other nodes.
 */
export const whowas: IrcCommand = {
  names: ['WHOWAS'],
  minParams: 0,
  run({ chat, server, replies }, message) {
    const nick = message.params[0];
    if (nick === undefined || nick === '') {
      replies.reply(ERR_NONICKNAMEGIVEN, 'No nickname given');
      return;
    }
    // A count of 0 or less, or none, means every entry (as servers read it).
    const count = Number.parseInt(message.params[1] ?? '', 10);
    const past = chat.whowas(nick, count > 0 ? count : undefined);
    if (past.length === 0) replies.reply(ERR_WASNOSUCHNICK, nick, 'There was no such nickname');
    for (const { user, at } of past) {
      replies.reply(RPL_WHOWASUSER, user.nick, user.username, user.host, '*', realnameOf(user));
      replies.reply(RPL_WHOISSERVER, user.nick, server.host, new Date(at).toUTCString());
    }
    replies.reply(RPL_ENDOFWHOWAS, nick, 'End of WHOWAS');
  },
};
