import type { IrcCommand } from './command.js';

/**
 * TAGMSG carries only client tags (typing notifications and the like). The core has no place
 * for them, so they are accepted and dropped rather than answered with 421 every keystroke.
 */
export const tagmsg: IrcCommand = {
  names: ['TAGMSG'],
  minParams: 1,
  run() {},
};
