import { cleanUsername } from '../identity.js';
import { ERR_ALREADYREGISTERED, ERR_NEEDMOREPARAMS } from '../numerics.js';
import type { IrcCommand } from './command.js';

/** Longest real name kept (shown by WHO and WHOIS). */
const MAX_REALNAME = 100;

export const user: IrcCommand = {
  names: ['USER'],
  beforeRegistration: true,
  minParams: 4,
  async run({ member, client, replies }, message) {
    if (member.registered || client.user) {
      replies.reply(ERR_ALREADYREGISTERED, 'You may not reregister');
      return;
    }
    const [name = '', , , realname = ''] = message.params;
    // modern.ircdocs.horse: an empty parameter counts as a missing one (ERR_NEEDMOREPARAMS).
    if (name === '' || realname === '') {
      replies.reply(ERR_NEEDMOREPARAMS, 'USER', 'Not enough parameters');
      return;
    }
    client.user = { name: cleanUsername(name), realname: realname.slice(0, MAX_REALNAME) };
    await client.tryRegister();
  },
};
