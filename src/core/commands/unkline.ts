import { firstWord, usageError } from './command.js';
import { moderationCommand } from './room-args.js';

export const unkline = moderationCommand({
  name: 'unkline',
  usage: '/unkline MASK',
  summary: 'server operators: lift a server ban',
  request(args) {
    const [mask, extra] = firstWord(args);
    if (!mask || extra.trim()) throw usageError(unkline);
    return { type: 'unkline', mask };
  },
});
