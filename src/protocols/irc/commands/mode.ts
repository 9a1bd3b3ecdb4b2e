import { formatModes, parseModes } from '../../../core/moderation/mode-letters.js';
import { badLimit } from '../../../core/moderation/mode-validator.js';
import { banList } from '../moderation-replies.js';
import {
  ERR_INVALIDMODEPARAM,
  ERR_NOSUCHCHANNEL,
  ERR_NOSUCHNICK,
  ERR_UMODEUNKNOWNFLAG,
  ERR_UNKNOWNMODE,
  ERR_USERSDONTMATCH,
  RPL_CHANNELMODEIS,
  RPL_CREATIONTIME,
  RPL_UMODEIS,
} from '../numerics.js';
import type { IrcCommand, IrcContext, IrcReplies } from './command.js';

/** Changes with a parameter one MODE line may make (ISUPPORT MODES); more are ignored. */
export const MAX_MODE_PARAMS = 20;

/**
 * Channel modes (docs/moderation.md): MODE #room answers 324 and 329; +b alone lists bans and
 * mutes (367, 368); changes need the room's operator role, each refused one gets its numeric.
 * User modes: +i, which leaves a user out of channel listings for outsiders; +w, which shows
 * WALLOPS; +o, which OPER gives and -o takes away (221 shows them).
 */
export const mode: IrcCommand = {
  names: ['MODE'],
  minParams: 1,
  async run(context, message) {
    const [target = '', modes, ...args] = message.params;
    if (target.startsWith('#')) await channelMode(context, target, modes, args);
    else userMode(context, target, modes);
  },
};

async function channelMode(
  { chat, member, replies }: IrcContext,
  target: string,
  modes: string | undefined,
  args: string[],
): Promise<void> {
  const room = chat.findRoom(target);
  if (!room) {
    replies.reply(ERR_NOSUCHCHANNEL, target, 'No such channel');
    return;
  }
  if (modes === undefined) {
    const { letters, params } = formatModes(chat.moderation.answers.modesOf(room, member));
    replies.replyPlain(RPL_CHANNELMODEIS, room.name, letters, ...params);
    replies.replyPlain(RPL_CREATIONTIME, room.name, String(Math.floor(room.createdAt / 1000)));
    return;
  }
  const parsed = parseModes(modes, args, MAX_MODE_PARAMS);
  for (const letter of parsed.unknown)
    replies.reply(ERR_UNKNOWNMODE, letter, 'is unknown mode char to me');
  for (const letter of parsed.missing) {
    replies.reply(ERR_INVALIDMODEPARAM, room.name, letter, '*', 'You must give a parameter');
  }
  for (const param of parsed.badLimits) replies.reportError(badLimit(room.name, param), 'MODE');
  if (parsed.listQueries.length > 0) {
    const { answers } = chat.moderation;
    banList(replies, room.name, [
      ...answers.sanctionsOf(room, 'ban'),
      ...answers.sanctionsOf(room, 'mute'),
    ]);
  }
  if (parsed.changes.length === 0) return;
  try {
    const { refused } = await chat.moderation.changeModes(member, room.name, parsed.changes);
    for (const error of refused) replies.reportError(error, 'MODE', room.name);
  } catch (error) {
    replies.reportError(error, 'MODE', room.name);
  }
}

function userMode(
  { chat, member, client, replies }: IrcContext,
  target: string,
  modes: string | undefined,
): void {
  if (!chat.describe(target)) {
    replies.reply(ERR_NOSUCHNICK, target, 'No such nick/channel');
    return;
  }
  if (chat.findMember(target) !== member) {
    replies.reply(ERR_USERSDONTMATCH, "Can't change mode for other users");
    return;
  }
  if (modes === undefined) {
    const held = `${client.invisible ? 'i' : ''}${member.operator ? 'o' : ''}${client.wallops ? 'w' : ''}`;
    replies.replyPlain(RPL_UMODEIS, `+${held}`);
    return;
  }
  let adding = true;
  let unknown = false;
  let deoper = false;
  const before = { i: client.invisible, w: client.wallops };
  for (const char of modes) {
    if (char === '+' || char === '-') adding = char === '+';
    else if (char === 'i') client.markInvisible(adding);
    else if (char === 'w') client.wallops = adding;
    // +o comes with OPER only; -o gives it up (the server says so with MODE -o).
    else if (char === 'o') deoper ||= !adding && member.operator !== undefined;
    else unknown = true;
  }
  const changes: string[] = [];
  if (client.invisible !== before.i) changes.push(client.invisible ? '+i' : '-i');
  if (client.wallops !== before.w) changes.push(client.wallops ? '+w' : '-w');
  if (changes.length > 0) announce(replies, joinChanges(changes));
  if (deoper) chat.operators.deoper(member);
  if (unknown) replies.reply(ERR_UMODEUNKNOWNFLAG, 'Unknown MODE flag');
}

/** ['+i', '+w', '-x'] as one mode string: '+iw-x'. */
function joinChanges(changes: readonly string[]): string {
  let joined = '';
  let sign = '';
  for (const change of changes) {
    if (change[0] !== sign) {
      sign = change[0]!;
      joined += sign;
    }
    joined += change.slice(1);
  }
  return joined;
}

function announce(replies: IrcReplies, change: string): void {
  replies.send({
    source: replies.nick,
    command: 'MODE',
    params: [replies.nick, change],
    trailing: true,
  });
}
