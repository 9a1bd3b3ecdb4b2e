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
  RPL_INVITING,
} from './numerics.js';

type Answer = Extract<ChatEvent, { type: 'invite' | 'modes-are' | 'sanctions' | 'modlog' }>;

/**
 * Moderation events that read differently for each reader, in IRC's words: an invitation
 * (INVITE to the invited, 341 to who invited), a room's modes (324, 329), its ban list (367,
 * 368; mutes as InspIRCd's extban m:), and the audit log as NOTICEs (IRC has no numeric for it).
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
