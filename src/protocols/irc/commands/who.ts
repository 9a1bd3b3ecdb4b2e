import type { MemberView } from '../../../core/member.js';
import type { Room } from '../../../core/room.js';
import { CAP_MULTI_PREFIX } from '../caps.js';
import { RPL_ENDOFWHO, RPL_WHOREPLY } from '../numerics.js';
import { prefixIn } from '../prefixes.js';
import type { IrcCommand, IrcContext } from './command.js';
import { realnameOf } from './realname.js';

/**
 * WHO #channel lists its members; WHO nick describes one user. Masks with wildcards are not
 * searched (a user list of the whole server on request is not offered): they get only 315.
 */
export const who: IrcCommand = {
  names: ['WHO'],
  minParams: 0,
  run(context, message) {
    const { chat, member, replies } = context;
    const mask = message.params[0] ?? '*';
    if (mask.startsWith('#')) {
      const room = chat.findRoom(mask);
      if (room) {
        for (const other of chat.membersOf(room.name, member)) whoReply(context, other, room);
      }
    } else {
      const other = chat.describe(mask);
      if (other) whoReply(context, other);
    }
    replies.reply(RPL_ENDOFWHO, mask, 'End of WHO list');
  },
};

/**
 * 352: <channel> <user> <host> <server> <nick> <flags> :<hopcount> <real name>. The flags are
 * H (here) or G (gone: away), * for a server operator, then, about a channel, the member's
 * role prefixes there: the highest, or all of them for clients with multi-prefix (as NAMES
 * shows them).
 */
function whoReply({ server, replies, client }: IrcContext, other: MemberView, room?: Room): void {
  let flags = `${other.away === undefined ? 'H' : 'G'}${other.operator ? '*' : ''}`;
  if (room) flags += prefixIn(room, other.nick, client.has(CAP_MULTI_PREFIX));
  replies.reply(
    RPL_WHOREPLY,
    room?.name ?? '*',
    other.username,
    other.host,
    server.host,
    other.nick,
    flags,
    `0 ${realnameOf(other)}`,
  );
}
