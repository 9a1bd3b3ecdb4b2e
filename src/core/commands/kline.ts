import { isDuration } from '../moderation/durations.js';
import { firstWord, usageError } from './command.js';
import { moderationCommand } from './room-args.js';

export const kline = moderationCommand({
  name: 'kline',
  usage: '/kline NICK|MASK [DURATION] [REASON]',
  summary: 'server operators: ban from the whole server (/kline *@host 1d spam); puts them out',
  request(args) {
    const [mask, afterMask] = firstWord(args);
    if (!mask) throw usageError(kline);
    const [maybeDuration, afterDuration] = firstWord(afterMask);
    const timed = isDuration(maybeDuration);
    const reason = (timed ? afterDuration : afterMask).trim();
    return {
      type: 'kline',
      mask,
      ...(timed ? { duration: maybeDuration } : {}),
      ...(reason ? { reason } : {}),
    };
  },
});
