import type { Command } from './command.js';
import { commandHelp } from './index.js';

export const help: Command = {
  name: 'help',
  aliases: ['?'],
  usage: '/help',
  summary: 'list the commands',
  run({ member }) {
    member.send({ type: 'help', commands: commandHelp() });
  },
};
