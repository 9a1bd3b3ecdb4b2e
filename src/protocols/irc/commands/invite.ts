import type { IrcCommand } from './command.js';

/**
 * INVITE nick #room: lets one user in past +i, +k and +l, once. The inviter gets 341, the
 * invited an INVITE line (see moderation-replies.ts).
 */
export const invite: IrcCommand = {
  names: ['INVITE'],
  minParams: 2,
  run({ chat, member, replies }, message) {
    const [nick = '', room = ''] = message.params;
    try {
      chat.moderation.invite(member, room, nick);
    } catch (error) {
      replies.reportError(error, 'INVITE', room);
    }
  },
};
