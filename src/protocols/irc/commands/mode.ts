import {
  ERR_CHANOPRIVSNEEDED,
  ERR_NOSUCHCHANNEL,
  ERR_NOSUCHNICK,
  ERR_UMODEUNKNOWNFLAG,
  ERR_UNKNOWNMODE,
  ERR_USERSDONTMATCH,
  RPL_CHANNELMODEIS,
  RPL_CREATIONTIME,
  RPL_ENDOFBANLIST,
  RPL_UMODEIS,
} from '../numerics.js';
import { CHANNEL_MODES } from '../welcome.js';
import type { IrcCommand, IrcContext, IrcReplies } from './command.js';

/** List modes clients ask for on joining (irssi: MODE #chan b); always empty here. */
const EMPTY_LISTS: Record<string, [string, string]> = {
  b: [RPL_ENDOFBANLIST, 'End of channel ban list'],
  e: ['349', 'End of channel exception list'],
  I: ['347', 'End of channel invite list'],
};

/**
 * Channel modes: +n only, which is how every room works and cannot be changed (nobody is an
 * operator). User modes: +i, which leaves a user out of channel listings for outsiders.
 */
export const mode: IrcCommand = {
  names: ['MODE'],
  minParams: 1,
  run(context, message) {
    const [target = '', modes, ...args] = message.params;
    if (target.startsWith('#')) channelMode(context, target, modes, args);
    else userMode(context, target, modes);
  },
};

function channelMode(
  { chat, replies }: IrcContext,
  target: string,
  modes: string | undefined,
  args: string[],
): void {
  const room = chat.findRoom(target);
  if (!room) {
    replies.reply(ERR_NOSUCHCHANNEL, target, 'No such channel');
    return;
  }
  if (modes === undefined) {
    replies.replyPlain(RPL_CHANNELMODEIS, room.name, `+${CHANNEL_MODES}`);
    replies.replyPlain(RPL_CREATIONTIME, room.name, String(Math.floor(room.createdAt / 1000)));
    return;
  }
  let changes = false;
  for (const char of modes) {
    if (char === '+' || char === '-') continue;
    const list = EMPTY_LISTS[char];
    if (list && args.length === 0) replies.reply(list[0], room.name, list[1]);
    else if (list || CHANNEL_MODES.includes(char)) changes = true;
    else replies.reply(ERR_UNKNOWNMODE, char, 'is unknown mode char to me');
  }
  if (changes) replies.reply(ERR_CHANOPRIVSNEEDED, room.name, "You're not channel operator");
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
    replies.replyPlain(RPL_UMODEIS, client.invisible ? '+i' : '+');
    return;
  }
  let adding = true;
  let unknown = false;
  const before = client.invisible;
  for (const char of modes) {
    if (char === '+' || char === '-') adding = char === '+';
    else if (char === 'i') client.markInvisible(adding);
    else unknown = true;
  }
  if (client.invisible !== before) announce(replies, client.invisible ? '+i' : '-i');
  if (unknown) replies.reply(ERR_UMODEUNKNOWNFLAG, 'Unknown MODE flag');
}

function announce(replies: IrcReplies, change: string): void {
  replies.send({
    source: replies.nick,
    command: 'MODE',
    params: [replies.nick, change],
    trailing: true,
  });
}
