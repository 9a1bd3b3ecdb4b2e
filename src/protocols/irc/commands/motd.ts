import { sendMotd } from '../welcome.js';
import type { IrcCommand } from './command.js';

export const motd: IrcCommand = {
  names: ['MOTD'],
  minParams: 0,
  run(context) {
    sendMotd(context);
  },
};
