import type { CommandHelp } from '../events.js';
import type { Command } from './command.js';

/**
 * /help lists the commands it is registered with. It is given the list rather than importing
 * the table, which would import it back: the table is the one place that knows every command.
 */
export function helpCommand(commands: () => CommandHelp[]): Command {
  return {
    name: 'help',
    aliases: ['?'],
    usage: '/help',
    summary: 'list the commands',
    run({ member }) {
      member.send({ type: 'help', commands: commands() });
    },
  };
}
