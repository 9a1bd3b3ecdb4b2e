import { commandList } from '../../../core/commands/index.js';
import { runRequest } from '../../../core/requests.js';
import type { IrcCommand } from './command.js';

/** The text doors' moderation commands that IRC has no word of its own for (docs/moderation.md). */
const BORROWED = ['ban', 'unban', 'mute', 'unmute', 'modlog'];

/**
 * BAN, UNBAN, MUTE, UNMUTE and MODLOG, as the text doors have them (a room first, since IRC has
 * no current room): `MUTE #room bob 10m flooding`. Clients send them with /quote (or as typed,
 * where the client passes unknown commands on). Errors come back as their numerics.
 */
export const borrowedModeration: IrcCommand[] = commandList()
  .filter((command) => BORROWED.includes(command.name) && command.request)
  .map((command) => ({
    names: [command.name.toUpperCase()],
    minParams: command.name === 'modlog' ? 0 : 2,
    async run({ chat, member, replies }, message) {
      const args = message.params.join(' ');
      try {
        await runRequest(chat, member, command.request!(args, undefined));
      } catch (error) {
        replies.reportError(error, command.name.toUpperCase(), message.params[0]);
      }
    },
  }));
