import type { IrcCommand } from './command.js';

/**
 * OPER name password: 381 and user mode +o (see IrcSession's `oper` event); 464 for a wrong
 * name or password alike, 491 for the right ones from a host the operator may not use. The
 * third failure on a connection closes it (docs/moderation.md#server-operators).
 */
export const oper: IrcCommand = {
  names: ['OPER'],
  minParams: 2,
  run({ chat, member }, message) {
    const [name = '', password = ''] = message.params;
    return chat.operators.oper(member, name, password);
  },
};
