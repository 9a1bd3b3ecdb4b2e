import { firstWord, usageError } from './command.js';
import { moderationCommand } from './room-args.js';

export const oper = moderationCommand({
  name: 'oper',
  usage: '/oper NAME PASSWORD',
  summary: 'become a server operator (three wrong tries close the connection)',
  request(args) {
    const [name, password] = firstWord(args);
    if (!name || !password.trim()) throw usageError(oper);
    // The password as typed: it may have spaces inside, not around it.
    return { type: 'oper', name, password: password.trim() };
  },
});
