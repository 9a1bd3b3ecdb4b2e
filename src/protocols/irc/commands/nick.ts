import { checkNick } from '../../../core/names.js';
import { ERR_ERRONEUSNICKNAME, ERR_NICKNAMEINUSE, ERR_NONICKNAMEGIVEN } from '../numerics.js';
import type { IrcCommand } from './command.js';

export const nick: IrcCommand = {
  names: ['NICK'],
  beforeRegistration: true,
  minParams: 0,
  async run({ chat, member, client, replies }, message) {
    const wanted = message.params[0];
    if (wanted === undefined || wanted === '') {
      replies.reply(ERR_NONICKNAMEGIVEN, 'No nickname given');
      return;
    }
    if (checkNick(wanted)) {
      replies.reply(ERR_ERRONEUSNICKNAME, wanted, 'Erroneous nickname');
      return;
    }
    if (member.registered) {
      try {
        await chat.changeNick(member, wanted);
      } catch (error) {
        replies.reportError(error, 'NICK', wanted);
      }
      return;
    }
    // Said now rather than at the end of registration, so the client can pick another at
    // once; the core still has the last word when registration completes.
    if (chat.describe(wanted)) {
      replies.reply(ERR_NICKNAMEINUSE, wanted, 'Nickname is already in use');
      return;
    }
    client.pendingNick = wanted;
    await client.tryRegister();
  },
};
