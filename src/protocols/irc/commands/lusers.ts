import { sendLusers } from '../welcome.js';
import type { IrcCommand } from './command.js';

export const lusers: IrcCommand = {
  names: ['LUSERS'],
  minParams: 0,
  run(context) {
    sendLusers(context);
  },
};
