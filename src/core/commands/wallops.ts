import { usageError } from './command.js';
import { moderationCommand } from './room-args.js';

export const wallops = moderationCommand({
  name: 'wallops',
  usage: '/wallops TEXT',
  summary: 'server operators: a message to every server operator (and IRC users with +w)',
  request(args) {
    if (!args.trim()) throw usageError(wallops);
    return { type: 'wallops', text: args.trim() };
  },
});
