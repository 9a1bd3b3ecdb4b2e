import type { Member } from '../../../core/member.js';
import { RPL_ENDOFWHO, RPL_WHOREPLY } from '../numerics.js';
import type { IrcSession } from '../session.js';
import type { IrcCommand } from './command.js';
import { realnameOf, visibleMembers } from './visibility.js';

/**
 * WHO #channel lists its members; WHO nick describes one user. Masks with wildcards are not
 * searched (a user list of the whole server on request is not offered): they get only 315.
 */
export const who: IrcCommand = {
  names: ['WHO'],
  minParams: 0,
  run({ chat, member, session }, message) {
    const mask = message.params[0] ?? '*';
    if (mask.startsWith('#')) {
      const room = chat.findRoom(mask);
      if (room)
        for (const other of visibleMembers(room, member)) whoReply(session, room.name, other);
    } else {
      const other = chat.findMember(mask);
      if (other?.nick) whoReply(session, '*', other);
    }
    session.reply(RPL_ENDOFWHO, mask, 'End of WHO list');
  },
};

function whoReply(session: IrcSession, channel: string, other: Member): void {
  const nick = other.nick!;
  const { host, options } = session.door;
  // H: here, G: gone (away). No channel prefixes: nobody is an operator.
  const flags = other.away === undefined ? 'H' : 'G';
  session.reply(
    RPL_WHOREPLY,
    channel,
    nick,
    host,
    options.serverName,
    nick,
    flags,
    `0 ${realnameOf(other)}`,
  );
}
