import { isDuration, parseDuration } from '../../../core/moderation/durations.js';
import type { IrcCommand } from './command.js';

/**
 * KLINE [duration] mask [:reason] (Hybrid's order) or KLINE mask [duration] [:reason]
 * (InspIRCd's): a server ban on user@host, nick!user@host or a connected user's nickname (their
 * host), for a duration like 1h or 7d, or until UNKLINE. Users it matches are disconnected.
 */
export const kline: IrcCommand = {
  names: ['KLINE'],
  minParams: 1,
  run({ chat, member }, message) {
    const params = [...message.params];
    let duration = isDuration(params[0] ?? '') && params.length > 1 ? params.shift() : undefined;
    const mask = params.shift() ?? '';
    if (duration === undefined && params.length > 0 && isDuration(params[0]!)) {
      duration = params.shift();
    }
    return chat.operators.kline(member, mask, {
      ...(duration === undefined ? {} : { durationMs: parseDuration(duration) }),
      reason: params.join(' '),
    });
  },
};

/** UNKLINE mask: lifts a server ban. */
export const unkline: IrcCommand = {
  names: ['UNKLINE'],
  minParams: 1,
  run({ chat, member }, message) {
    return chat.operators.unkline(member, message.params[0] ?? '');
  },
};
