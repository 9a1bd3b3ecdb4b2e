import { ERR_ALREADYREGISTERED } from '../numerics.js';
import type { IrcCommand } from './command.js';

/**
 * The connection password. Kept until registration, which checks it against --irc-password
 * (a server without one takes any, or none); the last PASS counts.
 */
export const pass: IrcCommand = {
  names: ['PASS'],
  beforeRegistration: true,
  minParams: 1,
  run({ member, client, replies }, message) {
    if (member.registered) {
      replies.reply(ERR_ALREADYREGISTERED, 'You may not reregister');
      return;
    }
    client.password = message.params[0];
  },
};
