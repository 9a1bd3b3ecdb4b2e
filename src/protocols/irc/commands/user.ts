import { ERR_ALREADYREGISTERED } from '../numerics.js';
import type { IrcCommand } from './command.js';

/** Longest real name kept (shown by WHO and WHOIS). */
const MAX_REALNAME = 100;

export const user: IrcCommand = {
  names: ['USER'],
  beforeRegistration: true,
  minParams: 4,
  async run({ member, session }, message) {
    if (member.registered || session.user) {
      session.reply(ERR_ALREADYREGISTERED, 'You may not reregister');
      return;
    }
    const [name = '', , , realname = ''] = message.params;
    session.user = { name, realname: realname.slice(0, MAX_REALNAME) };
    await session.tryRegister();
  },
};
