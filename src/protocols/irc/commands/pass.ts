import { ERR_ALREADYREGISTERED } from '../numerics.js';
import type { IrcCommand } from './command.js';

/** This server has no connection password: PASS is accepted and changes nothing. */
export const pass: IrcCommand = {
  names: ['PASS'],
  beforeRegistration: true,
  minParams: 1,
  run({ member, replies }) {
    if (member.registered) replies.reply(ERR_ALREADYREGISTERED, 'You may not reregister');
  },
};
