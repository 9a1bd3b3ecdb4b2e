import { ChatError } from '../errors.js';
import { parseModes } from '../moderation/mode-letters.js';
import { badLimit } from '../moderation/mode-validator.js';
import { moderationCommand, roomAndRest } from './room-args.js';

export const mode = moderationCommand({
  name: 'mode',
  usage: '/mode [#room] [+|-LETTERS [PARAMS]]',
  summary: "show a room's modes, or change them (+m, +i, +k KEY, +l N, +o NICK...)",
  request(args, currentRoom) {
    const [room, rest] = roomAndRest(currentRoom, args);
    const [letters, ...params] = rest.split(/\s+/).filter(Boolean);
    if (letters === undefined) return { type: 'mode', room };
    const parsed = parseModes(letters, params);
    if (parsed.unknown.length > 0) {
      throw new ChatError(
        'UNKNOWN_MODE',
        `There is no mode ${parsed.unknown[0]}: see docs/moderation.md.`,
      );
    }
    if (parsed.missing.length > 0) {
      throw new ChatError('BAD_ARGUMENTS', `Mode ${parsed.missing[0]} needs a parameter.`);
    }
    if (parsed.badLimits.length > 0) throw badLimit(room, parsed.badLimits[0]!);
    // `+b` alone asks for the ban list, as on IRC.
    if (parsed.changes.length === 0 && parsed.listQueries.length > 0) {
      return { type: 'sanctions', room, kind: parsed.listQueries[0]! };
    }
    return { type: 'mode', room, changes: parsed.changes };
  },
});
