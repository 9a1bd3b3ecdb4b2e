import { isDuration } from '../moderation/durations.js';
import type { SanctionKind } from '../moderation/types.js';
import { type Command, firstWord, usageError } from './command.js';
import { moderationCommand, roomAndRest } from './room-args.js';

/** /ban and /mute: on a nickname (by their host) or a mask, for a duration or until lifted. */
function sanctionCommand(kind: SanctionKind, summary: string): Command {
  const command: Command = moderationCommand({
    name: kind,
    usage: `/${kind} [#room] NICK|MASK [DURATION] [REASON]`,
    summary,
    request(args, currentRoom) {
      const [room, rest] = roomAndRest(currentRoom, args);
      const [target, afterTarget] = firstWord(rest);
      if (!target) throw usageError(command);
      const [maybeDuration, afterDuration] = firstWord(afterTarget);
      const timed = isDuration(maybeDuration);
      const reason = (timed ? afterDuration : afterTarget).trim();
      return {
        type: kind,
        room,
        target,
        ...(timed ? { duration: maybeDuration } : {}),
        ...(reason ? { reason } : {}),
      };
    },
  });
  return command;
}

/** /unban and /unmute: the sanction on a mask, or every one holding on a nickname. */
function liftCommand(kind: SanctionKind, summary: string): Command {
  const command: Command = moderationCommand({
    name: `un${kind}`,
    usage: `/un${kind} [#room] NICK|MASK`,
    summary,
    request(args, currentRoom) {
      const [room, rest] = roomAndRest(currentRoom, args);
      const [target, extra] = firstWord(rest);
      if (!target || extra.trim()) throw usageError(command);
      return { type: kind === 'ban' ? 'unban' : 'unmute', room, target };
    },
  });
  return command;
}

export const ban = sanctionCommand(
  'ban',
  'keep someone out of the room (/ban bob 1h spam); puts them out',
);
export const mute = sanctionCommand(
  'mute',
  'keep someone from speaking in the room (/mute bob 10m)',
);
export const unban = liftCommand('ban', 'lift a ban');
export const unmute = liftCommand('mute', 'lift a mute');
