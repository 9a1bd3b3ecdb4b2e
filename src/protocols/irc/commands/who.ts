import type { MemberView } from '../../../core/member.js';
import { RPL_ENDOFWHO, RPL_WHOREPLY } from '../numerics.js';
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
        for (const other of chat.membersOf(room.name, member)) whoReply(context, room.name, other);
      }
    } else {
      const other = chat.describe(mask);
      if (other) whoReply(context, '*', other);
    }
    replies.reply(RPL_ENDOFWHO, mask, 'End of WHO list');
  },
};

/** 352: <channel> <user> <host> <server> <nick> <flags> :<hopcount> <real name>. */
function whoReply({ server, replies }: IrcContext, channel: string, other: MemberView): void {
  // H: here, G: gone (away); *: a server operator. No channel prefixes: nobody is an operator.
  const flags = `${other.away === undefined ? 'H' : 'G'}${other.operator ? '*' : ''}`;
  replies.reply(
    RPL_WHOREPLY,
    channel,
    other.username,
    other.host,
    server.host,
    other.nick,
    flags,
    `0 ${realnameOf(other)}`,
  );
}
