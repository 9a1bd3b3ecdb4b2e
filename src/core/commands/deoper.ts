import { usageError } from './command.js';
import { moderationCommand } from './room-args.js';

export const deoper = moderationCommand({
  name: 'deoper',
  usage: '/deoper',
  summary: 'stop being a server operator',
  request(args) {
    if (args.trim()) throw usageError(deoper);
    return { type: 'deoper' };
  },
});
