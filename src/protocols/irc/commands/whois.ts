import { CAP_MULTI_PREFIX } from '../caps.js';
import {
  ERR_NONICKNAMEGIVEN,
  ERR_NOSUCHNICK,
  RPL_AWAY,
  RPL_ENDOFWHOIS,
  RPL_WHOISCHANNELS,
  RPL_WHOISOPERATOR,
  RPL_WHOISSERVER,
  RPL_WHOISUSER,
} from '../numerics.js';
import { prefixIn } from '../prefixes.js';
import type { IrcCommand } from './command.js';
import { realnameOf } from './realname.js';

/** WHOIS nick, or WHOIS server nick (there is one server, so the first is ignored). */
export const whois: IrcCommand = {
  names: ['WHOIS'],
  minParams: 0,
  run({ chat, member, server, replies, client }, message) {
    const nick = message.params.at(-1);
    if (nick === undefined || nick === '') {
      replies.reply(ERR_NONICKNAMEGIVEN, 'No nickname given');
      return;
    }
    const other = chat.describe(nick);
    if (!other) {
      replies.reply(ERR_NOSUCHNICK, nick, 'No such nick/channel');
      replies.reply(RPL_ENDOFWHOIS, nick, 'End of /WHOIS list');
      return;
    }
    const { host } = server;
    replies.reply(RPL_WHOISUSER, other.nick, other.username, other.host, '*', realnameOf(other));
    // Someone invisible shows only the channels the asker shares with them; each with their
    // highest role prefix there (all of them with multi-prefix), as NAMES shows them.
    const all = client.has(CAP_MULTI_PREFIX);
    const rooms = chat.roomsOf(other.nick, member).map((name) => {
      const room = chat.findRoom(name);
      return room ? `${prefixIn(room, other.nick, all)}${room.name}` : name;
    });
    if (rooms.length > 0) replies.reply(RPL_WHOISCHANNELS, other.nick, rooms.join(' '));
    replies.reply(RPL_WHOISSERVER, other.nick, host, `chatroom (${other.door} door)`);
    if (other.operator) replies.reply(RPL_WHOISOPERATOR, other.nick, 'is an IRC operator');
    if (other.away !== undefined) replies.reply(RPL_AWAY, other.nick, other.away);
    replies.reply(RPL_ENDOFWHOIS, other.nick, 'End of /WHOIS list');
  },
};
