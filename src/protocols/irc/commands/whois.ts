import {
  ERR_NONICKNAMEGIVEN,
  ERR_NOSUCHNICK,
  RPL_AWAY,
  RPL_ENDOFWHOIS,
  RPL_WHOISCHANNELS,
  RPL_WHOISSERVER,
  RPL_WHOISUSER,
} from '../numerics.js';
import type { IrcCommand } from './command.js';
import { isInvisible, realnameOf } from './visibility.js';

/** WHOIS nick, or WHOIS server nick (there is one server, so the first is ignored). */
export const whois: IrcCommand = {
  names: ['WHOIS'],
  minParams: 0,
  run({ chat, member, session }, message) {
    const nick = message.params.at(-1);
    if (nick === undefined || nick === '') {
      session.reply(ERR_NONICKNAMEGIVEN, 'No nickname given');
      return;
    }
    const other = chat.findMember(nick);
    if (!other?.nick) {
      session.reply(ERR_NOSUCHNICK, nick, 'No such nick/channel');
      session.reply(RPL_ENDOFWHOIS, nick, 'End of /WHOIS list');
      return;
    }
    const { host, options } = session.door;
    session.reply(RPL_WHOISUSER, other.nick, other.nick, host, '*', realnameOf(other));
    const rooms = [...other.rooms].flatMap((key) => {
      const room = chat.findRoom(key);
      // Someone invisible shows only the channels the asker shares with them.
      if (!room) return [];
      if (other !== member && isInvisible(other) && !room.members.has(member)) return [];
      return [room.name];
    });
    if (rooms.length > 0) session.reply(RPL_WHOISCHANNELS, other.nick, rooms.join(' '));
    session.reply(
      RPL_WHOISSERVER,
      other.nick,
      options.serverName,
      `chatroom (${other.peer.protocol} door)`,
    );
    if (other.away !== undefined) session.reply(RPL_AWAY, other.nick, other.away);
    session.reply(RPL_ENDOFWHOIS, other.nick, 'End of /WHOIS list');
  },
};
