import { usageError } from './command.js';
import { moderationCommand } from './room-args.js';

export const klines = moderationCommand({
  name: 'klines',
  usage: '/klines',
  summary: 'server operators: list the server bans and when they lift',
  request(args) {
    if (args.trim()) throw usageError(klines);
    return { type: 'klines' };
  },
});
