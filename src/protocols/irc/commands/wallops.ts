import type { IrcCommand } from './command.js';

/** WALLOPS :text: server operators' message to every operator and every user with +w. */
export const wallops: IrcCommand = {
  names: ['WALLOPS'],
  minParams: 1,
  run({ chat, member }, message) {
    chat.operators.wallops(member, message.params.join(' '));
  },
};
