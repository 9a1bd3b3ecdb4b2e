import type { IrcCommand } from './command.js';

/**
 * KILL nick [:reason]: server operators disconnect a user, here or on another node; they get
 * `ERROR :Closing Link: nick (Killed by oper (reason))` and their channels a QUIT with it.
 */
export const kill: IrcCommand = {
  names: ['KILL'],
  minParams: 1,
  run({ chat, member }, message) {
    const [nick = '', reason = ''] = message.params;
    return chat.operators.kill(member, nick, reason);
  },
};
