import { CAP_MESSAGE_TAGS } from '../caps.js';
import { clientTagsOf } from '../client-tags.js';
import { ERR_CANNOTSENDTOCHAN, ERR_NOSUCHNICK, ERR_TOOMANYTARGETS } from '../numerics.js';
import { MAX_MESSAGE_TARGETS } from '../welcome.js';
import { type IrcCommand, list } from './command.js';

/**
 * TAGMSG: client-only tags without a message (typing notifications, reactions), to channels
 * and nicknames, for the clients there that take tags (message-tags). Nothing is stored. It
 * is nothing but its tags, so one from a client that did not negotiate message-tags, or
 * without client tags, is dropped; errors about its targets are those of PRIVMSG.
 */
export const tagmsg: IrcCommand = {
  names: ['TAGMSG'],
  minParams: 1,
  run({ chat, member, client, replies }, message) {
    const tags = client.has(CAP_MESSAGE_TAGS) ? clientTagsOf(message) : undefined;
    if (!tags) return;
    const targets = list(message.params[0]);
    if (targets.length > MAX_MESSAGE_TARGETS) {
      const targetList = message.params[0]!;
      replies.reply(
        ERR_TOOMANYTARGETS,
        targetList,
        `Too many targets (at most ${MAX_MESSAGE_TARGETS})`,
      );
      return;
    }
    for (const target of targets) {
      if (target.startsWith('#')) {
        const room = chat.findRoom(target);
        if (!room) {
          replies.reply(ERR_NOSUCHNICK, target, 'No such nick/channel');
          continue;
        }
        if (!chat.isIn(member, room.name)) {
          replies.reply(ERR_CANNOTSENDTOCHAN, room.name, 'Cannot send to channel');
          continue;
        }
      }
      try {
        chat.sendTags(member, target, tags);
      } catch (error) {
        replies.reportError(error, 'TAGMSG', target);
      }
    }
  },
};
