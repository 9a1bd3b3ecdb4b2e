import { firstWord, usageError } from './command.js';
import { moderationCommand } from './room-args.js';

export const kill = moderationCommand({
  name: 'kill',
  usage: '/kill NICK [REASON]',
  summary: 'server operators: disconnect someone, wherever they are connected',
  request(args) {
    const [nick, reason] = firstWord(args);
    if (!nick) throw usageError(kill);
    return { type: 'kill', nick, ...(reason.trim() ? { reason: reason.trim() } : {}) };
  },
});
