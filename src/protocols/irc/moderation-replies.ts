import type { ChatEvent } from '../../core/events.js';
import type { Member } from '../../core/member.js';
import { formatModes, MUTE_EXTBAN } from '../../core/moderation/mode-letters.js';
import type { Sanction } from '../../core/moderation/types.js';
import { foldCase } from '../../core/names.js';
import { renderModeration } from '../text/render-moderation.js';
import type { IrcReplies } from './commands/command.js';
import {
  RPL_BANLIST,
  RPL_CHANNELMODEIS,
  RPL_CREATIONTIME,
  RPL_ENDOFBANLIST,
  RPL_ENDOFSTATS,
  RPL_INVITING,
  RPL_STATSKLINE,
  RPL_YOUREOPER,
} from './numerics.js';

type Answer = Extract<
  ChatEvent,
  { type: 'invite' | 'modes-are' | 'sanctions' | 'modlog' | 'oper' | 'server-bans' }
>;

/**
 * Moderation events that read differently for each reader, in IRC's words: an invitation
 * (INVITE to the invited, 341 to who invited), a room's modes (324, 329), its ban list (367,
 * 368; mutes as InspIRCd's extban m:), the audit log as NOTICEs (IRC has no numeric for it),
 * becoming a server operator (381 and user mode +o) or not (-o), and the server bans (216, 219).
 */
export function deliverAnswer(
  event: Answer,
  viewer: Member,
  replies: IrcReplies,
  host: string,
  /** A user's nick!user@host. */
  maskOf: (nick: string) => string,
): void {
  switch (event.type) {
    case 'invite':
      if (foldCase(event.target) === viewer.nickKey) {
        replies.send({
          source: maskOf(event.nick),
          command: 'INVITE',
          params: [event.target, event.room],
        });
      } else replies.replyPlain(RPL_INVITING, event.target, event.room);
      return;
    case 'modes-are': {
      const { letters, params } = formatModes(event.modes);
      replies.replyPlain(RPL_CHANNELMODEIS, event.room, letters, ...params);
      replies.replyPlain(RPL_CREATIONTIME, event.room, String(Math.floor(event.createdAt / 1000)));
      return;
    }
    case 'sanctions':
      banList(replies, event.room, event.entries);
      return;
    case 'oper':
      if (event.name !== undefined) replies.reply(RPL_YOUREOPER, 'You are now an IRC operator');
      replies.send({
        source: replies.nick,
        command: 'MODE',
        params: [replies.nick, event.name === undefined ? '-o' : '+o'],
        trailing: true,
      });
      return;
    case 'server-bans':
      kLines(replies, event.entries);
      return;
    case 'modlog':
      for (const line of renderModeration(
        event,
        { inCurrentRoom: true, isActor: false, showIds: false },
        Date.now(),
      )) {
        replies.send({
          source: host,
          command: 'NOTICE',
          params: [replies.nick, line.text],
          trailing: true,
        });
      }
      return;
  }
}

/** A WALLOPS line, from the operator's mask (to users with +w, and to operators). */
export function sendWallops(
  replies: IrcReplies,
  event: Extract<ChatEvent, { type: 'wallops' }>,
  mask: string,
): void {
  replies.send({ source: mask, command: 'WALLOPS', params: [event.text], trailing: true });
}

/** 367 for each ban (mutes as m:mask), then 368. */
export function banList(replies: IrcReplies, room: string, entries: readonly Sanction[]): void {
  for (const entry of entries) {
    const mask = entry.kind === 'mute' ? `${MUTE_EXTBAN}${entry.mask}` : entry.mask;
    replies.replyPlain(
      RPL_BANLIST,
      room,
      mask,
      entry.setBy,
      String(Math.floor(entry.setAt / 1000)),
    );
  }
  replies.reply(RPL_ENDOFBANLIST, room, 'End of channel ban list');
}

/**
 * 216 for each server ban: k, its mask, when it was set and how many seconds it has left (0:
 * until lifted, both as InspIRCd says them), who set it and why; then 219.
 */
function kLines(replies: IrcReplies, entries: readonly Sanction[]): void {
  const now = Date.now();
  for (const entry of entries) {
    const left =
      entry.expiresAt === undefined ? 0 : Math.max(1, Math.ceil((entry.expiresAt - now) / 1000));
    replies.reply(
      RPL_STATSKLINE,
      'k',
      entry.mask,
      String(Math.floor(entry.setAt / 1000)),
      String(left),
      entry.setBy,
      entry.reason,
    );
  }
  replies.reply(RPL_ENDOFSTATS, 'k', 'End of /STATS report');
}
